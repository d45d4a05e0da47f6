"""An independent client: Debian's Python gRPC with stubs generated from proto/
at test time talks to the real redflagd, as a scheduler adapter or node agent
written in Python would, in plaintext on loopback and over mutual TLS with a
role per certificate. Also checks the stock health and reflection services
and that /metrics passes `promtool check metrics`.

Run: /usr/bin/python3 tests/e2e/test_python_client.py REDFLAGD_BINARY
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from peers import start_redflagd

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GRPC_PROTO = "/usr/share/grpc-proto"
REDFLAGD = None  # set from argv


def generate_stubs(out_dir):
    os.makedirs(out_dir)
    protos = [os.path.join("redflag/v1", f) for f in sorted(os.listdir(os.path.join(REPO, "proto/redflag/v1")))]
    stock = ["grpc/health/v1/health.proto", "grpc/reflection/v1alpha/reflection.proto"]
    for include, files in ((os.path.join(REPO, "proto"), protos), (GRPC_PROTO, stock)):
        subprocess.run(
            ["protoc", "-I", include, "--python_out", out_dir, "--grpc_out", out_dir,
             "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin"] + files,
            check=True)
    for root, _, _ in os.walk(out_dir):
        if root not in (out_dir, os.path.join(out_dir, "grpc")):
            open(os.path.join(root, "__init__.py"), "a").close()
    sys.path.insert(0, out_dir)
    # The stock protos live under the "grpc" package name: graft them onto the
    # real grpc package instead of shadowing it.
    import grpc
    grpc.__path__.append(os.path.join(out_dir, "grpc"))


def import_stubs():
    """Makes the generated modules the globals the tests use."""
    global grpc, pb, health_pb2, health_grpc, refl_pb2, refl_grpc
    import grpc
    from redflag.v1 import (common_pb2, jobs_pb2, jobs_pb2_grpc, telemetry_pb2,
                            telemetry_pb2_grpc, customers_pb2, customers_pb2_grpc,
                            compute_pb2, compute_pb2_grpc, screening_pb2, screening_pb2_grpc,
                            access_pb2, access_pb2_grpc)
    from grpc.health.v1 import health_pb2, health_pb2_grpc as health_grpc
    from grpc.reflection.v1alpha import reflection_pb2 as refl_pb2
    from grpc.reflection.v1alpha import reflection_pb2_grpc as refl_grpc
    pb = type("pb", (), dict(common=common_pb2, jobs=jobs_pb2, jobs_grpc=jobs_pb2_grpc,
                             telemetry=telemetry_pb2, telemetry_grpc=telemetry_pb2_grpc,
                             customers=customers_pb2, customers_grpc=customers_pb2_grpc,
                             compute=compute_pb2, compute_grpc=compute_pb2_grpc,
                             screening=screening_pb2, screening_grpc=screening_pb2_grpc,
                             access=access_pb2, access_grpc=access_pb2_grpc))


class PythonClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="redflag-e2e-")
        generate_stubs(os.path.join(cls.tmp, "stubs"))
        import_stubs()
        start_redflagd(cls, REDFLAGD, ["-o", "screening.csl_file=" + os.path.join(
            REPO, "tests/data/screening/csl_sample_2025-06-25/consolidated.csv")])
        cls.channel = grpc.insecure_channel(f"127.0.0.1:{cls.grpc_port}")

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.proc.send_signal(signal.SIGTERM)
        cls.proc.wait(timeout=30)
        cls.log.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_health_check_says_serving(self):
        stub = health_grpc.HealthStub(self.channel)
        for service in ("", "redflag.v1.TelemetryService", "redflag.v1.JobService",
                        "redflag.v1.ScreeningService", "redflag.v1.AccessService",
                        "redflag.v1.AuditService"):
            resp = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
            self.assertEqual(resp.status, health_pb2.HealthCheckResponse.SERVING, service)

    def test_reflection_lists_the_redflag_services(self):
        stub = refl_grpc.ServerReflectionStub(self.channel)
        responses = stub.ServerReflectionInfo(
            iter([refl_pb2.ServerReflectionRequest(list_services="")]), timeout=5)
        names = {s.name for r in responses for s in r.list_services_response.service}
        for want in ("redflag.v1.TelemetryService", "redflag.v1.JobService",
                     "redflag.v1.CustomerService", "redflag.v1.AlertService",
                     "redflag.v1.ComputeService", "redflag.v1.ScreeningService",
                     "redflag.v1.AccessService", "redflag.v1.AuditService",
                     "grpc.health.v1.Health"):
            self.assertIn(want, names)

    def test_register_stream_and_read_totals(self):
        jobs = pb.jobs_grpc.JobServiceStub(self.channel)
        telemetry = pb.telemetry_grpc.TelemetryServiceStub(self.channel)
        t0 = int(time.time() * 1000) - 3_600_000
        for j in range(3):
            resp = jobs.RegisterJob(pb.jobs.RegisterJobRequest(job=pb.jobs.JobSpec(
                job_id=f"py/job-{j}", customer_id="acct-py", accelerator_model="NVIDIA H100 80GB HBM3",
                accelerator_count=16, start_unix_ms=t0, precision=pb.common.PRECISION_BF16)), timeout=5)
            self.assertTrue(resp.created)

        def batches():
            seq = 0
            for b in range(10):
                samples = []
                for k in range(30):
                    seq += 1
                    j = seq % 3
                    slot = (seq - 1) // 3
                    samples.append(pb.telemetry.Sample(
                        source_id="py-agent", seq=seq, job_id=f"py/job-{j}",
                        window_start_unix_ms=t0 + slot * 10_000,
                        window_end_unix_ms=t0 + (slot + 1) * 10_000,
                        active_accelerators=16, tensor_active=0.5, tokens_processed=100))
                yield pb.telemetry.SampleBatch(batch_id=b, samples=samples)

        acks = list(telemetry.IngestStream(batches(), timeout=30))
        self.assertEqual([a.batch_id for a in acks], list(range(10)))
        self.assertEqual(sum(a.accepted for a in acks), 300)
        self.assertTrue(all(a.code == 0 for a in acks))
        # Sending the same stream again is safe: all duplicates, nothing counted.
        again = list(telemetry.IngestStream(batches(), timeout=30))
        self.assertEqual(sum(a.duplicate for a in again), 300)

        total_ms = 0
        for j in range(3):
            job = jobs.GetJob(pb.jobs.GetJobRequest(job_id=f"py/job-{j}"), timeout=5)
            self.assertEqual(job.totals.samples, 100)
            self.assertEqual(job.totals.tokens, 100 * 100)
            total_ms += job.totals.accelerator_ms
        self.assertEqual(total_ms, 300 * 16 * 10_000)
        listed = jobs.ListJobs(pb.jobs.ListJobsRequest(customer_id="acct-py"), timeout=5)
        self.assertEqual([j.spec.job_id for j in listed.jobs], ["py/job-0", "py/job-1", "py/job-2"])

        # The compute estimate, recomputed here from the shipped catalog with
        # Python's own CSV reader: H100 SXM at BF16, mean tensor activity 0.5.
        with open(os.path.join(REPO, "config/accelerators.csv"), newline="") as f:
            h100 = next(r for r in csv.DictReader(f) if r["model"] == "NVIDIA H100 SXM5 80GB")
        seconds = 100 * 16 * 10.0
        compute = pb.compute_grpc.ComputeServiceStub(self.channel)
        report = compute.GetEstimate(pb.compute.GetEstimateRequest(job_id="py/job-0"), timeout=5)
        self.assertEqual(report.best_method, "hardware_measured")
        self.assertAlmostEqual(report.operations.best / (seconds * float(h100["bf16"]) * 0.5), 1, 12)
        # The upper bound: that activity at the fastest peak with the 1.1
        # margin, plus the non-tensor pipes' peak (vector_peak).
        fastest = max(float(h100[c]) for c in ("fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8")
                      if h100[c])
        upper = seconds * (0.5 * fastest * 1.1 + float(h100["vector_peak"]))
        self.assertAlmostEqual(report.operations.upper / upper, 1, 12)
        customer = compute.GetEstimate(pb.compute.GetEstimateRequest(customer_id="acct-py"), timeout=5)
        self.assertAlmostEqual(customer.operations.best / (3 * report.operations.best), 1, 12)

    def test_bad_input_gets_invalid_argument_naming_the_field(self):
        telemetry = pb.telemetry_grpc.TelemetryServiceStub(self.channel)
        batch = pb.telemetry.SampleBatch(samples=[pb.telemetry.Sample(
            source_id="py-bad", seq=1, job_id="py/job-x", window_start_unix_ms=1, window_end_unix_ms=0)])
        with self.assertRaises(grpc.RpcError) as err:
            telemetry.Ingest(batch, timeout=5)
        self.assertEqual(err.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertTrue(err.exception.details().startswith("samples[0]."), err.exception.details())

    def test_customer_profile_round_trip(self):
        stub = pb.customers_grpc.CustomerServiceStub(self.channel)
        profile = pb.customers.CustomerProfile(
            customer_id="acct-py", legal_name="Python Test Co", headquarters_country="DE",
            ultimate_parent_name="Parent AG", ultimate_parent_country="DE")
        first = stub.UpsertCustomer(pb.customers.UpsertCustomerRequest(profile=profile), timeout=5)
        self.assertTrue(first.changed)
        same = stub.UpsertCustomer(pb.customers.UpsertCustomerRequest(profile=profile), timeout=5)
        self.assertFalse(same.changed)
        self.assertEqual(same.customer.version, first.customer.version)
        got = stub.GetCustomer(pb.customers.GetCustomerRequest(customer_id="acct-py"), timeout=5)
        self.assertEqual(got.profile.legal_name, "Python Test Co")

    def test_screening_finds_a_listed_name_with_its_evidence(self):
        stub = pb.screening_grpc.ScreeningServiceStub(self.channel)
        resp = stub.Screen(pb.screening.ScreenRequest(name="Hebei Semiconductor Research Institute",
                                                     country="CN"), timeout=5)
        self.assertEqual(list(resp.lists), ["csl"])
        self.assertEqual(len(resp.hits), 1)
        hit = resp.hits[0]
        self.assertEqual(hit.source_code, "EL")
        self.assertTrue(hit.alias)
        self.assertTrue(hit.exact)
        self.assertEqual(hit.listed_name,
                         "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)")
        self.assertIn("same words after normalisation", hit.reason)
        none = stub.Screen(pb.screening.ScreenRequest(name="Python Test Co"), timeout=5)
        self.assertEqual(len(none.hits), 0)
        lists = stub.ListLists(pb.screening.ListListsRequest(), timeout=5)
        self.assertEqual([(l.name, l.entries, l.bad_rows) for l in lists.lists], [("csl", 13, 0)])
        with self.assertRaises(grpc.RpcError) as err:
            stub.Screen(pb.screening.ScreenRequest(name=""), timeout=5)
        self.assertEqual(err.exception.details(), "name: is required")

    def test_access_events_are_counted_once_per_customer(self):
        stub = pb.access_grpc.AccessServiceStub(self.channel)
        now_ms = int(time.time() * 1000)
        events = [pb.access.AccessEvent(customer_id="acct-py-access", source_ip="192.0.2.%d" % i,
                                        country="CN" if i % 2 else "DE", time_unix_ms=now_ms - 1000 * i,
                                        channel="ssh") for i in range(1, 7)]
        self.assertEqual(stub.RecordAccess(pb.access.RecordAccessRequest(events=events), timeout=5).recorded, 6)
        stub.RecordAccess(pb.access.RecordAccessRequest(events=events), timeout=5)
        summary = stub.GetAccessSummary(pb.access.GetAccessSummaryRequest(customer_id="acct-py-access"),
                                        timeout=5)
        self.assertEqual((summary.events, summary.flagged_events), (6, 3))

    def test_metrics_pass_promtool(self):
        body = urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/metrics", timeout=5).read()
        self.assertIn(b"redflag_ingest_samples_total", body)
        self.assertIn(b'redflag_screening_list_entries{list="csl"} 13', body)
        check = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True)
        self.assertEqual(check.returncode, 0, check.stdout.decode() + check.stderr.decode())


class PythonClientMutualTlsTest(unittest.TestCase):
    """The same client over mutual TLS: certificates made with openssl by
    tests/integration/make_test_certs.sh, an authorization policy giving the
    node agent's certificate the telemetry role only."""

    POLICY = {"name": "py", "allow_rules": [
        {"name": "agents", "source": {"principals": ["spiffe://redflag.test/telemetry"]},
         "roles": ["telemetry"]},
        {"name": "analysts", "source": {"principals": ["*.analysts.redflag.test"]},
         "roles": ["analyst"]}]}

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="redflag-e2e-tls-")
        if "pb" not in globals():
            generate_stubs(os.path.join(cls.tmp, "stubs"))
            import_stubs()
        certs = os.path.join(cls.tmp, "certs")
        subprocess.run(["/bin/bash", os.path.join(REPO, "tests/integration/make_test_certs.sh"), certs],
                       check=True)
        cls.certs = certs
        policy = os.path.join(cls.tmp, "policy.json")
        with open(policy, "w") as f:
            json.dump(cls.POLICY, f)
        start_redflagd(cls, REDFLAGD, ["-o", "tls.cert_file=" + os.path.join(certs, "server.crt"),
                             "-o", "tls.key_file=" + os.path.join(certs, "server.key"),
                             "-o", "tls.client_ca_file=" + os.path.join(certs, "ca.crt"),
                             "-o", "security.policy_file=" + policy])

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        cls.proc.wait(timeout=30)
        cls.log.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def channel(self, client):
        def read(name):
            with open(os.path.join(self.certs, name), "rb") as f:
                return f.read()
        creds = grpc.ssl_channel_credentials(
            root_certificates=read("ca.crt"),
            private_key=read(client + ".key") if client else None,
            certificate_chain=read(client + ".crt") if client else None)
        return grpc.secure_channel(f"localhost:{self.grpc_port}", creds)

    def test_the_agent_registers_and_reports_but_reads_no_customer(self):
        with self.channel("telemetry") as ch:
            jobs = pb.jobs_grpc.JobServiceStub(ch)
            t0 = int(time.time() * 1000) - 3_600_000
            jobs.RegisterJob(pb.jobs.RegisterJobRequest(job=pb.jobs.JobSpec(
                job_id="job-py-tls", customer_id="acct-py-tls", accelerator_model="NVIDIA H100 SXM5 80GB",
                accelerator_count=8, start_unix_ms=t0)), timeout=5)
            with self.assertRaises(grpc.RpcError) as denied:
                pb.customers_grpc.CustomerServiceStub(ch).GetCustomer(
                    pb.customers.GetCustomerRequest(customer_id="acct-py-tls"), timeout=5)
            self.assertEqual(denied.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
            self.assertIn("principal 'spiffe://redflag.test/telemetry' may not call "
                          "/redflag.v1.CustomerService/GetCustomer", denied.exception.details())
        with self.channel("analyst") as ch:
            job = pb.jobs_grpc.JobServiceStub(ch).GetJob(pb.jobs.GetJobRequest(job_id="job-py-tls"),
                                                        timeout=5)
            self.assertEqual(job.spec.customer_id, "acct-py-tls")

    def test_no_client_certificate_no_call(self):
        with self.channel(None) as ch:
            with self.assertRaises(grpc.RpcError) as failed:
                pb.jobs_grpc.JobServiceStub(ch).GetJob(pb.jobs.GetJobRequest(job_id="x"), timeout=5)
            self.assertEqual(failed.exception.code(), grpc.StatusCode.UNAVAILABLE)


if __name__ == "__main__":
    REDFLAGD = sys.argv.pop(1)
    unittest.main(verbosity=2)
