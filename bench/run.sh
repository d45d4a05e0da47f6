#!/usr/bin/env bash
# make bench: ingestion throughput of redflagd against a null sink, over
# loopback, with the load generator in its own process.
#   batch sizes 100/1000/4000 in group_commit mode, batch 1000 in fsync mode,
#   batch 1000 with compute estimation and level evaluation every second,
#   batch 1000 with every detector on, 10,000 customers and 100,000 jobs,
#   batch 1000 over mutual TLS (certificates made with openssl, the load
#   generator holding the telemetry role), peak RSS of the daemon, and per run the server's
#   CPU time per sample (both cores are shared with the load generator).
# Then screening speed against the CSL test file and the shipped OFAC list, on one core, and the time
# to build a quarterly report over all of it.
# Then Prometheus remote-write of dcgm-shaped series into redflagd and into
# Prometheus' own receiver, and DecisionService.CheckJob with the customers and
# the findings of the every-detector run.
# Prints closing lines: ingest: N samples/s at batch 1000 (R% of null sink), p99 ack X ms,
# remote_write: N samples/s (R x Prometheus receiver), p99 X ms,
# decide: N checks/s, p99 X us (saturated, 4 threads; the paced figures just before it)
# and screening: N screenings/s ..., p99 X us
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
seconds=${BENCH_SECONDS:-10}
jobs=${BENCH_JOBS:-100000}
customers=${BENCH_CUSTOMERS:-10000}
streams=${BENCH_STREAMS:-8}
inflight=${BENCH_INFLIGHT:-2}
out=$(mktemp -d /tmp/redflag-bench-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
loadgen="$build/bench/redflag_loadgen"
port=50161
http=9561

field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.argv[1])['$2'])" "$1"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_daemon() {  # durability compute_evaluation_interval [more redflagd arguments]
  "$build/daemon/redflagd" --data-dir "$out/data" --grpc-listen 127.0.0.1:$port \
    --http-listen 127.0.0.1:$http -o storage.durability="$1" -o log.level=warn \
    -o compute.evaluation_interval="$2" "${@:3}" --port-file "$out/ports" 2>>"$out/redflagd.log" &
  server=$!
  while [ ! -f "$out/ports" ]; do
    kill -0 $server 2>/dev/null || { cat "$out/redflagd.log" >&2; exit 1; }
    sleep 0.05
  done
  rm -f "$out/ports"
}
stop_daemon() {
  hwm=$(awk '/VmHWM/ {print $2}' /proc/$server/status)
  kill -TERM $server; wait $server || true
}
# The same sources report through every run against one daemon, going on from
# where the previous run stopped, as a fleet's agents would.
sources="bench-$RANDOM"
next_sample=0
run() {  # label batch
  local t0 t1
  t0=$(cpu_ticks $server)
  r=$("$loadgen" --addr 127.0.0.1:$port --jobs "$jobs" --batch "$2" --streams "$streams" \
        --inflight "$inflight" --seconds "$seconds" --source-prefix "$sources" \
        --first-sample "$next_sample" "${@:3}")
  next_sample=$(field "$r" next_sample)
  t1=$(cpu_ticks $server)
  local n ns
  n=$(field "$r" samples)
  ns=$(/usr/bin/python3 -c "print(round(($t1 - $t0) * 1e9 / $(getconf CLK_TCK) / max(1, $n)))")
  printf '%-22s %10s samples/s   p50 %7s ms   p99 %7s ms   server cpu %4s ns/sample\n' \
    "$1 batch $2" "$(field "$r" samples_per_s)" "$(field "$r" p50_ms)" "$(field "$r" p99_ms)" "$ns"
  last=$r
}

echo "bench: $seconds s per run, $streams streams x $inflight batches in flight, $jobs jobs, $(nproc) cores"
"$build/bench/redflag_null_sink" 127.0.0.1:$port 2>/dev/null &
server=$!
sleep 0.5
run null-sink 1000
null=$(field "$last" samples_per_s)
kill $server; wait $server 2>/dev/null || true
next_sample=0

# Ingestion alone: compute alerts are evaluated once an hour, i.e. not
# during these runs.
start_daemon group_commit 1h
reg=$("$loadgen" --addr 127.0.0.1:$port --jobs "$jobs" --customers "$customers" --register)
echo "registered $customers customers and $jobs jobs in $(field "$reg" seconds) s"
run group_commit 100
run group_commit 4000
run group_commit 1000
gc=$(field "$last" samples_per_s)
p99=$(field "$last" p99_ms)
stop_daemon
gc_hwm=$hwm

# The same over mutual TLS with the authorization policy enforced on every batch.
bash tests/integration/make_test_certs.sh "$out/certs" > /dev/null
cat > "$out/policy.json" <<'JSON'
{"name": "bench", "allow_rules": [
  {"name": "agents", "source": {"principals": ["spiffe://redflag.test/telemetry"]}, "roles": ["telemetry"]},
  {"name": "ops", "source": {"principals": ["ops-admin"]}, "roles": ["admin"]}]}
JSON
start_daemon group_commit 1h -o tls.cert_file="$out/certs/server.crt" \
  -o tls.key_file="$out/certs/server.key" -o tls.client_ca_file="$out/certs/ca.crt" \
  -o security.policy_file="$out/policy.json"
run gc+mtls 1000 --ca "$out/certs/ca.crt" --cert "$out/certs/telemetry.crt" \
  --key "$out/certs/telemetry.key"
mtls=$(field "$last" samples_per_s)
mtls_p99=$(field "$last" p99_ms)
stop_daemon

# The same with estimation and level evaluation over all 100,000 jobs every
# second (ten times the default rate).
start_daemon group_commit 1s
run gc+estimation 1000
with_compute=$(field "$last" samples_per_s)
stop_daemon

# Every detector on, evaluated every second (ten times the default rate): the
# custom profile with Red Flag 28, adversary-linked training and weight
# egress, the CSL test file loaded (every customer screened at start), and
# structuring, KYC and compute evaluation over all customers and jobs.
start_daemon group_commit 1s -o policy.profile=custom \
  -o policy.rules=rf28,adversary_linked_training,weight_egress \
  -o screening.csl_file=tests/data/screening/csl_2023-11-30/csl.csv
run all-detectors 1000
with_all=$(field "$last" samples_per_s)
stop_daemon
# Schedulers asking whether jobs may start, with those customers and the
# findings that run stored (evaluation at its default pace).
start_daemon group_commit 10s -o screening.csl_file=tests/data/screening/csl_2023-11-30/csl.csv
# A warm-up, not counted: the daemon has just started (every customer screened
# against the list, the standings not yet read), which a fleet's daemon is once.
"$build/bench/redflag_decide_bench" --addr 127.0.0.1:$port --customers "$customers" \
  --seconds "$seconds" > /dev/null
decide=$("$build/bench/redflag_decide_bench" --addr 127.0.0.1:$port --customers "$customers" \
  --seconds "$seconds")
# The same at a set pace (open loop, each check timed from when it was due):
# 2,000 checks/s, several times what a large Slurm controller or API server
# admits, against the saturated figure above.
decide_open=$("$build/bench/redflag_decide_bench" --addr 127.0.0.1:$port --customers "$customers" \
  --seconds "$seconds" --rate 2000)
# The floor: the same calls refused at validation, i.e. less the decision.
decide_floor=$("$build/bench/redflag_decide_bench" --addr 127.0.0.1:$port --customers "$customers" \
  --seconds "$seconds" --floor 1)
stop_daemon

start_daemon fsync 1h  # the same data: the fleet goes on reporting after a restart
run fsync 1000
# The current quarter's report over every job and customer (per-day totals,
# profiles, audit log), as a compliance officer would ask for it.
t0=$(date +%s%N)
"$build/cli/redflagctl" --addr 127.0.0.1:$port --timeout 600s report --quarter current \
  --out "$out/report.json" 2>"$out/report.log" || { cat "$out/report.log" >&2; exit 1; }
report_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
subjects=$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open(sys.argv[1])).get('subjects', [])))" "$out/report.json")
stop_daemon
echo "report: the quarter's report over $jobs jobs and $customers customers in $report_ms ms ($subjects subjects at a level)"
echo "peak RSS of redflagd with $jobs jobs: $((gc_hwm / 1024)) MiB (group_commit run), $((hwm / 1024)) MiB (fsync run)"
echo "store size: $(du -sh "$out/data" | cut -f1)"
echo "ingestion with estimation every second: $with_compute samples/s, \
$(/usr/bin/python3 -c "print(round($with_compute / $gc, 2))") of ingestion alone"
echo "ingestion with every detector on ($customers customers, $jobs jobs): $with_all samples/s, \
$(/usr/bin/python3 -c "print(round($with_all / $gc, 2))") of ingestion alone"
echo "ingestion over mutual TLS: $mtls samples/s, p99 ack $mtls_p99 ms, \
$(/usr/bin/python3 -c "print(round($mtls / $gc, 2))") of plaintext"
ratio=$(/usr/bin/python3 -c "print(round(100 * $gc / $null))")
echo "ingest: $gc samples/s at batch 1000 ($ratio% of null sink), p99 ack $p99 ms"
echo "decide result: $decide"
echo "decide result (2000/s offered): $decide_open"
echo "decide at 2000 checks/s offered: p50 $(field "$decide_open" p50_us) us, p99 $(field "$decide_open" p99_us) us, p99.9 $(field "$decide_open" p999_us) us"
echo "decide floor (the same calls refused at validation, 4 threads): $(field "$decide_floor" checks_per_s) calls/s, p50 $(field "$decide_floor" p50_us) us, p99 $(field "$decide_floor" p99_us) us"
echo "decide: $(field "$decide" checks_per_s) checks/s, p99 $(field "$decide" p99_us) us"

# Prometheus remote-write: 100,000 GPUs' dcgm-shaped series, 500 per request,
# from 8 senders, into redflagd (each point counted through the ledger for its
# Slurm job), then into Prometheus' own receiver, for the ratio.
rm -rf "$out/data"
start_daemon group_commit 1h
reg=$("$build/bench/redflag_remote_write_gen" --grpc 127.0.0.1:$port --gpus 100000 --register)
echo "remote_write: registered $(field "$reg" registered) Slurm jobs in $(field "$reg" seconds) s"
rw=$("$build/bench/redflag_remote_write_gen" --port $http --gpus 100000 --seconds "$seconds")
echo "remote_write result (redflagd): $rw"
stop_daemon
prom_port=9562
printf 'global:\n  scrape_interval: 1m\n' > "$out/prometheus.yml"
prometheus --config.file="$out/prometheus.yml" --storage.tsdb.path="$out/tsdb" \
  --web.listen-address=127.0.0.1:$prom_port --web.enable-remote-write-receiver \
  > "$out/prometheus.log" 2>&1 &
prom=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$prom_port/-/ready" > /dev/null && break; sleep 0.1; done
pr=$("$build/bench/redflag_remote_write_gen" --port $prom_port --gpus 100000 --seconds "$seconds")
echo "remote_write result (Prometheus receiver): $pr"
kill $prom; wait $prom 2>/dev/null || true
echo "remote_write: $(field "$rw" samples_per_s) samples/s" \
  "($(/usr/bin/python3 -c "print(round($(field "$rw" samples_per_s) / max(1, $(field "$pr" samples_per_s)), 2))") x Prometheus receiver), p99 $(field "$rw" p99_ms) ms"

# Restricted-party screening on one core against the whole CSL file shipped
# for tests (every name and alias, the same with one letter changed, and
# names that match nothing).
s=$("$build/bench/redflag_screening_bench" tests/data/screening/csl_2023-11-30/csl.csv)
echo "screening result: $s"
echo "screening: $(field "$s" screenings_per_s) screenings/s on one core, p50 $(field "$s" p50_us) us," \
  "p99 $(field "$s" p99_us) us, $(field "$s" entries) entries / $(field "$s" names) names loaded" \
  "in $(field "$s" load_ms) ms taking $(field "$s" loaded_mib) MiB"
# ... and against the full OFAC SDN list (14,965 entries), as shipped in lists/.
s=$("$build/bench/redflag_screening_bench" lists/ofac)
echo "screening result (OFAC): $s"
echo "screening (OFAC): $(field "$s" screenings_per_s) screenings/s on one core, p50 $(field "$s" p50_us) us," \
  "p99 $(field "$s" p99_us) us, $(field "$s" entries) entries / $(field "$s" names) names loaded" \
  "in $(field "$s" load_ms) ms taking $(field "$s" loaded_mib) MiB"

# Estimation on one core, per kind of reported accelerator name (the compute
# pass estimates every job this way every compute.evaluation_interval).
e=$("$build/bench/redflag_estimate_bench" config/accelerators.csv)
echo "estimate result: $e"
