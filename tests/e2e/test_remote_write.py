"""Debian's Prometheus remote-writes to the real redflagd over mutual TLS, with a
certificate whose principal has role telemetry. It scrapes text pages that
follow the exact metric and label names of dcgm-exporter and of
kube-state-metrics, served by local HTTP servers:

- two GPUs of one Slurm job (labelled hpc_job, as dcgm-exporter's HPC job
  mapping does), one busy GPU with no job;
- two GPUs of a Kubernetes pod (namespace/pod/container labels, as
  dcgm-exporter --kubernetes writes them) whose namespace has the customer
  label, and one GPU of a pod in a namespace without it;
- kube-state-metrics' series for those namespaces and pods.

After the scrapes (the dcgm page is taken down, so Prometheus ends its series
with stale markers) the test asks Prometheus for every sample it scraped,
computes by hand what each GPU's points cover (the first one collection
interval, each later one the time since the one before) and checks that
redflagd counted exactly that for the Slurm job and the pod (accelerator time
and tensor activity), that the pod was registered with its namespace's
customer and its labels' declarations, that the other GPUs' busy time is in
the cluster's unattributed account with an unattributed_compute finding
naming the node and GPU, and that the pod's job ends when kube-state-metrics
says it completed.

A second test fills redflagd's disk (a small tmpfs) while Prometheus sends:
redflagd answers 503, Prometheus retries, and once space is back the totals
are exact.

Run: /usr/bin/python3 tests/e2e/test_remote_write.py REDFLAGD REDFLAGCTL
"""

import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

import yaml

from peers import free_port, http_get, start_redflagd, wait_until

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REDFLAGD = REDFLAGCTL = None  # from argv
MODEL = "NVIDIA H100 80GB HBM3"

DCGM_LABELS = ('DCGM_FI_DRIVER_VERSION="535.129.03",Hostname="{host}",'
               'device="nvidia{gpu}",gpu="{gpu}",modelName="' + MODEL + '",'
               'pci_bus_id="00000000:1A:00.0",UUID="{uuid}"{extra}')


class Gpu:
    def __init__(self, index, host, tensor, sm, extra=""):
        self.index, self.host, self.tensor, self.sm, self.extra = index, host, tensor, sm, extra
        self.uuid = f"GPU-8a4c1b2e-0000-4000-8000-00000000000{index}"

    def labels(self):
        return DCGM_LABELS.format(host=self.host, gpu=self.index, uuid=self.uuid,
                                  extra=self.extra)


POD_UID = "7c1e2a9d-0000-4000-8000-00000000a001"
STRAY_UID = "7c1e2a9d-0000-4000-8000-00000000a002"
SLURM_GPUS = [Gpu(0, "gpu-node-7", 0.5, 0.75, ',hpc_job="4242"'),
              Gpu(1, "gpu-node-7", 0.25, 0.5, ',hpc_job="4242"')]
NO_JOB_GPU = Gpu(2, "gpu-node-7", 0.75, 0.9)
POD_GPUS = [Gpu(3, "gpu-node-8", 0.6, 0.8, ',container="trainer",namespace="team-a",pod="train-0"'),
            Gpu(4, "gpu-node-8", 0.4, 0.7, ',container="trainer",namespace="team-a",pod="train-0"')]
STRAY_GPU = Gpu(5, "gpu-node-9", 0.9, 0.95, ',container="miner",namespace="sandbox",pod="stray-0"')


def dcgm_page(gpus):
    lines = []
    for metric, help_text, attr in [
            ("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "Ratio of cycles the tensor (HMMA) pipe is active.",
             "tensor"),
            ("DCGM_FI_PROF_SM_ACTIVE", "The ratio of cycles an SM has at least 1 warp assigned.",
             "sm")]:
        lines += [f"# HELP {metric} {help_text}", f"# TYPE {metric} gauge"]
        lines += [f"{metric}{{{g.labels()}}} {getattr(g, attr)}" for g in gpus]
    lines += ["# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).",
              "# TYPE DCGM_FI_DEV_POWER_USAGE gauge",
              f"DCGM_FI_DEV_POWER_USAGE{{{gpus[0].labels()}}} 412.5"]
    return "\n".join(lines) + "\n"


def pod_lines(namespace, pod, uid, node, gpus, start_s, labels, completed_s):
    who = f'namespace="{namespace}",pod="{pod}",uid="{uid}"'
    phase = "Succeeded" if completed_s else "Running"
    lines = [
        f'kube_pod_info{{{who},host_ip="10.0.0.8",pod_ip="10.1.0.5",node="{node}",'
        f'created_by_kind="Job",created_by_name="{pod}",priority_class="",host_network="false"}} 1',
        f"kube_pod_labels{{{who}{labels}}} 1",
        f'kube_pod_container_resource_requests{{{who},container="trainer",node="{node}",'
        f'resource="nvidia_com_gpu",unit="integer"}} {gpus}',
        f'kube_pod_container_resource_requests{{{who},container="trainer",node="{node}",'
        f'resource="cpu",unit="core"}} 8',
        f"kube_pod_start_time{{{who}}} {start_s}",
    ]
    lines += [f'kube_pod_status_phase{{{who},phase="{p}"}} {1 if p == phase else 0}'
              for p in ["Pending", "Running", "Succeeded", "Failed", "Unknown"]]
    if completed_s:
        lines.append(f"kube_pod_completion_time{{{who}}} {completed_s}")
    return lines


class Target:
    """One scrape target: an HTTP server whose page is page() at each scrape."""

    def __init__(self, page):
        target = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = target.page().encode()
                target.scrapes += 1
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.page, self.scrapes = page, 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def covers(series, first_ms=1000):
    """What each scraped point of one series covers: the first one collection
    interval, each later one the time since the one before."""
    stamps = [round(float(t) * 1000) for t, _ in series["values"]]
    return [first_ms] + [b - a for a, b in zip(stamps, stamps[1:])], \
        [float(v) for _, v in series["values"]]


class RemoteWriteEndToEnd(unittest.TestCase):
    POLICY = {"name": "rw", "allow_rules": [
        {"name": "agents", "source": {"principals": ["spiffe://redflag.test/telemetry"]},
         "roles": ["telemetry"]},
        {"name": "ops", "source": {"principals": ["ops-admin"]}, "roles": ["admin"]}]}
    MIN_FREE = 24 << 20

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="redflag-rw-")
        # The store on a small disk of its own, to fill in the retry test.
        cls.disk = os.path.join(cls.tmp, "small")
        os.mkdir(cls.disk)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m", "redflag-e2e",
                                  cls.disk], capture_output=True, text=True)
        if mounted.returncode != 0:
            raise RuntimeError("this test mounts a tmpfs for redflagd's store (root, "
                               "CAP_SYS_ADMIN): " + mounted.stderr)
        certs = cls.certs = os.path.join(cls.tmp, "certs")
        subprocess.run(["/bin/bash", os.path.join(REPO, "tests/integration/make_test_certs.sh"),
                        certs], check=True)
        policy = os.path.join(cls.tmp, "policy.json")
        with open(policy, "w") as f:
            json.dump(cls.POLICY, f)
        start_redflagd(cls, REDFLAGD, [
            "-o", "remote_write.collection_interval=1s",
            "-o", "compute.evaluation_interval=500ms",
            "-o", "remote_write.unattributed_alert_min=1s",
            "-o", "remote_write.unattributed_alert_share=0.01",
            "-o", f"storage.min_free_bytes={cls.MIN_FREE}",
            "-o", "storage.reserve_bytes=8MiB", "-o", "storage.write_buffer_bytes=4MiB",
            "-o", "storage.space_check_interval=100ms",
            "-o", "tls.cert_file=" + os.path.join(certs, "server.crt"),
            "-o", "tls.key_file=" + os.path.join(certs, "server.key"),
            "-o", "tls.client_ca_file=" + os.path.join(certs, "ca.crt"),
            "-o", "security.policy_file=" + policy], data_dir=os.path.join(cls.disk, "data"))
        cls.proms = []

    @classmethod
    def tearDownClass(cls):
        for prom in cls.proms:
            prom.terminate()
            prom.wait(timeout=30)
        cls.proc.terminate()
        cls.proc.wait(timeout=30)
        cls.log.close()
        subprocess.run(["umount", "-l", cls.disk])
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def ctl(self, client, *args):
        c = self.certs
        r = subprocess.run([REDFLAGCTL, "--addr", f"127.0.0.1:{self.grpc_port}", "--ca",
                            f"{c}/ca.crt", "--server-name", "localhost", "--cert",
                            f"{c}/{client}.crt", "--key", f"{c}/{client}.key", *args],
                           capture_output=True, text=True, cwd=REPO)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def job(self, job_id):
        return json.loads(self.ctl("admin", "jobs", "get", job_id))

    def register_slurm_job(self, number, gpus):
        spec = os.path.join(self.tmp, f"job-{number}.json")
        with open(spec, "w") as f:
            json.dump({"job_id": f"slurm/e2e/{number}", "customer_id": "acct-9001",
                       "scheduler": "slurm", "cluster": "e2e", "accelerator_model": MODEL,
                       "accelerator_count": gpus,
                       "start_unix_ms": str(int(time.time() * 1000) - 60_000)}, f)
        self.ctl("telemetry", "jobs", "register", spec)

    def metrics(self):
        c = self.certs
        return subprocess.run(
            ["curl", "-sS", "--cacert", f"{c}/ca.crt", "--cert", f"{c}/admin.crt",
             "--key", f"{c}/admin.key", f"https://localhost:{self.http_port}/metrics"],
            capture_output=True, text=True, check=True).stdout

    def metric(self, series):
        for line in self.metrics().splitlines():
            if line.startswith(series + " "):
                return float(line.split()[-1])
        return None

    def wait_for(self, done, what, seconds=60):
        return wait_until(done, what, self.tmp, seconds)

    def start_prometheus(self, name, targets, min_backoff="30ms"):
        """Prometheus scraping `targets` every second and remote-writing to
        redflagd over mutual TLS, forwarding what the shipped
        deploy/prometheus/prometheus.yml forwards; its port."""
        with open(os.path.join(REPO, "deploy/prometheus/prometheus.yml")) as f:
            relabel = yaml.safe_load(f)["remote_write"][0]["write_relabel_configs"]
        relabel = "".join("    " + line + "\n" for line in yaml.safe_dump(
            {"write_relabel_configs": relabel}, width=1000).splitlines())
        port = free_port()
        c = self.certs
        scrapes = "".join(f"""  - job_name: {job}
    static_configs:
      - targets: ["127.0.0.1:{t.port}"]
""" for job, t in targets.items())
        config = os.path.join(self.tmp, f"prometheus-{name}.yml")
        with open(config, "w") as f:
            f.write(f"""global:
  scrape_interval: 1s
  external_labels:
    cluster: e2e
scrape_configs:
{scrapes}remote_write:
  - url: https://localhost:{self.http_port}/api/v1/write
    tls_config:
      ca_file: {c}/ca.crt
      cert_file: {c}/telemetry.crt
      key_file: {c}/telemetry.key
    queue_config:
      batch_send_deadline: 1s
      min_backoff: {min_backoff}
      max_backoff: 1s
{relabel}""")
        log = open(os.path.join(self.tmp, f"prometheus-{name}.log"), "w")
        prom = subprocess.Popen(
            ["prometheus", f"--config.file={config}",
             f"--storage.tsdb.path={os.path.join(self.tmp, 'tsdb-' + name)}",
             f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.proms.append(prom)
        self.wait_for(lambda: http_get(f"http://127.0.0.1:{port}/-/ready"), "Prometheus")
        return port

    def query(self, port, promql):
        body = http_get(f"http://127.0.0.1:{port}/api/v1/query?"
                        + urllib.parse.urlencode({"query": promql}))
        self.assertIsNotNone(body, promql)
        return json.loads(body)["data"]["result"]

    def scraped(self, port, selector, series, points):
        """Waits until Prometheus holds `series` series of `selector` with at
        least `points` points each."""
        def enough():
            r = self.query(port, f"DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{{{selector}}}[5m]")
            return len(r) == series and min(len(s["values"]) for s in r) >= points
        self.wait_for(enough, f"{points} scrapes of {selector}")

    def by_hand(self, port, selector):
        """Accelerator-ms and tensor-active accelerator-ms of the series."""
        ms, tensor = 0, 0.0
        for s in self.query(port, f"DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{{{selector}}}[10m]"):
            cover, values = covers(s)
            ms += sum(cover)
            tensor += sum(c * v for c, v in zip(cover, values))
        return ms, tensor

    def counted(self, job_id, expected_ms):
        """The job's totals once redflagd has counted expected_ms, and two
        seconds later (anything late or twice would show then)."""
        self.wait_for(lambda: int(self.job(job_id).get("totals", {}).get("accelerator_ms", 0))
                      >= expected_ms, f"redflagd to count every point of {job_id}")
        time.sleep(2)
        return self.job(job_id)

    def test_slurm_and_kubernetes_gpus_counted_exactly_and_unattributed_time_found(self):
        self.register_slurm_job(4242, 2)
        start_s = int(time.time()) - 120
        state = {"pod_gpus": False, "completed_s": None}

        def kube_page():
            lines = ["# HELP kube_namespace_labels [STABLE] Kubernetes labels converted to "
                     "Prometheus labels.", "# TYPE kube_namespace_labels gauge",
                     'kube_namespace_labels{namespace="team-a",label_redflag_io_customer="acme"} 1',
                     'kube_namespace_labels{namespace="sandbox"} 1']
            lines += pod_lines("team-a", "train-0", POD_UID, "gpu-node-8", 2, start_s,
                               ',label_redflag_io_model="frontier-2",'
                               'label_redflag_io_parent_model="frontier-1",'
                               'label_redflag_io_workload="fine_tuning",'
                               'label_redflag_io_precision="bf16",'
                               'label_redflag_io_parameters="70000000000"',
                               state["completed_s"])
            lines += pod_lines("sandbox", "stray-0", STRAY_UID, "gpu-node-9", 1, start_s, "", None)
            return "\n".join(lines) + "\n"

        def gpus_page():
            gpus = SLURM_GPUS + [NO_JOB_GPU]
            if state["pod_gpus"]:
                gpus += POD_GPUS + [STRAY_GPU]
            return dcgm_page(gpus)

        kube = Target(kube_page)
        dcgm = Target(gpus_page)
        port = self.start_prometheus("main", {"kube-state-metrics": kube, "dcgm": dcgm})
        # The pods are known before their GPUs report, as on a real node (a
        # pod is scheduled before its containers run).
        self.wait_for(lambda: self.metric('redflag_remote_write_tracked{what="pods"}') == 2,
                      "redflagd to track both pods")
        state["pod_gpus"] = True
        self.scraped(port, 'pod="train-0"', 2, 8)
        self.scraped(port, 'hpc_job="4242"', 2, 8)
        dcgm.stop()  # its series end with stale markers
        time.sleep(3)

        # The Slurm job and the pod: exactly what Prometheus scraped.
        slurm_ms, slurm_tensor = self.by_hand(port, 'hpc_job="4242"')
        pod_ms, pod_tensor = self.by_hand(port, 'pod="train-0"')
        for job_id, ms, tensor in [("slurm/e2e/4242", slurm_ms, slurm_tensor),
                                   (f"k8s/e2e/{POD_UID}", pod_ms, pod_tensor)]:
            totals = self.counted(job_id, ms)["totals"]
            self.assertEqual(int(totals["accelerator_ms"]), ms, job_id)
            self.assertEqual(int(totals["tensor_measured_accelerator_ms"]), ms, job_id)
            self.assertAlmostEqual(float(totals["tensor_active_accelerator_ms"]), tensor, places=3)
            self.assertGreater(int(totals["sm_measured_accelerator_ms"]), 0, job_id)

        # The pod is a job of its namespace's customer, with its labels' declarations.
        spec = self.job(f"k8s/e2e/{POD_UID}")["spec"]
        self.assertEqual(spec["customer_id"], "acme")
        self.assertEqual(spec["scheduler"], "kubernetes")
        self.assertEqual(spec["scheduler_job_id"], "team-a/train-0")
        self.assertEqual(spec["cluster"], "e2e")
        self.assertEqual(spec["accelerator_model"], MODEL)
        self.assertEqual(spec["accelerator_count"], 2)
        self.assertEqual(int(spec["start_unix_ms"]), start_s * 1000)
        self.assertEqual(spec["model_id"], "frontier-2")
        self.assertEqual(spec["parent_model_id"], "frontier-1")
        self.assertEqual(spec["workload"], "WORKLOAD_KIND_FINE_TUNING")
        self.assertEqual(spec["precision"], "PRECISION_BF16")
        self.assertEqual(int(spec["declared_parameters"]), 70_000_000_000)
        # The pod without a customer label is no job.
        r = subprocess.run([REDFLAGCTL, "--addr", f"127.0.0.1:{self.grpc_port}", "--ca",
                            f"{self.certs}/ca.crt", "--server-name", "localhost", "--cert",
                            f"{self.certs}/admin.crt", "--key", f"{self.certs}/admin.key",
                            "jobs", "get", f"k8s/e2e/{STRAY_UID}"], capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)

        # The GPU without a job and the one in the unlabelled namespace:
        # unattributed, exactly, and found.
        unattributed_ms = sum(self.by_hand(port, f'UUID="{g.uuid}"')[0]
                              for g in [NO_JOB_GPU, STRAY_GPU])
        self.assertEqual(
            self.metric('redflag_remote_write_unattributed_accelerator_seconds_total'
                        '{cluster="e2e"}') * 1000, unattributed_ms)
        self.assertGreater(self.metric(
            'redflag_remote_write_unattributed_points_total{reason="no_customer_label"}'), 0)
        self.assertGreater(self.metric(
            'redflag_remote_write_unattributed_points_total{reason="no_job_label"}'), 0)
        # The shipped relabelling forwards only what redflagd reads (the CPU
        # requests and the power draw stay behind).
        self.assertEqual(self.metric("redflag_remote_write_series_ignored_total"), 0)

        def finding():
            alerts = json.loads(self.ctl("admin", "alerts", "list", "--json")).get("alerts", [])
            return next((a for a in alerts if a["rule"] == "unattributed_compute"
                         and "no_customer_label" in a["level"]), None)
        # Raised for the GPU without a job, updated once the unlabelled
        # namespace's GPU adds a cause.
        alert = self.wait_for(finding, "the unattributed_compute finding")
        self.assertEqual(alert["alert_id"], "unattributed_compute/cluster/e2e/busy")
        self.assertEqual(alert["level"], "share/no_customer_label,no_job_label")
        gpus = [e["value"] for e in alert["evidence"] if e["name"] == "gpu"]
        stray = next(v for v in gpus if v.startswith(STRAY_GPU.uuid))
        self.assertIn("on gpu-node-9", stray)
        self.assertIn("sandbox/stray-0", stray)
        self.assertIn("why no_customer_label", stray)
        self.assertTrue(any(v.startswith(NO_JOB_GPU.uuid) and "on gpu-node-7" in v for v in gpus))
        # Unattributed time is no customer's: not in any customer's figures.
        self.assertNotIn("unattributed/", self.ctl("admin", "jobs", "list", "--customer", "acme"))

        # kube-state-metrics says the pod completed: its job ends then.
        completed_s = int(time.time()) + 1
        state["completed_s"] = completed_s
        ended = self.wait_for(lambda: int(self.job(f"k8s/e2e/{POD_UID}").get("end_unix_ms", 0)),
                              "the pod's job to end")
        self.assertEqual(ended, completed_s * 1000)
        self.assertEqual(int(self.job(f"k8s/e2e/{POD_UID}")["totals"]["accelerator_ms"]), pod_ms)
        kube.stop()

    def test_prometheus_retries_through_a_full_disk_and_the_totals_are_exact(self):
        self.register_slurm_job(5151, 1)
        gpu = Gpu(6, "gpu-node-7", 0.5, 0.6, ',hpc_job="5151"')
        dcgm = Target(lambda: dcgm_page([gpu]))
        port = self.start_prometheus("retry", {"dcgm": dcgm}, min_backoff="100ms")
        self.wait_for(lambda: int(self.job("slurm/e2e/5151").get("totals", {})
                                  .get("accelerator_ms", 0)) > 0, "the first points counted")
        # The disk fills: redflagd refuses writes with 503 and Prometheus retries.
        filler = os.path.join(self.disk, "filler")
        with open(filler, "wb") as f:
            chunk = b"x" * (256 << 10)
            while True:
                st = os.statvfs(self.disk)
                if st.f_bavail * st.f_frsize <= self.MIN_FREE // 2:
                    break
                try:
                    f.write(chunk)
                    f.flush()
                except OSError:
                    break
        code503 = 'redflag_http_requests_total{code="503",route="POST /api/v1/write"}'
        self.wait_for(lambda: (self.metric(code503) or 0) >= 3, "three 503 answers")
        during = int(self.job("slurm/e2e/5151")["totals"]["accelerator_ms"])
        time.sleep(3)
        self.assertEqual(int(self.job("slurm/e2e/5151")["totals"]["accelerator_ms"]), during,
                         "nothing is counted while the disk is full")
        os.remove(filler)
        self.scraped(port, 'hpc_job="5151"', 1, int(during / 1000) + 10)
        dcgm.stop()
        time.sleep(3)
        ms, tensor = self.by_hand(port, 'hpc_job="5151"')
        totals = self.counted("slurm/e2e/5151", ms)["totals"]
        self.assertEqual(int(totals["accelerator_ms"]), ms)
        self.assertAlmostEqual(float(totals["tensor_active_accelerator_ms"]), tensor, places=3)


if __name__ == "__main__":
    REDFLAGD, REDFLAGCTL = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
