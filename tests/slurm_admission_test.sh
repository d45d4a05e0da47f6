#!/usr/bin/env bash
# A real Slurm (Debian's slurmctld, slurmd and munged on localhost, eight
# GPUs declared as GRES with no device behind them) with redflagd's
# job_submit.lua and its prolog and epilog, against the real redflagd:
# - an allowed customer's sbatch runs and the prolog registers it;
# - a D:5-headquartered customer's job is refused, the user told why;
# - a customer without a profile is held for review, and its owner cannot
#   release it (an administrator can);
# - a job without GPUs is not asked about; one without an account is refused;
#   an update that gives a refused customer's job GPUs is refused too;
# - redflagd stopped or hanging: a cached answer still holds, otherwise the
#   job follows REDFLAG_FAIL_CLOSED (accepted with 0, refused with 1).
# Skips (exit 77) only where Slurm cannot start here, saying why.
# Usage: slurm_admission_test.sh REDFLAGD REDFLAGCTL
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
redflagd=$(readlink -f "$1") redflagctl=$(readlink -f "$2")
cd "$repo"  # the default config names config/ files relative to it
skip() { echo "SKIP: $*"; exit 77; }
fail() {
  echo "FAIL: $*" >&2
  for f in "$tmp"/log/*; do echo "--- $f" >&2; tail -15 "$f" >&2; done
  exit 1
}
for bin in /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd /usr/bin/sbatch; do
  [ -x "$bin" ] || fail "$bin is missing: scripts/install-deps.sh installs munge, slurmctld and slurmd"
done
[ "$(id -u)" = 0 ] || skip "slurmd runs jobs as their users and needs root; this test ran as $(id -un)"

tmp=$(mktemp -d)
chmod 755 "$tmp"  # the job of user nobody reads its settings here
pids=()
daemon=
cleanup() {
  [ -n "$daemon" ] && kill "$daemon" 2> /dev/null
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp"/{log,state,spool,munge,dev}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# munge, with its own key and socket.
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$tmp/munge/munge.key"
/usr/sbin/munged -F -f --socket="$tmp/munge/sock" --key-file="$tmp/munge/munge.key" \
  --pid-file="$tmp/munge/pid" --seed-file="$tmp/munge/seed" --log-file="$tmp/log/munged.log" \
  2>> "$tmp/log/munged.log" &
pids+=($!)
for _ in $(seq 50); do [ -S "$tmp/munge/sock" ] && break; sleep 0.1; done
[ -S "$tmp/munge/sock" ] || skip "munged did not start: $(tail -3 "$tmp/log/munged.log")"

# redflagd with a CN-headquartered customer and an allowed one.
start_daemon() {
  rm -f "$tmp/ports"
  "$redflagd" --data-dir "$tmp/data" --grpc-listen "127.0.0.1:${port:-0}" \
    --http-listen 127.0.0.1:0 --port-file "$tmp/ports" 2>> "$tmp/log/redflagd.log" &
  daemon=$!
  for _ in $(seq 100); do [ -s "$tmp/ports" ] && break; sleep 0.1; done
  [ -s "$tmp/ports" ] || fail "redflagd did not start"
  port=$(sed 's/.*"grpc_port": *\([0-9]*\).*/\1/' "$tmp/ports")
}
stop_daemon() { kill -TERM "$daemon"; wait "$daemon" || true; daemon=; }
ctl() { "$redflagctl" --addr "127.0.0.1:$port" "$@"; }
start_daemon
echo '{"customer_id": "acct-cn", "legal_name": "Example Beijing AI Co", "headquarters_country": "CN",
  "incorporation_country": "CN", "billing_country": "CN"}' | ctl customers upsert - > /dev/null
echo '{"customer_id": "acct-ok", "legal_name": "Example Research Labs Ltd", "headquarters_country": "SG",
  "incorporation_country": "SG", "ultimate_parent_name": "Example Holdings Pte",
  "ultimate_parent_country": "SG", "billing_country": "SG"}' | ctl customers upsert - > /dev/null

# The hooks' settings, as an operator writes /etc/redflagd/slurm.env.
settings() {
  cat > "$tmp/slurm.env" <<ENV
REDFLAG_ADDR=${1:-127.0.0.1:$port}
REDFLAGCTL=$redflagctl
REDFLAG_REGION=test-region-1
REDFLAG_ACCELERATOR_h100="NVIDIA H100 80GB HBM3"  # the partition's GPUs
REDFLAG_SPOOL=$tmp/spool
REDFLAG_DECIDE_TIMEOUT=1
REDFLAG_FAIL_CLOSED=${2:-0}
ENV
}
settings
for hook in prolog epilog; do
  # Slurm gives its hooks no SLURM_CONF; the prolog's scontrol needs this one.
  printf '#!/bin/sh\nSLURM_CONF=%s REDFLAG_SLURM_ENV=%s exec bash %s 2>> %s\n' "$tmp/slurm.conf" \
    "$tmp/slurm.env" "$repo/deploy/slurm/redflag-$hook.sh" "$tmp/log/hooks.log" > "$tmp/$hook.sh"
  chmod 755 "$tmp/$hook.sh"
done
cp "$repo/deploy/slurm/job_submit.lua" "$tmp/job_submit.lua"

# Slurm: one node of eight GPUs; gres/gpu needs a device per GPU, so each
# is a link to /dev/null.
host=$(hostname -s)
for i in 0 1 2 3 4 5 6 7; do ln -s /dev/null "$tmp/dev/gpu$i"; done
cat > "$tmp/slurm.conf" <<CONF
ClusterName=rftest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
GresTypes=gpu
JobSubmitPlugins=lua
PrologSlurmctld=$tmp/prolog.sh
EpilogSlurmctld=$tmp/epilog.sh
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=500 Gres=gpu:8 State=UNKNOWN
PartitionName=h100 Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
echo "NodeName=$host Name=gpu File=$tmp/dev/gpu[0-7]" > "$tmp/gres.conf"
export SLURM_CONF="$tmp/slurm.conf" REDFLAG_SLURM_ENV="$tmp/slurm.env"
/usr/sbin/slurmctld -D -i 2>> "$tmp/log/slurmctld.out" &
pids+=($!)
/usr/sbin/slurmd -D 2>> "$tmp/log/slurmd.out" &
pids+=($!)
for _ in $(seq 100); do
  sinfo -h -o %t 2> /dev/null | grep -qx idle && break
  sleep 0.2
done
sinfo -h -o %t 2> /dev/null | grep -qx idle ||
  skip "slurmctld/slurmd did not bring the node up: $(tail -3 "$tmp/log/slurmctld.log" "$tmp/log/slurmd.log" 2> /dev/null | tr '\n' ' ')"

submit() { timeout 60 sbatch "$@" 2> "$tmp/err"; }
job() { ctl jobs get "slurm/rftest/$1"; }

# Allowed: runs, and the prolog registered it with what the job asked for.
out=$(submit --wait -A acct-ok --gres=gpu:4 -o /dev/null \
  --comment "redflag: model=frontier-2 workload=fine_tuning" --wrap true) ||
  fail "the allowed customer's job did not run: $(cat "$tmp/err")"
id=${out##* }
got=$(job "$id") || fail "job $id was not registered by the prolog"
for want in '"customer_id": "acct-ok"' '"accelerator_model": "NVIDIA H100 80GB HBM3"' \
  '"accelerator_count": 4' '"model_id": "frontier-2"' '"scheduler": "slurm"'; do
  grep -qF "$want" <<< "$got" || fail "registered job lacks $want: $got"
done
for _ in $(seq 50); do job "$id" | grep -q '"end_unix_ms": "[1-9]' && break; sleep 0.2; done
job "$id" | grep -q '"end_unix_ms": "[1-9]' || fail "the epilog did not end job $id: $(job "$id")"

grep -qF '"dedicated": true' <<< "$got" && fail "a shared job was registered as dedicated: $got"
# --exclusive: its nodes are the customer's alone, registered as dedicated (R3).
out=$(submit --wait -A acct-ok --exclusive --gres=gpu:8 -o /dev/null --wrap true) ||
  fail "the exclusive job did not run: $(cat "$tmp/err")"
job "${out##* }" | grep -qF '"dedicated": true' || fail "an exclusive job is not dedicated: $(job "${out##* }")"

# D:5-headquartered: refused, and the user reads why.
if submit -A acct-cn --gres=gpu:2 -o /dev/null --wrap true; then
  fail "the CN-headquartered customer's job was accepted"
fi
grep -q "redflagd refused this job: DENY (adversary_linked_training): headquarters CN" "$tmp/err" ||
  fail "the refusal does not say why: $(cat "$tmp/err")"
# Asked for by --gpus rather than --gres, the same.
if submit -A acct-cn --gpus=1 -o /dev/null --wrap true; then fail "--gpus got around the check"; fi
# No GPUs: not asked about. No account: refused with a way forward.
submit -A acct-cn -o /dev/null --wrap true > /dev/null || fail "a CPU-only job was refused: $(cat "$tmp/err")"
if submit --gres=gpu:1 -o /dev/null --wrap true; then fail "a GPU job without an account was accepted"; fi
grep -q "needs an account" "$tmp/err" || fail "no-account refusal: $(cat "$tmp/err")"

# Asking for GPUs by an update after a CPU-only submission: refused the same.
out=$(submit -H -A acct-cn -o /dev/null --wrap true) || fail "held CPU-only job: $(cat "$tmp/err")"
id=${out##* }
refusals() { grep -c "redflagd: refused a job of account acct-cn" "$tmp/log/slurmctld.log"; }
before=$(refusals)
if scontrol update jobid="$id" TresPerNode=gres:gpu:2 2> "$tmp/err"; then
  fail "an update gave GPUs to a refused customer's job: $(scontrol show job "$id" | grep -i tres)"
fi
[ "$(refusals)" -gt "$before" ] || fail "the update was not refused by redflagd: $(cat "$tmp/err")"
scancel "$id"

# No profile: accepted but held; its owner cannot release it, root can.
out=$(cd "$tmp" && timeout 60 runuser -u nobody -- sbatch -A acct-new --gres=gpu:1 -o /dev/null \
  --wrap true 2> "$tmp/err") || fail "the job to review was refused: $(cat "$tmp/err")"
id=${out##* }
grep -q "redflagd holds this job for review: REVIEW (no_customer_profile)" "$tmp/err" ||
  fail "the hold is not explained: $(cat "$tmp/err")"
scontrol show job "$id" | grep -q "Priority=0 " || fail "job $id is not held: $(scontrol show job "$id")"
scontrol show job "$id" | grep -q "AdminComment=redflagd: REVIEW" || fail "no AdminComment on $id"
if runuser -u nobody -- scontrol release "$id" 2> /dev/null; then fail "the owner released a job held for review"; fi
scontrol release "$id" || fail "root could not release job $id"

# redflagd stopped: a cached ALLOW still holds; anything else follows the fail mode.
stop_daemon
submit -A acct-ok --gres=gpu:4 -o /dev/null --wrap true > /dev/null ||
  fail "a cached ALLOW did not hold: $(cat "$tmp/err")"
submit -A acct-other --gres=gpu:2 -o /dev/null --wrap true > /dev/null ||
  fail "fail-open refused a job while redflagd was down: $(cat "$tmp/err")"
grep -q "could not check a job of account acct-other (accepted, fail-open)" "$tmp/log/slurmctld.log" ||
  fail "the fail-open acceptance was not logged"
settings "" 1
if submit -A acct-other --gres=gpu:3 -o /dev/null --wrap true; then
  fail "fail-closed accepted a job while redflagd was down"
fi
grep -q "redflagd cannot be reached" "$tmp/err" || fail "fail-closed refusal: $(cat "$tmp/err")"

# A redflagd that accepts the connection and never answers: the short
# timeout, then the fail mode.
hang_port=$(free_port)
/usr/bin/python3 -c "import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $hang_port)); s.listen(8); c = [s.accept() for _ in range(8)]; time.sleep(60)" &
pids+=($!)
sleep 0.3
settings "127.0.0.1:$hang_port" 1
if submit -A acct-other --gres=gpu:5 -o /dev/null --wrap true; then
  fail "fail-closed accepted a job while redflagd hung"
fi
grep -q "redflagd cannot be reached" "$tmp/err" || fail "fail-closed (hang) refusal: $(cat "$tmp/err")"
settings "127.0.0.1:$hang_port" 0
submit -A acct-other --gres=gpu:5 -o /dev/null --wrap true > /dev/null ||
  fail "fail-open refused a job while redflagd hung: $(cat "$tmp/err")"
echo "slurm admission: ok (allow and register, deny with reason, hold for review, fail modes)"
