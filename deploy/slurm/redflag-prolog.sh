#!/usr/bin/env bash
# Slurm PrologSlurmctld (slurm.conf: PrologSlurmctld=/etc/redflagd/redflag-prolog.sh):
# registers each job with redflagd once, from the controller, as it is allocated.
#
# From Slurm: SLURM_JOB_ID, SLURM_CLUSTER_NAME, SLURM_JOB_ACCOUNT (the tenant:
# redflagd's customer_id), SLURM_JOB_PARTITION, SLURM_JOB_NUM_NODES,
# SLURM_JOB_GPUS (GPU indices of a node; else the job's JOB_GRES from
# scontrol, else REDFLAG_GPUS_PER_NODE), SLURM_JOB_START_TIME (Unix s), and
# SLURM_JOB_COMMENT, from which a tenant's `sbatch --comment` declares what the
# job trains: "redflag: model=ID parent=ID workload=pretraining|fine_tuning|...
# precision=bf16|fp8|... parameters=N". Settings: redflagd-slurm.env.
set -uo pipefail
# shellcheck source=redflag-common.sh
. "$(dirname "$(readlink -f "$0")")/redflag-common.sh"

: "${SLURM_JOB_ID:?SLURM_JOB_ID is not set: run as the PrologSlurmctld of Slurm}"
account=${SLURM_JOB_ACCOUNT:-}
if [ -z "$account" ]; then
  log "job $SLURM_JOB_ID has no account: not registered (SLURM_JOB_ACCOUNT is the customer_id)"
  [ "$REDFLAG_FAIL_CLOSED" = 1 ] && exit 1
  exit 0
fi

partition=${SLURM_JOB_PARTITION:-}
partition=${partition%%,*}
var="REDFLAG_ACCELERATOR_${partition//[^A-Za-z0-9_]/_}"
accelerator=${!var:-${REDFLAG_ACCELERATOR:-}}
nodes=${SLURM_JOB_NUM_NODES:-1}
# What the controller knows of the job (slurmctld gives its prolog no
# SLURM_JOB_GPUS): its GPUs, "JOB_GRES=gpu:32" or "gpu:h100:32,nic:1", and
# whether it has its nodes to itself.
job_info=$(timeout 10 "${REDFLAG_SCONTROL:-scontrol}" show job -d "$SLURM_JOB_ID" 2> /dev/null)
job_gres_gpus() {
  local gres item n=0
  gres=$(sed -n 's/.*JOB_GRES=\([^ ]*\).*/\1/p' <<< "$job_info")
  for item in ${gres//,/ }; do
    [[ "$item" =~ ^gpu(:[^:\(]+)?:([0-9]+) ]] && n=$((n + BASH_REMATCH[2]))
  done
  [ "$n" -gt 0 ] && echo "$n"
}
if [ -n "${SLURM_JOB_GPUS:-}" ]; then
  IFS=, read -ra gpus <<< "$SLURM_JOB_GPUS"
  count=$((nodes * ${#gpus[@]}))
elif ! count=$(job_gres_gpus); then
  count=$((nodes * ${REDFLAG_GPUS_PER_NODE:-0}))
fi
# Dedicated (R3): --exclusive, a reservation, or a partition of
# REDFLAG_DEDICATED_PARTITIONS (bare metal, a cluster reserved for one customer).
dedicated=false
if [[ "$job_info" =~ OverSubscribe=NO([[:space:]]|$) ]] ||
  [[ "$job_info" =~ Reservation=[^[:space:]]+ && ! "$job_info" =~ Reservation=\(null\) ]]; then
  dedicated=true
fi
dedicated_partitions=${REDFLAG_DEDICATED_PARTITIONS:-}
for p in ${dedicated_partitions//,/ }; do
  [ "$p" = "$partition" ] && dedicated=true
done
start_ms=$(( ${SLURM_JOB_START_TIME:-$(date +%s)} * 1000 ))

# The tenant's declaration, if any.
declare -A decl=()
comment=${SLURM_JOB_COMMENT:-}
if [[ "$comment" == *"redflag:"* ]]; then
  for kv in ${comment#*redflag:}; do
    [[ "$kv" == *=* ]] && decl[${kv%%=*}]=${kv#*=}
  done
fi
upper() { printf '%s' "$1" | tr '[:lower:]-' '[:upper:]_'; }

spec="{\"job_id\": \"$(json_escape "$(job_id)")\", \"customer_id\": \"$(json_escape "$account")\""
spec+=", \"scheduler\": \"slurm\", \"scheduler_job_id\": \"$(json_escape "$SLURM_JOB_ID")\""
spec+=", \"cluster\": \"$(json_escape "${SLURM_CLUSTER_NAME:-${REDFLAG_CLUSTER:-default}}")\""
spec+=", \"region\": \"$(json_escape "${REDFLAG_REGION:-}")\""
spec+=", \"accelerator_model\": \"$(json_escape "$accelerator")\", \"accelerator_count\": $count"
spec+=", \"start_unix_ms\": \"$start_ms\", \"dedicated\": $dedicated"
[ -n "${decl[model]:-}" ] && spec+=", \"model_id\": \"$(json_escape "${decl[model]}")\""
[ -n "${decl[parent]:-}" ] && spec+=", \"parent_model_id\": \"$(json_escape "${decl[parent]}")\""
[ -n "${decl[workload]:-}" ] && spec+=", \"workload\": \"WORKLOAD_KIND_$(upper "${decl[workload]}")\""
[ -n "${decl[precision]:-}" ] && spec+=", \"precision\": \"PRECISION_$(upper "${decl[precision]}")\""
[[ "${decl[parameters]:-}" =~ ^[0-9]+$ ]] && spec+=", \"declared_parameters\": \"${decl[parameters]}\""
spec+="}"

rc=$RETRY
if flush_spool; then
  printf '%s' "$spec" | ctl jobs register -
  rc=$?
fi
[ $rc -eq 0 ] && exit 0
if [ $rc -eq $RETRY ]; then
  printf '%s' "$spec" | spool register.json  # sent by the next hook that reaches redflagd
else
  log "job $SLURM_JOB_ID refused by redflagd (its error above): $spec"
fi
[ "$REDFLAG_FAIL_CLOSED" = 1 ] && exit 1
exit 0
