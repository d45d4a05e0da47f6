#!/usr/bin/env bash
# scripts/fetch-lists.sh against a local mirror (file:// URLs): the files land
# under their names; a failed download exits non-zero and keeps the previous
# file and its date; each list is dated by its publication time.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data="$repo/tests/data/screening"

# The mirror's files carry their publication time (file:// gives it as
# Last-Modified does over HTTP); the downloads are dated by it.
mkdir -p "$tmp/mirror/ofac"
cp "$data/csl_2023-11-30/csl.csv" "$tmp/mirror/consolidated.csv"
cp "$data"/ofac_2021-07-07/*.csv "$tmp/mirror/ofac/"
touch -d 2023-11-30T05:00:00Z "$tmp/mirror/consolidated.csv"
touch -d 2021-07-07T12:30:00Z "$tmp/mirror/ofac/sdn.csv"
CSL_URL="file://$tmp/mirror/consolidated.csv" OFAC_URL="file://$tmp/mirror/ofac" \
  bash "$repo/scripts/fetch-lists.sh" "$tmp/lists" > /dev/null
cmp "$tmp/lists/consolidated.csv" "$data/csl_2023-11-30/csl.csv"
for f in sdn add alt; do cmp "$tmp/lists/ofac/$f.csv" "$data/ofac_2021-07-07/$f.csv"; done
[ "$(cat "$tmp/lists/consolidated.csv.published")" = 2023-11-30T05:00:00Z ] ||
  { echo "FAIL: consolidated.csv.published: $(cat "$tmp/lists/consolidated.csv.published")" >&2; exit 1; }
[ "$(cat "$tmp/lists/ofac/sdn.csv.published")" = 2021-07-07T12:30:00Z ] ||
  { echo "FAIL: sdn.csv.published: $(cat "$tmp/lists/ofac/sdn.csv.published")" >&2; exit 1; }

if CSL_URL="file://$tmp/missing.csv" OFAC_URL="file://$data/ofac_2021-07-07" \
    bash "$repo/scripts/fetch-lists.sh" "$tmp/lists" 2> "$tmp/err" > /dev/null; then
  echo "FAIL: a failed download exited 0" >&2
  exit 1
fi
grep -q "missing.csv failed; $tmp/lists/consolidated.csv unchanged" "$tmp/err"
cmp "$tmp/lists/consolidated.csv" "$data/csl_2023-11-30/csl.csv"
[ ! -e "$tmp/lists/consolidated.csv.download" ]
# ... and its date.
[ "$(cat "$tmp/lists/consolidated.csv.published")" = 2023-11-30T05:00:00Z ]
echo "fetch-lists: ok"
