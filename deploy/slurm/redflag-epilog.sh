#!/usr/bin/env bash
# Slurm EpilogSlurmctld (slurm.conf: EpilogSlurmctld=/etc/redflagd/redflag-epilog.sh):
# records each job's end with redflagd, at SLURM_JOB_END_TIME (Unix s) or now.
# Requests that earlier hooks could not send go first. Never fails the job.
set -uo pipefail
# shellcheck source=redflag-common.sh
. "$(dirname "$(readlink -f "$0")")/redflag-common.sh"

: "${SLURM_JOB_ID:?SLURM_JOB_ID is not set: run as the EpilogSlurmctld of Slurm}"
[ -n "${SLURM_JOB_ACCOUNT:-}" ] || exit 0  # the prolog registered nothing
at=$(date -u -d "@${SLURM_JOB_END_TIME:-$(date +%s)}" +%Y-%m-%dT%H:%M:%SZ)
rc=$RETRY
if flush_spool; then
  ctl jobs end "$(job_id)" --at "$at"
  rc=$?
fi
if [ $rc -eq $RETRY ]; then
  echo "$(job_id) $at" | spool end
elif [ $rc -ne 0 ]; then
  log "end of job $SLURM_JOB_ID refused by redflagd (its error above)"
fi
exit 0
