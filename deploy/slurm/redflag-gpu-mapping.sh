#!/usr/bin/env bash
# Slurm node Prolog and Epilog (slurm.conf: Prolog= and Epilog= on each GPU
# node, run by slurmd as root): writes dcgm-exporter's HPC job mapping, one
# file per GPU index named for it, each line a job id, so that dcgm-exporter
# (--hpc-job-mapping-dir) labels the GPU's series with hpc_job and redflagd
# counts them for the job (docs/telemetry-sources.md). A GPU shared by two
# jobs lists both. Usage: redflag-gpu-mapping.sh start|end
# From Slurm: SLURM_JOB_ID, and the job's GPUs on this node as SLURM_JOB_GPUS
# (indices; Slurm 25.11 puts UUIDs in CUDA_VISIBLE_DEVICES, so not that).
# Setting: REDFLAG_DCGM_JOB_MAPPING_DIR (dcgm-exporter's --hpc-job-mapping-dir).
set -uo pipefail
conf=${REDFLAG_SLURM_ENV:-/etc/redflagd/slurm.env}
# shellcheck disable=SC1090
[ -r "$conf" ] && . "$conf"
dir=${REDFLAG_DCGM_JOB_MAPPING_DIR:-/var/lib/dcgm-exporter/job-mapping}
action=${1:-}
job=${SLURM_JOB_ID:-}
log() { echo "redflag-gpu-mapping: $*" >&2; logger -t redflag-slurm -- "$*" 2>/dev/null || true; }
case "$action" in start | end) ;; *) log "usage: $0 start|end"; exit 2 ;; esac
[[ "$job" =~ ^[0-9]+$ ]] || { log "SLURM_JOB_ID '$job' is not a job id: run as slurmd's Prolog/Epilog"; exit 0; }
# Never fail the job over its telemetry label: log and go on.
mkdir -p "$dir" || { log "cannot make $dir"; exit 0; }
IFS=, read -ra gpus <<< "${SLURM_JOB_GPUS:-}"
[ ${#gpus[@]} -gt 0 ] || exit 0  # no GPUs on this node
exec 9> "$dir/.lock"
flock 9  # hooks of jobs starting or ending together take turns
for gpu in "${gpus[@]}"; do
  [[ "$gpu" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { log "job $job: GPU '$gpu' is not an index: skipped"; continue; }
  file="$dir/$gpu"
  {
    [ -f "$file" ] && grep -vx -- "$job" "$file"
    [ "$action" = start ] && echo "$job"
  } > "$file.tmp"
  if [ -s "$file.tmp" ]; then mv "$file.tmp" "$file"; else rm -f "$file.tmp" "$file"; fi
done
exit 0
