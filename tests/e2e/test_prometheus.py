"""A real Prometheus (Debian's) scrapes the real redflagd with the shipped
alerting rules (deploy/prometheus/redflagd.rules.yml) loaded. A scenario is
replayed; the test asks Prometheus's HTTP API, as an operator's dashboard or
Alertmanager would see it, until the alert series and the rule's firing alert
show the expected values; an analyst's acknowledgement moves the count from
open to acknowledged; and every query of the Grafana dashboard
(deploy/grafana/redflagd-dashboard.json) runs without error, the ones about
findings and compute with data. A second Prometheus scrapes a redflagd with
mutual TLS, presenting a client certificate whose principal has role
monitoring; a third, whose certificate's principal has another role, is
refused (HTTP 403) and sees the target down.

Run: /usr/bin/python3 tests/e2e/test_prometheus.py REDFLAGD REDFLAGCTL
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse
import urllib.request

from peers import free_port, http_get, wait_until

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REDFLAGD = REDFLAGCTL = None  # from argv


class PrometheusEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="redflag-prom-")
        cls.grpc_port, cls.http_port, cls.prom_port = free_port(), free_port(), free_port()
        cls.daemon_log = open(os.path.join(cls.tmp, "redflagd.log"), "w")
        cls.daemon = subprocess.Popen(
            [REDFLAGD, "--data-dir", os.path.join(cls.tmp, "data"),
             "--grpc-listen", f"127.0.0.1:{cls.grpc_port}",
             "--http-listen", f"127.0.0.1:{cls.http_port}",
             "-o", "compute.evaluation_interval=200ms"],
            stdout=cls.daemon_log, stderr=subprocess.STDOUT)
        rules = os.path.join(cls.tmp, "redflagd.rules.yml")
        shutil.copy(os.path.join(REPO, "deploy/prometheus/redflagd.rules.yml"), rules)
        config = os.path.join(cls.tmp, "prometheus.yml")
        with open(config, "w") as f:
            f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [{rules}]
scrape_configs:
  - job_name: redflagd
    static_configs:
      - targets: ["127.0.0.1:{cls.http_port}"]
""")
        cls.prom_log = open(os.path.join(cls.tmp, "prometheus.log"), "w")
        cls.prom = subprocess.Popen(
            ["prometheus", f"--config.file={config}",
             f"--storage.tsdb.path={os.path.join(cls.tmp, 'tsdb')}",
             f"--web.listen-address=127.0.0.1:{cls.prom_port}"],
            stdout=cls.prom_log, stderr=subprocess.STDOUT)
        cls.wait_for(lambda: cls.get(f"http://127.0.0.1:{cls.prom_port}/-/ready") is not None,
                     "Prometheus ready")
        cls.wait_for(lambda: cls.get(f"http://127.0.0.1:{cls.http_port}/readyz") is not None,
                     "redflagd ready")

    @classmethod
    def tearDownClass(cls):
        for p in (cls.prom, cls.daemon):
            p.terminate()
            p.wait(timeout=30)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    get = staticmethod(http_get)

    @classmethod
    def wait_for(cls, done, what, seconds=90):
        return wait_until(done, what, cls.tmp, seconds)

    def query(self, promql):
        body = self.get(f"http://127.0.0.1:{self.prom_port}/api/v1/query?"
                        + urllib.parse.urlencode({"query": promql}))
        self.assertIsNotNone(body, promql)
        r = json.loads(body)
        self.assertEqual(r["status"], "success", (promql, r))
        return r["data"]["result"]

    def values(self, promql, *labels):
        """{(label values...): value} of an instant query."""
        return {tuple(s["metric"].get(l, "") for l in labels): float(s["value"][1])
                for s in self.query(promql)}

    def ctl(self, *args):
        r = subprocess.run([REDFLAGCTL, "--addr", f"127.0.0.1:{self.grpc_port}", *args],
                           capture_output=True, text=True, cwd=REPO)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def test_scenario_alerts_reach_prometheus_and_the_dashboard_queries_run(self):
        self.ctl("replay", "examples/frontier.jsonl")
        # frontier-1 (model, customer acct-9001 and its ultimate parent): best
        # 2.67e25, upper 6.6e25 (tensor activity measured), so per subject 1e24
        # (info) and 1e25 (warning) likely, 5e25 possible (one severity below
        # its high: warning), and a projection to 1e26 (high); plus one
        # data-quality finding. Nothing is critical: the full ceiling, 1.07e26,
        # would have called 1e26 possible.
        want = {("compute_level", "info"): 3, ("compute_level", "warning"): 6,
                ("compute_projection", "high"): 3, ("data_quality", "warning"): 1}
        q = 'sum by (rule, severity) (redflag_alerts{job="redflagd", state="open"})'
        self.wait_for(lambda: self.values(q, "rule", "severity") == want,
                      "redflag_alerts in Prometheus")
        firing = self.wait_for(
            lambda: self.values('ALERTS{alertname="RedflagHighFinding", alertstate="firing"}',
                                "rule", "severity", "team"),
            "RedflagHighFinding firing")
        self.assertEqual(firing, {("compute_projection", "ticket", "compliance"): 1.0})
        self.assertEqual(self.values('ALERTS{alertname="RedflagCriticalFinding"}', "rule"), {})
        figures = self.values('redflag_compute_subject_operations{bound="best"}', "kind", "subject")
        self.assertEqual(set(figures), {("model", "frontier-1"), ("customer", "acct-9001"),
                                        ("parent", "Frontier Example Holdings")})
        for v in figures.values():
            self.assertAlmostEqual(v / 2.67138e25, 1, places=4)

        # An analyst acknowledges one high finding: Prometheus sees it move.
        self.ctl("alerts", "ack", "compute_projection/model/frontier-1/4e091", "--actor", "ana")
        q = 'sum by (state) (redflag_alerts{job="redflagd", severity="high"})'
        self.wait_for(lambda: self.values(q, "state") == {("open",): 2, ("acknowledged",): 1},
                      "the acknowledgement in Prometheus")

        # Every dashboard query runs; those about findings and compute have data.
        with open(os.path.join(REPO, "deploy/grafana/redflagd-dashboard.json")) as f:
            dashboard = json.load(f)
        must_have_data = ("Open findings", "Findings by rule", "Subjects at each level",
                          "Largest subjects", "Samples ingested", "Daemon ready")
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                promql = target["expr"].replace("$instance", ".*")
                result = self.query(promql)
                if panel["title"].startswith(must_have_data):
                    self.assertTrue(result, f"panel '{panel['title']}': {promql} has no data")


class PrometheusMutualTlsEndToEnd(unittest.TestCase):
    POLICY = {"name": "prom", "allow_rules": [
        {"name": "scrapers", "source": {"principals": ["prometheus.redflag.test"]},
         "roles": ["monitoring"]},
        {"name": "analysts", "source": {"principals": ["*.analysts.redflag.test"]},
         "roles": ["analyst"]}]}

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="redflag-prom-tls-")
        certs = cls.certs = os.path.join(cls.tmp, "certs")
        subprocess.run(["/bin/bash", os.path.join(REPO, "tests/integration/make_test_certs.sh"),
                        certs], check=True)
        policy = os.path.join(cls.tmp, "policy.json")
        with open(policy, "w") as f:
            json.dump(cls.POLICY, f)
        cls.grpc_port, cls.http_port = free_port(), free_port()
        cls.health_port = free_port()
        cls.daemon_log = open(os.path.join(cls.tmp, "redflagd.log"), "w")
        cls.daemon = subprocess.Popen(
            [REDFLAGD, "--data-dir", os.path.join(cls.tmp, "data"),
             "--grpc-listen", f"127.0.0.1:{cls.grpc_port}",
             "--http-listen", f"127.0.0.1:{cls.http_port}",
             "-o", f"http.health_listen=127.0.0.1:{cls.health_port}",
             "-o", "tls.cert_file=" + os.path.join(certs, "server.crt"),
             "-o", "tls.key_file=" + os.path.join(certs, "server.key"),
             "-o", "tls.client_ca_file=" + os.path.join(certs, "ca.crt"),
             "-o", "security.policy_file=" + policy],
            stdout=cls.daemon_log, stderr=subprocess.STDOUT)
        PrometheusEndToEnd.tmp = cls.tmp  # for wait_for's message
        PrometheusEndToEnd.wait_for(
            lambda: PrometheusEndToEnd.get(f"http://127.0.0.1:{cls.health_port}/readyz"),
            "redflagd ready")
        cls.proms = {}
        for client in ("monitoring", "analyst"):
            port = free_port()
            config = os.path.join(cls.tmp, f"prometheus-{client}.yml")
            with open(config, "w") as f:
                f.write(f"""global:
  scrape_interval: 1s
scrape_configs:
  - job_name: redflagd
    scheme: https
    tls_config:
      ca_file: {certs}/ca.crt
      cert_file: {certs}/{client}.crt
      key_file: {certs}/{client}.key
      server_name: localhost
    static_configs:
      - targets: ["127.0.0.1:{cls.http_port}"]
""")
            log = open(os.path.join(cls.tmp, f"prometheus-{client}.log"), "w")
            proc = subprocess.Popen(
                ["prometheus", f"--config.file={config}",
                 f"--storage.tsdb.path={os.path.join(cls.tmp, 'tsdb-' + client)}",
                 f"--web.listen-address=127.0.0.1:{port}"],
                stdout=log, stderr=subprocess.STDOUT)
            cls.proms[client] = (port, proc, log)
        for port, _, _ in cls.proms.values():
            PrometheusEndToEnd.wait_for(
                lambda: PrometheusEndToEnd.get(f"http://127.0.0.1:{port}/-/ready") is not None,
                "Prometheus ready")

    @classmethod
    def tearDownClass(cls):
        for _, proc, log in cls.proms.values():
            proc.terminate()
            proc.wait(timeout=30)
            log.close()
        cls.daemon.terminate()
        cls.daemon.wait(timeout=30)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def target(self, client):
        """The redflagd target's health and last error, once scraped."""
        body = PrometheusEndToEnd.get(
            f"http://127.0.0.1:{self.proms[client][0]}/api/v1/targets")
        if body is None:
            return None
        active = json.loads(body)["data"]["activeTargets"]
        if not active or active[0]["health"] == "unknown":
            return None
        return active[0]["health"], active[0]["lastError"]

    def query(self, client, promql):
        body = PrometheusEndToEnd.get(
            f"http://127.0.0.1:{self.proms[client][0]}/api/v1/query?"
            + urllib.parse.urlencode({"query": promql}))
        return json.loads(body)["data"]["result"] if body else []

    def test_the_monitoring_certificate_scrapes_and_another_role_is_refused(self):
        health, error = PrometheusEndToEnd.wait_for(lambda: self.target("monitoring"),
                                                    "the mutual-TLS scrape")
        self.assertEqual((health, error), ("up", ""))
        PrometheusEndToEnd.wait_for(
            lambda: self.query("monitoring", 'redflag_daemon_ready{job="redflagd"} == 1'),
            "redflag_daemon_ready over mutual TLS")
        health, error = PrometheusEndToEnd.wait_for(lambda: self.target("analyst"),
                                                    "the refused scrape")
        self.assertEqual(health, "down")
        self.assertIn("403", error)
        # Both scrapes are counted by route and status.
        text = subprocess.run(
            ["curl", "-sS", "--cacert", f"{self.certs}/ca.crt",
             "--cert", f"{self.certs}/monitoring.crt", "--key", f"{self.certs}/monitoring.key",
             f"https://localhost:{self.http_port}/metrics"],
            capture_output=True, text=True, check=True).stdout
        self.assertIn('redflag_http_requests_total{code="403",route="GET /metrics"}', text)
        self.assertIn('redflag_security_denied_total{method="GET /metrics",role="monitoring"}',
                      text)


if __name__ == "__main__":
    REDFLAGD, REDFLAGCTL = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
