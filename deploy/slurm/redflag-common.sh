# Shared by redflag-prolog.sh and redflag-epilog.sh: settings, logging, and
# the spool of requests that could not be sent yet.
conf=${REDFLAG_SLURM_ENV:-/etc/redflagd/slurm.env}
# shellcheck disable=SC1090
[ -r "$conf" ] && . "$conf"
REDFLAGCTL=${REDFLAGCTL:-/usr/local/bin/redflagctl}
REDFLAG_ADDR=${REDFLAG_ADDR:-127.0.0.1:50051}
REDFLAG_SPOOL=${REDFLAG_SPOOL:-/var/spool/redflagd-slurm}
REDFLAG_FAIL_CLOSED=${REDFLAG_FAIL_CLOSED:-0}
# Mutual TLS, when the env file names the files: redflagctl reads these.
export REDFLAG_TLS_CA REDFLAG_TLS_CERT REDFLAG_TLS_KEY REDFLAG_TLS_SERVER_NAME

log() { echo "redflag-slurm: $*" >&2; logger -t redflag-slurm -- "$*" 2>/dev/null || true; }

ctl() { "$REDFLAGCTL" --addr "$REDFLAG_ADDR" --timeout 10s "$@" > /dev/null; }

# JSON string contents: backslashes and quotes escaped, control characters dropped.
json_escape() { printf '%s' "$1" | tr -d '\000-\037' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

# redflagctl's exit status for "try again later" (unreachable, overloaded).
readonly RETRY=75

# Sends what earlier hooks could not, oldest first: NNN.register.json files
# and NNN.end files ("JOB_ID TIME"). Stops while redflagd is unreachable,
# keeping the order; a request refused for its content is set aside
# (*.refused) for a person, since sending it again cannot help.
flush_spool() {
  [ -d "$REDFLAG_SPOOL" ] || return 0
  local f rc job at
  for f in $(ls "$REDFLAG_SPOOL" 2>/dev/null | sort); do
    case "$f" in
      *.register.json) ctl jobs register "$REDFLAG_SPOOL/$f"; rc=$? ;;
      *.end) read -r job at < "$REDFLAG_SPOOL/$f"; ctl jobs end "$job" --at "$at"; rc=$? ;;
      *) continue ;;
    esac
    if [ $rc -eq $RETRY ]; then
      return 1
    elif [ $rc -ne 0 ]; then
      mv "$REDFLAG_SPOOL/$f" "$REDFLAG_SPOOL/$f.refused"
      log "spooled $f refused by redflagd: kept as $f.refused"
    else
      rm -f "$REDFLAG_SPOOL/$f"
      log "sent spooled $f"
    fi
  done
}

# Keeps a request for the next hook: $1 suffix, stdin the content.
spool() {
  mkdir -p "$REDFLAG_SPOOL"
  local name
  name="$(date -u +%Y%m%d%H%M%S%N)-$SLURM_JOB_ID.$1"
  cat > "$REDFLAG_SPOOL/$name.tmp" && mv "$REDFLAG_SPOOL/$name.tmp" "$REDFLAG_SPOOL/$name"
  log "redflagd unreachable: job $SLURM_JOB_ID kept in $REDFLAG_SPOOL/$name"
}

job_id() { echo "slurm/${SLURM_CLUSTER_NAME:-${REDFLAG_CLUSTER:-default}}/$SLURM_JOB_ID"; }
