#!/usr/bin/env bash
# The Slurm hooks (deploy/slurm) run as slurmctld runs them, with a job's
# environment, against the real redflagd: the prolog registers the job with
# what Slurm and the tenant's --comment say; run again (a requeue) it changes
# nothing; the epilog ends it. With redflagd down, the job is not failed and
# its registration waits in the spool until the next hook sends it; with
# REDFLAG_FAIL_CLOSED=1 the prolog fails instead. A job without an account is
# not registered; one refused for its content is reported, not retried.
# The node hook writes and clears dcgm-exporter's GPU-to-job mapping files.
# Usage: slurm_test.sh REDFLAGD REDFLAGCTL
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
redflagd=$(readlink -f "$1") redflagctl=$(readlink -f "$2")
cd "$repo"  # the default config names config/ files relative to it
tmp=$(mktemp -d)
daemon=
trap '[ -n "$daemon" ] && kill $daemon 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

start_daemon() {
  rm -f "$tmp/ports"
  "$redflagd" --data-dir "$tmp/data" --grpc-listen "127.0.0.1:${port:-0}" \
    --http-listen 127.0.0.1:0 --port-file "$tmp/ports" 2>> "$tmp/redflagd.log" &
  daemon=$!
  for _ in $(seq 100); do [ -s "$tmp/ports" ] && break; sleep 0.1; done
  [ -s "$tmp/ports" ] || fail "redflagd did not start: $(tail -5 "$tmp/redflagd.log")"
  port=$(sed 's/.*"grpc_port": *\([0-9]*\).*/\1/' "$tmp/ports")
}
stop_daemon() { kill -TERM $daemon; wait $daemon || true; daemon=; }
job() { "$redflagctl" --addr "127.0.0.1:$port" jobs get "$1"; }

start_daemon
cat > "$tmp/slurm.env" <<ENV
REDFLAG_ADDR=127.0.0.1:$port
REDFLAGCTL=$redflagctl
REDFLAG_REGION=test-region-1
REDFLAG_ACCELERATOR_h100_sxm="NVIDIA H100 80GB HBM3"
REDFLAG_ACCELERATOR="NVIDIA A100-SXM4-80GB"
REDFLAG_SPOOL=$tmp/spool
ENV
export REDFLAG_SLURM_ENV="$tmp/slurm.env"
prolog="$repo/deploy/slurm/redflag-prolog.sh"
epilog="$repo/deploy/slurm/redflag-epilog.sh"

# A 4-node job of 8 GPUs each, declaring a fine-tune of frontier-1.
slurm_job=(SLURM_JOB_ID=4242 SLURM_CLUSTER_NAME=gpu1 SLURM_JOB_ACCOUNT=acct-9001
  SLURM_JOB_PARTITION=h100-sxm SLURM_JOB_NUM_NODES=4 SLURM_JOB_GPUS=0,1,2,3,4,5,6,7
  SLURM_JOB_START_TIME=1790812800 SLURM_JOB_END_TIME=1790899200
  "SLURM_JOB_COMMENT=nightly run redflag: model=frontier-2 parent=frontier-1 workload=fine_tuning precision=bf16 parameters=70000000000")
env "${slurm_job[@]}" bash "$prolog" 2> "$tmp/err" || fail "prolog: $(cat "$tmp/err")"
got=$(job slurm/gpu1/4242)
for want in '"customer_id": "acct-9001"' '"accelerator_model": "NVIDIA H100 80GB HBM3"' \
  '"accelerator_count": 32' '"start_unix_ms": "1790812800000"' '"model_id": "frontier-2"' \
  '"parent_model_id": "frontier-1"' '"workload": "WORKLOAD_KIND_FINE_TUNING"' \
  '"precision": "PRECISION_BF16"' '"declared_parameters": "70000000000"' \
  '"scheduler": "slurm"' '"cluster": "gpu1"' '"region": "test-region-1"'; do
  grep -qF "$want" <<< "$got" || fail "registered job lacks $want: $got"
done
env "${slurm_job[@]}" bash "$prolog" 2> "$tmp/err" || fail "prolog again (requeue): $(cat "$tmp/err")"
grep -qF '"dedicated": false' <<< "$got" || fail "a shared partition's job is dedicated: $got"
# A partition of REDFLAG_DEDICATED_PARTITIONS holds dedicated capacity (R3).
env "${slurm_job[@]}" SLURM_JOB_ID=4250 REDFLAG_DEDICATED_PARTITIONS="b200-metal,h100-sxm" \
  bash "$prolog" 2> "$tmp/err" || fail "prolog (dedicated): $(cat "$tmp/err")"
job slurm/gpu1/4250 | grep -qF '"dedicated": true' || fail "not dedicated: $(job slurm/gpu1/4250)"
env "${slurm_job[@]}" bash "$epilog" 2> "$tmp/err" || fail "epilog: $(cat "$tmp/err")"
job slurm/gpu1/4242 | grep -qF '"end_unix_ms": "1790899200000"' || fail "job not ended: $(job slurm/gpu1/4242)"

# No account: nothing registered, the job not failed.
env SLURM_JOB_ID=4300 SLURM_CLUSTER_NAME=gpu1 bash "$prolog" 2> "$tmp/err" || fail "prolog without account failed the job"
grep -q "has no account" "$tmp/err" || fail "no account not reported: $(cat "$tmp/err")"
if job slurm/gpu1/4300 2> /dev/null; then fail "a job without account was registered"; fi

# Refused for its content (no accelerators known): reported, not spooled
# (sending it again cannot help), the job not failed.
env SLURM_JOB_ID=4301 SLURM_JOB_ACCOUNT=acct-7 REDFLAG_GPUS_PER_NODE=0 bash "$prolog" 2> "$tmp/err" ||
  fail "a refused registration failed the job"
grep -q "accelerator_count" "$tmp/err" && grep -q "refused by redflagd" "$tmp/err" ||
  fail "refusal not reported: $(cat "$tmp/err")"
[ -z "$(ls "$tmp/spool" 2> /dev/null)" ] || fail "a refused registration was spooled"

# redflagd down: the job runs (exit 0) and its registration is spooled; with
# REDFLAG_FAIL_CLOSED=1 the prolog fails the job.
stop_daemon
down_job=(SLURM_JOB_ID=4243 SLURM_CLUSTER_NAME=gpu1 SLURM_JOB_ACCOUNT=acct-7 SLURM_JOB_PARTITION=other
  SLURM_JOB_NUM_NODES=2 SLURM_JOB_START_TIME=1790812800 SLURM_JOB_END_TIME=1790816400)
env "${down_job[@]}" REDFLAG_GPUS_PER_NODE=4 bash "$prolog" 2> "$tmp/err" || fail "prolog failed a job while redflagd was down"
[ "$(ls "$tmp/spool" | grep -c 'register.json$')" = 1 ] || fail "registration not spooled: $(ls "$tmp/spool")"
if env SLURM_JOB_ID=4244 SLURM_JOB_ACCOUNT=acct-7 REDFLAG_GPUS_PER_NODE=4 REDFLAG_FAIL_CLOSED=1 \
    bash "$prolog" 2> /dev/null; then
  fail "fail-closed prolog let the job start while redflagd was down"
fi
env "${down_job[@]}" bash "$epilog" 2> /dev/null || fail "epilog failed while redflagd was down"

# Back up: the next hook sends the spool first, in order, then its own.
start_daemon
env "${slurm_job[@]}" SLURM_JOB_ID=4245 bash "$prolog" 2> "$tmp/err" || fail "prolog after restart: $(cat "$tmp/err")"
got=$(job slurm/gpu1/4243)
for want in '"accelerator_model": "NVIDIA A100-SXM4-80GB"' '"accelerator_count": 8' \
  '"end_unix_ms": "1790816400000"'; do
  grep -qF "$want" <<< "$got" || fail "spooled job lacks $want: $got"
done
job slurm/gpu1/4245 > /dev/null || fail "the hook's own job was not registered after the spool"
job slurm/default/4244 > /dev/null || fail "the fail-closed job's registration was not kept for later"
[ -z "$(ls "$tmp/spool")" ] || fail "spool not emptied: $(ls "$tmp/spool")"
stop_daemon

# Over mutual TLS: the hooks present a certificate whose principal has role
# telemetry; the job is registered, and read back by an analyst.
bash "$repo/tests/integration/make_test_certs.sh" "$tmp/certs" || fail "openssl could not make certificates"
cat > "$tmp/policy.json" <<'JSON'
{"allow_rules": [
  {"name": "hooks", "source": {"principals": ["spiffe://redflag.test/telemetry"]}, "roles": ["telemetry"]},
  {"name": "analysts", "source": {"principals": ["*.analysts.redflag.test"]}, "roles": ["analyst"]}]}
JSON
rm -f "$tmp/ports"
"$redflagd" --data-dir "$tmp/tls-data" --grpc-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 \
  --port-file "$tmp/ports" -o tls.cert_file="$tmp/certs/server.crt" \
  -o tls.key_file="$tmp/certs/server.key" -o tls.client_ca_file="$tmp/certs/ca.crt" \
  -o security.policy_file="$tmp/policy.json" 2>> "$tmp/redflagd.log" &
daemon=$!
for _ in $(seq 100); do [ -s "$tmp/ports" ] && break; sleep 0.1; done
[ -s "$tmp/ports" ] || fail "redflagd with TLS did not start: $(tail -5 "$tmp/redflagd.log")"
port=$(sed 's/.*"grpc_port": *\([0-9]*\).*/\1/' "$tmp/ports")
cat >> "$tmp/slurm.env" <<ENV
REDFLAG_ADDR=127.0.0.1:$port
REDFLAG_TLS_CA=$tmp/certs/ca.crt
REDFLAG_TLS_CERT=$tmp/certs/telemetry.crt
REDFLAG_TLS_KEY=$tmp/certs/telemetry.key
REDFLAG_TLS_SERVER_NAME=localhost
ENV
env "${slurm_job[@]}" SLURM_JOB_ID=4400 bash "$prolog" 2> "$tmp/err" || fail "prolog over mTLS: $(cat "$tmp/err")"
"$redflagctl" --addr "127.0.0.1:$port" --ca "$tmp/certs/ca.crt" --cert "$tmp/certs/analyst.crt" \
  --key "$tmp/certs/analyst.key" --server-name localhost jobs get slurm/gpu1/4400 > "$tmp/got" ||
  fail "job registered over mTLS not found: $(cat "$tmp/got")"
grep -qF '"customer_id": "acct-9001"' "$tmp/got" || fail "registered over mTLS: $(cat "$tmp/got")"

# The node hook writes dcgm-exporter's HPC job mapping: one file per GPU index,
# a line per job; a shared GPU lists both jobs; a job's end removes its lines.
mapping="$tmp/job-mapping"
gpu_hook="$repo/deploy/slurm/redflag-gpu-mapping.sh"
export REDFLAG_DCGM_JOB_MAPPING_DIR="$mapping"
SLURM_JOB_ID=4242 SLURM_JOB_GPUS=0,3 bash "$gpu_hook" start || fail "gpu mapping start"
SLURM_JOB_ID=4243 SLURM_JOB_GPUS=3 bash "$gpu_hook" start || fail "gpu mapping start (shared)"
SLURM_JOB_ID=4243 SLURM_JOB_GPUS=3 bash "$gpu_hook" start || fail "gpu mapping start again"
[ "$(cat "$mapping/0")" = 4242 ] || fail "GPU 0 mapping: $(cat "$mapping/0")"
[ "$(cat "$mapping/3")" = "$(printf '4242\n4243')" ] || fail "GPU 3 mapping: $(cat "$mapping/3")"
SLURM_JOB_ID=4242 SLURM_JOB_GPUS=0,3 bash "$gpu_hook" end || fail "gpu mapping end"
[ ! -e "$mapping/0" ] || fail "GPU 0 still mapped after its job ended"
[ "$(cat "$mapping/3")" = 4243 ] || fail "GPU 3 mapping after one end: $(cat "$mapping/3")"
SLURM_JOB_ID='4242; rm -rf /' SLURM_JOB_GPUS=1 bash "$gpu_hook" start 2> /dev/null ||
  fail "a bad job id must not fail the job"
[ ! -e "$mapping/1" ] || fail "a bad job id was written"
SLURM_JOB_ID=4244 SLURM_JOB_GPUS=../x bash "$gpu_hook" start 2> /dev/null || fail "bad GPU index"
[ ! -e "$tmp/x" ] || fail "a GPU index escaped the mapping folder"
echo "slurm hooks: ok (plaintext and mutual TLS, GPU job mapping)"
