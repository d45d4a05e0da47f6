"""Debian's Prometheus remote-writes to the real redflagd over mutual TLS, with a
certificate whose principal has role telemetry. It scrapes a text page that
follows dcgm-exporter's exact metric and label names, served by a local HTTP
server: two GPUs of one Slurm job (labelled hpc_job, as dcgm-exporter's HPC
job mapping does) and one busy GPU with no job. After the scrapes (the page is
taken down, so Prometheus ends the series with stale markers), the test asks
Prometheus for every sample it scraped, computes by hand what each GPU's
points cover (the first one collection interval, each later one the time
since the one before) and checks that redflagd counted exactly that for the
job, accelerator time and tensor activity, and that the GPU without a job is
counted as unattributed.

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
import urllib.request

from peers import free_port, http_get, start_redflagd, wait_until

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REDFLAGD = REDFLAGCTL = None  # from argv

LABELS = ('DCGM_FI_DRIVER_VERSION="535.129.03",Hostname="gpu-node-7",'
          'device="nvidia{gpu}",gpu="{gpu}",modelName="NVIDIA H100 80GB HBM3",'
          'pci_bus_id="00000000:1A:00.0",UUID="{uuid}"{job}')
GPUS = [("0", "GPU-8a4c1b2e-0000-4000-8000-000000000001", "4242", 0.5, 0.75),
        ("1", "GPU-8a4c1b2e-0000-4000-8000-000000000002", "4242", 0.25, 0.5),
        ("2", "GPU-8a4c1b2e-0000-4000-8000-000000000003", "", 0.75, 0.9)]


def page():
    lines = ["# HELP DCGM_FI_PROF_PIPE_TENSOR_ACTIVE Ratio of cycles the tensor (HMMA) pipe is active.",
             "# TYPE DCGM_FI_PROF_PIPE_TENSOR_ACTIVE gauge"]
    for gpu, uuid, job, tensor, _ in GPUS:
        labels = LABELS.format(gpu=gpu, uuid=uuid, job=f',hpc_job="{job}"' if job else "")
        lines.append(f"DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{{{labels}}} {tensor}")
    lines += ["# HELP DCGM_FI_PROF_SM_ACTIVE The ratio of cycles an SM has at least 1 warp assigned.",
              "# TYPE DCGM_FI_PROF_SM_ACTIVE gauge"]
    for gpu, uuid, job, _, sm in GPUS:
        labels = LABELS.format(gpu=gpu, uuid=uuid, job=f',hpc_job="{job}"' if job else "")
        lines.append(f"DCGM_FI_PROF_SM_ACTIVE{{{labels}}} {sm}")
    lines += ["# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).",
              "# TYPE DCGM_FI_DEV_POWER_USAGE gauge",
              f'DCGM_FI_DEV_POWER_USAGE{{{LABELS.format(gpu="0", uuid=GPUS[0][1], job="")}}} 412.5']
    return ("\n".join(lines) + "\n").encode()


class Exporter(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = page()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class RemoteWriteEndToEnd(unittest.TestCase):
    POLICY = {"name": "rw", "allow_rules": [
        {"name": "agents", "source": {"principals": ["spiffe://redflag.test/telemetry"]},
         "roles": ["telemetry"]},
        {"name": "ops", "source": {"principals": ["ops-admin"]}, "roles": ["admin"]}]}

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="redflag-rw-")
        certs = cls.certs = os.path.join(cls.tmp, "certs")
        subprocess.run(["/bin/bash", os.path.join(REPO, "tests/integration/make_test_certs.sh"),
                        certs], check=True)
        policy = os.path.join(cls.tmp, "policy.json")
        with open(policy, "w") as f:
            json.dump(cls.POLICY, f)
        cls.prom_port = free_port()
        start_redflagd(cls, REDFLAGD, [
            "-o", "remote_write.collection_interval=1s",
            "-o", "tls.cert_file=" + os.path.join(certs, "server.crt"),
            "-o", "tls.key_file=" + os.path.join(certs, "server.key"),
            "-o", "tls.client_ca_file=" + os.path.join(certs, "ca.crt"),
            "-o", "security.policy_file=" + policy])
        cls.exporter = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Exporter)
        threading.Thread(target=cls.exporter.serve_forever, daemon=True).start()
        cls.prom = None

    @classmethod
    def tearDownClass(cls):
        if cls.prom is not None:
            cls.prom.terminate()
            cls.prom.wait(timeout=30)
        cls.proc.terminate()
        cls.proc.wait(timeout=30)
        cls.log.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def ctl(self, client, *args):
        c = self.certs
        r = subprocess.run([REDFLAGCTL, "--addr", f"127.0.0.1:{self.grpc_port}", "--ca",
                            f"{c}/ca.crt", "--server-name", "localhost", "--cert",
                            f"{c}/{client}.crt", "--key", f"{c}/{client}.key", *args],
                           capture_output=True, text=True, cwd=REPO)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def wait_for(self, done, what, seconds=60):
        return wait_until(done, what, self.tmp, seconds)

    def prom_query(self, promql):
        body = http_get(f"http://127.0.0.1:{self.prom_port}/api/v1/query?"
                   + urllib.parse.urlencode({"query": promql}))
        self.assertIsNotNone(body, promql)
        return json.loads(body)["data"]["result"]

    def test_prometheus_remote_writes_a_slurm_jobs_gpus_counted_exactly(self):
        start_ms = int(time.time() * 1000) - 60_000
        spec = os.path.join(self.tmp, "job.json")
        with open(spec, "w") as f:
            json.dump({"job_id": "slurm/e2e/4242", "customer_id": "acct-9001",
                       "scheduler": "slurm", "cluster": "e2e",
                       "accelerator_model": "NVIDIA H100 80GB HBM3", "accelerator_count": 2,
                       "start_unix_ms": str(start_ms)}, f)
        self.ctl("telemetry", "jobs", "register", spec)

        c = self.certs
        config = os.path.join(self.tmp, "prometheus.yml")
        with open(config, "w") as f:
            f.write(f"""global:
  scrape_interval: 1s
  external_labels:
    cluster: e2e
scrape_configs:
  - job_name: dcgm
    static_configs:
      - targets: ["127.0.0.1:{self.exporter.server_address[1]}"]
remote_write:
  - url: https://localhost:{self.http_port}/api/v1/write
    tls_config:
      ca_file: {c}/ca.crt
      cert_file: {c}/telemetry.crt
      key_file: {c}/telemetry.key
    queue_config:
      batch_send_deadline: 1s
    write_relabel_configs:
      - source_labels: [__name__]
        regex: "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE|DCGM_FI_PROF_SM_ACTIVE"
        action: keep
""")
        prom_log = open(os.path.join(self.tmp, "prometheus.log"), "w")
        type(self).prom = subprocess.Popen(
            ["prometheus", f"--config.file={config}",
             f"--storage.tsdb.path={os.path.join(self.tmp, 'tsdb')}",
             f"--web.listen-address=127.0.0.1:{self.prom_port}"],
            stdout=prom_log, stderr=subprocess.STDOUT)
        self.wait_for(lambda: http_get(f"http://127.0.0.1:{self.prom_port}/-/ready"), "Prometheus")
        # Eight scrapes or so, then the exporter goes away: Prometheus writes
        # stale markers and the series end.
        self.wait_for(lambda: len(self.prom_query(
            'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{hpc_job="4242"}[5m]')) == 2 and min(
            len(s["values"]) for s in self.prom_query(
                'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{hpc_job="4242"}[5m]')) >= 8, "eight scrapes")
        self.exporter.shutdown()
        self.exporter.server_close()
        time.sleep(3)

        # By hand, from what Prometheus scraped.
        expected_ms = 0
        expected_tensor = 0.0
        for series in self.prom_query('DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{hpc_job="4242"}[10m]'):
            stamps = [round(float(t) * 1000) for t, _ in series["values"]]
            values = [float(v) for _, v in series["values"]]
            covers = [1000] + [b - a for a, b in zip(stamps, stamps[1:])]
            expected_ms += sum(covers)
            expected_tensor += sum(ms * v for ms, v in zip(covers, values))
        unattributed = self.prom_query(
            'count_over_time(DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{UUID="%s"}[10m])' % GPUS[2][1])
        busy_points = int(float(unattributed[0]["value"][1]))

        def totals():
            job = json.loads(self.ctl("admin", "jobs", "get", "slurm/e2e/4242"))
            return job.get("totals", {})
        got = self.wait_for(lambda: (lambda t: t if int(t.get("accelerator_ms", 0)) >= expected_ms
                                     else None)(totals()), "redflagd to count every point")
        time.sleep(2)  # anything late would show now
        got = totals()
        self.assertEqual(int(got["accelerator_ms"]), expected_ms)
        self.assertEqual(int(got["tensor_measured_accelerator_ms"]), expected_ms)
        self.assertAlmostEqual(float(got["tensor_active_accelerator_ms"]), expected_tensor, places=3)
        self.assertGreater(int(got["sm_measured_accelerator_ms"]), 0)

        metrics = subprocess.run(
            ["curl", "-sS", "--cacert", f"{c}/ca.crt", "--cert", f"{c}/admin.crt",
             "--key", f"{c}/admin.key", f"https://localhost:{self.http_port}/metrics"],
            capture_output=True, text=True, check=True).stdout
        want = ('redflag_remote_write_unattributed_accelerator_seconds_total{cluster="e2e"} '
                f"{busy_points}")
        self.assertIn(want, metrics)
        # One stale point per GPU of the job (its tensor and SM series end together).
        self.assertIn('redflag_remote_write_samples_total{result="stale"} 2', metrics)


if __name__ == "__main__":
    REDFLAGD, REDFLAGCTL = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
