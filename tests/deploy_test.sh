#!/usr/bin/env bash
# The monitoring kit in deploy/ as operators install it: Prometheus configs
# valid, every alerting rule unit-tested and passing `promtool test rules`,
# the Alertmanager example valid and routing each team and severity to its
# receiver, the Grafana dashboard well-formed; the Kubernetes manifests
# well-formed and hardened, and the redflagd config they and the container
# image ship accepted by `redflagd --check-config`. (A real Prometheus running
# the rules and the dashboard's queries: tests/e2e/test_prometheus.py.)
# Usage: deploy_test.sh REDFLAGD
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
redflagd=$(readlink -f "$1")
TMPDIR=$(mktemp -d)
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
prom="$repo/deploy/prometheus"
cd "$prom"

# TLS files where the configs expect them, made by openssl.
bash "$repo/tests/integration/make_test_certs.sh" "$TMPDIR/certs" > /dev/null
mkdir -p "$TMPDIR/tls"
cp "$TMPDIR/certs/server.crt" "$TMPDIR/tls/tls.crt"
cp "$TMPDIR/certs/server.key" "$TMPDIR/tls/tls.key"
cp "$TMPDIR/certs/ca.crt" "$TMPDIR/tls/ca.crt"
cp "$TMPDIR/certs/monitoring.crt" "$TMPDIR/tls/prometheus.crt"
cp "$TMPDIR/certs/monitoring.key" "$TMPDIR/tls/prometheus.key"
cp "$TMPDIR/certs/telemetry.crt" "$TMPDIR/tls/telemetry.crt"
cp "$TMPDIR/certs/telemetry.key" "$TMPDIR/tls/telemetry.key"

sed -e "s|/etc/prometheus/redflagd/|$TMPDIR/tls/|" -e "s|- redflagd.rules.yml|- $prom/redflagd.rules.yml|" \
  prometheus.yml > "$TMPDIR/prometheus.yml"
promtool check config "$TMPDIR/prometheus.yml" federation.yml > /dev/null
promtool check rules redflagd.rules.yml redflagd-global.rules.yml > /dev/null
promtool test rules redflagd.rules.test.yml redflagd-global.rules.test.yml

# Every alert has a test that expects it to fire.
for rules in redflagd.rules.yml redflagd-global.rules.yml; do
  tests="${rules%.yml}.test.yml"
  for alert in $(sed -n 's/^ *- alert: *//p' "$rules"); do
    if ! grep -q "alertname: $alert\$" "$tests"; then
      echo "FAIL: alert $alert in $rules has no test in $tests" >&2
      exit 1
    fi
  done
done

am="$repo/deploy/alertmanager/alertmanager.yml"
amtool check-config "$am" > /dev/null
route() {  # expected-receiver label=value...
  amtool config routes test --config.file="$am" --verify.receivers="$1" "${@:2}" > /dev/null 2>&1 ||
    { echo "FAIL: ${*:2} is not routed to $1" >&2; exit 1; }
}
route compliance-pager team=compliance severity=page alertname=RedflagCriticalFinding
route security-tickets team=security severity=ticket alertname=RedflagAuthorizationPolicyRefused
route compliance-tickets team=compliance severity=ticket alertname=RedflagHighFinding
route platform-pager team=platform severity=page alertname=RedflagDown
route platform-tickets team=platform severity=ticket alertname=RedflagIngestStalled
# Every label set the rules give is routed to a team's receiver, not the fallback by accident.
for labels in $(cat redflagd.rules.yml redflagd-global.rules.yml |
                awk '/severity:/ {s=$2} /team:/ {print "team=" $2 ",severity=" s}' | sort -u); do
  team=${labels%%,*}; team=${team#team=}
  severity=${labels##*severity=}
  route "$team-$([ "$severity" = page ] && echo pager || echo tickets)" \
    "team=$team" "severity=$severity"
done

/usr/bin/python3 - "$repo/deploy/grafana/redflagd-dashboard.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ids = [p["id"] for p in d["panels"]]
assert len(ids) == len(set(ids)), "panel ids repeat"
for p in d["panels"]:
    assert p["targets"], p["title"]
    for t in p["targets"]:
        assert "redflag_" in t["expr"] or "process_" in t["expr"], (p["title"], t["expr"])
PY
# Kubernetes: every manifest parses with kind and name; the pod is hardened.
/usr/bin/python3 - "$repo/deploy/kubernetes" <<'PY'
import os, sys, yaml
d = sys.argv[1]
kustomized = yaml.safe_load(open(os.path.join(d, "kustomization.yaml")))["resources"]
docs = {}
for f in kustomized:
    for doc in yaml.safe_load_all(open(os.path.join(d, f))):
        assert doc["apiVersion"] and doc["kind"] and doc["metadata"]["name"], f
        docs[(doc["kind"], doc["metadata"]["name"])] = doc
assert set(kustomized) == {f for f in os.listdir(d) if f.endswith(".yaml")} - {"kustomization.yaml"}
pod = docs[("StatefulSet", "redflagd")]["spec"]["template"]["spec"]
c = pod["containers"][0]
assert pod["securityContext"]["runAsNonRoot"] is True
assert c["securityContext"]["readOnlyRootFilesystem"] is True
assert c["securityContext"]["capabilities"]["drop"] == ["ALL"]
assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
mounts = {m["mountPath"] for m in c["volumeMounts"]}
assert {"/var/lib/redflagd", "/etc/redflagd/config", "/etc/redflagd/tls",
        "/var/lib/redflagd-lists"} <= mounts
# Probes reach the plaintext health listener; everything else is mutual TLS.
ports = {p["name"]: p["containerPort"] for p in c["ports"]}
for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
    assert c[probe]["httpGet"]["port"] == "health", probe
assert ports["health"] == 9465
tls = [v for v in pod["volumes"] if v["name"] == "tls"][0]
assert tls["secret"]["secretName"] == "redflagd-tls"
server = docs[("Certificate", "redflagd-server")]["spec"]
assert server["secretName"] == "redflagd-tls" and "server auth" in server["usages"]
client = docs[("Certificate", "redflagd-prometheus-client")]["spec"]
monitor = docs[("ServiceMonitor", "redflagd")]["spec"]["endpoints"][0]
assert monitor["scheme"] == "https"
assert monitor["tlsConfig"]["keySecret"]["name"] == client["secretName"]
assert monitor["tlsConfig"]["serverName"] in server["dnsNames"]
# The lists are downloaded beside redflagd, by a container as hardened as it.
fetcher = [x for x in pod["containers"] if x["name"] == "lists"][0]
assert "redflagd-fetch-lists /var/lib/redflagd-lists" in " ".join(fetcher["command"])
assert fetcher["securityContext"]["readOnlyRootFilesystem"] is True
assert fetcher["securityContext"]["capabilities"]["drop"] == ["ALL"]
data = docs[("ConfigMap", "redflagd-config")]["data"]
open(os.environ["TMPDIR"] + "/configmap.yaml", "w").write(data["redflagd.yaml"])
# Only the provider may set the namespace label pods' customers come from.
label_policy = docs[("ValidatingAdmissionPolicy", "redflag-customer-label")]["spec"]
label = yaml.safe_load(data["redflagd.yaml"])["remote_write"]["customer_label"]
assert {"name": "label", "expression": f"'{label}'"} in label_policy["variables"], label
assert label_policy["matchConstraints"]["resourceRules"][0]["resources"] == ["namespaces"]
binding = docs[("ValidatingAdmissionPolicyBinding", "redflag-customer-label")]["spec"]
assert binding["policyName"] == "redflag-customer-label" and binding["validationActions"] == ["Deny"]
os.makedirs(os.environ["TMPDIR"] + "/config")
open(os.environ["TMPDIR"] + "/config/policy.json", "w").write(data["policy.json"])
# Prometheus' client certificate names a principal the policy gives monitoring.
import json
policy = json.loads(data["policy.json"])
assert any(client["dnsNames"][0] in r["source"]["principals"] and r["roles"] == ["monitoring"]
           for r in policy["allow_rules"])
PY

# The admission webhook: a structural check of each manifest against the
# fields the API server takes (no schema validator is packaged for Debian 12),
# and its ties to the rest of the kit.
/usr/bin/python3 - "$repo/deploy/kubernetes" <<'PY'
import json, os, re, sys, yaml
d = sys.argv[1]
a = os.path.join(d, "admission")
k = yaml.safe_load(open(os.path.join(a, "kustomization.yaml")))
assert set(k["resources"]) == {f for f in os.listdir(a) if f.endswith(".yaml")} - {"kustomization.yaml"}
ns = k["namespace"]
docs = {}
for f in k["resources"]:
    for doc in yaml.safe_load_all(open(os.path.join(a, f))):
        docs[(doc["kind"], doc["metadata"]["name"])] = doc
def only(obj, allowed, where):
    extra = set(obj) - set(allowed)
    assert not extra, f"{where}: unknown fields {sorted(extra)}"
[vwc] = [v for (kind, _), v in docs.items() if kind == "ValidatingWebhookConfiguration"]
assert vwc["apiVersion"] == "admissionregistration.k8s.io/v1"
only(vwc, ["apiVersion", "kind", "metadata", "webhooks"], "ValidatingWebhookConfiguration")
assert "namespace" not in vwc["metadata"], "the configuration is cluster-scoped"
for w in vwc["webhooks"]:
    where = "webhooks[" + w["name"] + "]"
    only(w, ["name", "clientConfig", "rules", "failurePolicy", "matchPolicy", "namespaceSelector",
             "objectSelector", "sideEffects", "timeoutSeconds", "admissionReviewVersions",
             "matchConditions"], where)
    assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+){2,}", w["name"]), where + ": name must be fully qualified"
    assert w["admissionReviewVersions"] == ["v1"], where
    assert w["sideEffects"] == "None", where
    assert w["failurePolicy"] in ("Fail", "Ignore"), where
    assert w["matchPolicy"] in ("Exact", "Equivalent"), where
    assert isinstance(w["timeoutSeconds"], int) and 1 <= w["timeoutSeconds"] <= 30, where
    cc = w["clientConfig"]
    only(cc, ["service", "url", "caBundle"], where + ".clientConfig")
    svc = cc["service"]
    only(svc, ["namespace", "name", "path", "port"], where + ".clientConfig.service")
    assert svc["namespace"] == ns and re.fullmatch(r"/admission/v1/pods/[A-Za-z0-9][A-Za-z0-9._-]{0,62}", svc["path"]), svc
    for r in w["rules"]:
        only(r, ["apiGroups", "apiVersions", "operations", "resources", "scope"], where + ".rules")
        assert r["apiGroups"] == [""] and r["resources"] == ["pods"] and r["operations"] == ["CREATE"], r
    sel = w["namespaceSelector"]["matchExpressions"]
    for e in sel:
        only(e, ["key", "operator", "values"], where + ".namespaceSelector")
    assert any(e["key"] == "kubernetes.io/metadata.name" and e["operator"] == "NotIn" and ns in e["values"]
               for e in sel), "redflagd's own namespace must never wait for redflagd"
    for c in w.get("matchConditions", []):
        only(c, ["name", "expression"], where + ".matchConditions")
        assert "nvidia.com/gpu" in c["expression"], c
    # The Service exists, in the namespace, on the StatefulSet's HTTPS port.
    service = docs[("Service", svc["name"])]
    port = [p for p in service["spec"]["ports"] if p["port"] == svc["port"]][0]
    sts = yaml.safe_load(open(os.path.join(d, "statefulset.yaml")))
    names = {p["name"] for p in sts["spec"]["template"]["spec"]["containers"][0]["ports"]}
    assert port["targetPort"] in names, port
    # cert-manager injects the CA of the server certificate, which names the Service.
    cns, cname = vwc["metadata"]["annotations"]["cert-manager.io/inject-ca-from"].split("/")
    assert cns == ns
    server = [doc for doc in yaml.safe_load_all(open(os.path.join(d, "certificate.yaml")))
              if doc["metadata"]["name"] == cname][0]
    assert f"{svc['name']}.{ns}.svc" in server["spec"]["dnsNames"], server["spec"]["dnsNames"]
# The API server's client certificate is a principal the policy gives telemetry.
client = docs[("Certificate", "redflagd-apiserver-client")]["spec"]
assert client["usages"] == ["client auth"]
config = yaml.safe_load(open(os.path.join(d, "configmap.yaml")))["data"]
policy = json.loads(config["policy.json"])
assert any(client["dnsNames"][0] in r["source"]["principals"] and r["roles"] == ["telemetry"]
           for r in policy["allow_rules"]), "the API server would be refused"
PY

# The systemd units verify, with the installed paths mapped to the tree.
units="$TMPDIR/units"
mkdir -p "$units"
for unit in "$repo"/deploy/systemd/*.service "$repo"/deploy/systemd/*.timer \
            "$repo"/deploy/systemd/*.path; do
  sed -e "s|/usr/local/bin/redflagd-fetch-lists|$repo/scripts/fetch-lists.sh|" \
    -e "s|/usr/local/bin/redflagd|$redflagd|" "$unit" > "$units/$(basename "$unit")"
done
(cd "$units" && systemd-analyze verify --man=no ./*.service ./*.timer ./*.path) ||
  { echo "FAIL: systemd units do not verify" >&2; exit 1; }


# The shipped configs pass the daemon's own check (paths mapped to the tree).
for config in "$TMPDIR/configmap.yaml" "$repo/deploy/container/redflagd.yaml" \
              "$repo/deploy/systemd/redflagd.yaml"; do
  # Production configs screen against the downloaded lists, never the shipped copies.
  grep -q "csl_file: /var/lib/redflagd-lists/consolidated.csv" "$config" &&
    grep -q "ofac_sdn_file: /var/lib/redflagd-lists/ofac/sdn.csv" "$config" ||
    { echo "FAIL: $config does not screen against the downloaded lists" >&2; exit 1; }
  # Every listener of a shipped config is mutual TLS.
  grep -q "client_ca_file: " "$config" ||
    { echo "FAIL: $config does not verify client certificates" >&2; exit 1; }
  sed -e "s|/usr/share/redflagd/|$repo/config/|" -e "s|/var/lib/redflagd|$TMPDIR/data|" \
    -e "s|/etc/redflagd/tls/|$TMPDIR/tls/|" -e "s|/run/credentials/redflagd.service/|$TMPDIR/tls/|" \
    -e "s|/etc/redflagd/config/policy.json|$TMPDIR/config/policy.json|" \
    -e "s|/etc/redflagd/policy.json|$repo/deploy/security/policy.json|" \
    -e "s|/etc/redflagd/|$repo/config/|" "$config" > "$TMPDIR/check.yaml"
  "$redflagd" --check-config -c "$TMPDIR/check.yaml" 2> "$TMPDIR/err" ||
    { echo "FAIL: $config: $(cat "$TMPDIR/err")" >&2; exit 1; }
done
echo "deploy kit: ok"
