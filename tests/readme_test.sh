#!/usr/bin/env bash
# The README as a newcomer follows it: `make run` in one shell, then every
# command of its "First steps" block in another, as written, each expected to
# succeed (retried for a while, as a person would, since alerts are evaluated
# every 10 s). Then the alert from the example is in `alerts list`, in the
# report and in /metrics, and the shipped lists are in use, dated. The
# daemon's data goes to a temporary directory.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
tmp=$(mktemp -d)
cleanup() {
  pkill -TERM -f "redflagd --config config/redflagd.yaml --data-dir $tmp/data" 2> /dev/null || true
  sleep 1
  rm -rf "$tmp" var/report.html
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for port in 50051 9464; do
  if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
    fail "port $port is in use: the README's commands use the default addresses"
  fi
done
make run ARGS="--data-dir $tmp/data" > "$tmp/run.log" 2>&1 &
for _ in $(seq 240); do
  curl -sf 127.0.0.1:9464/readyz > /dev/null 2>&1 && break
  sleep 0.5
done
curl -sf 127.0.0.1:9464/readyz > /dev/null || fail "make run did not start redflagd: $(tail -5 "$tmp/run.log")"

# The first ```sh block after "## First steps".
awk '/^## First steps/ {on = 1} on && /^```sh/ {inside = 1; next} inside && /^```/ {exit} inside' \
  README.md > "$tmp/steps"
[ "$(grep -c redflagctl "$tmp/steps")" -ge 10 ] || fail "no First steps block found in README.md"
n=0
while IFS= read -r line; do
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  n=$((n + 1))
  ok=0
  for _ in $(seq 30); do
    if bash -c "$line" > "$tmp/out.$n" 2>&1; then ok=1; break; fi
    sleep 1
  done
  [ $ok = 1 ] || fail "README command failed: $line
$(tail -5 "$tmp/out.$n")"
  echo "ok: $line"
done < "$tmp/steps"

# make run screens out of the box, against the shipped copies, dated by their date files.
./build/cli/redflagctl screening lists > "$tmp/lists" || fail "screening lists failed"
grep -q "published: 2023-11-30 (by date file lists/csl/consolidated.csv.published)" "$tmp/lists" ||
  fail "make run does not screen against the shipped CSL: $(cat "$tmp/lists")"
grep -q "published: 2024-05-03 (by date file lists/ofac/sdn.csv.published)" "$tmp/lists" ||
  fail "make run does not screen against the shipped OFAC files: $(cat "$tmp/lists")"
./build/cli/redflagctl screen "Mahan Airlines" | grep -q "MAHAN AIR " ||
  fail "screening under make run found no MAHAN AIR"

cat "$tmp"/out.* > "$tmp/all"
grep -q "compute_level/model/frontier-1/5e25" "$tmp/all" || fail "no frontier-1 alert in alerts list"
grep -q "^subject,model,frontier-1," "$tmp/all" || fail "frontier-1 not in the 2026Q3 report"
grep -q "compute_level/model/frontier-1/1e24" var/report.html || fail "the alert is not in the HTML report"
grep -q 'redflag_alerts{rule="compute_projection",severity="high",state="open"} 3' "$tmp/all" ||
  fail "the projections to 1e26 are not in /metrics"
echo "README: $n commands ok"
