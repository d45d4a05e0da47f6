#!/usr/bin/env bash
# scripts/fetch-lists.sh against a local mirror (file:// URLs): the files land
# under their names; a failed download exits non-zero and keeps the previous
# file.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data="$repo/tests/data/screening"

CSL_URL="file://$data/csl_2023-11-30/csl.csv" OFAC_URL="file://$data/ofac_2021-07-07" \
  bash "$repo/scripts/fetch-lists.sh" "$tmp/lists" > /dev/null
cmp "$tmp/lists/consolidated.csv" "$data/csl_2023-11-30/csl.csv"
for f in sdn add alt; do cmp "$tmp/lists/ofac/$f.csv" "$data/ofac_2021-07-07/$f.csv"; done

if CSL_URL="file://$tmp/missing.csv" OFAC_URL="file://$data/ofac_2021-07-07" \
    bash "$repo/scripts/fetch-lists.sh" "$tmp/lists" 2> "$tmp/err" > /dev/null; then
  echo "FAIL: a failed download exited 0" >&2
  exit 1
fi
grep -q "missing.csv failed; $tmp/lists/consolidated.csv unchanged" "$tmp/err"
cmp "$tmp/lists/consolidated.csv" "$data/csl_2023-11-30/csl.csv"
[ ! -e "$tmp/lists/consolidated.csv.download" ]
echo "fetch-lists: ok"
