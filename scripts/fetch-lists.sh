#!/usr/bin/env bash
# Downloads the restricted-party lists redflagd screens against into DIR:
#   DIR/consolidated.csv                      trade.gov Consolidated Screening List
#   DIR/ofac/sdn.csv, add.csv, alt.csv        OFAC SDN list
# Each file is downloaded to a temporary name and renamed only when complete
# and not empty, so redflagd never reads a half-written file and a failed
# download keeps the previous version. Exits non-zero if any download failed.
# Beside consolidated.csv and sdn.csv, FILE.published holds the publisher's
# date of the download (its Last-Modified; the download time if the server
# sends none), written before the file itself is renamed into place: redflagd
# dates the list by it, since a copied file's modification time says nothing.
# The daemon picks new files up by itself (screening.reload_check_interval).
#   usage: fetch-lists.sh DIR
# CSL_URL and OFAC_URL (the folder of sdn.csv, add.csv, alt.csv) override the
# publishers' addresses, e.g. for a mirror.
set -uo pipefail
dir=${1:?usage: fetch-lists.sh DIR}
csl_url=${CSL_URL:-https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv}
ofac_url=${OFAC_URL:-https://www.treasury.gov/ofac/downloads}
mkdir -p "$dir/ofac"

failed=0
fetch() {  # url target [dated]
  local tmp="$2.download"
  if curl -fsSL -R --retry 3 --max-time 600 -o "$tmp" "$1" && [ -s "$tmp" ]; then
    if [ "${3:-}" = dated ]; then
      date -u -r "$tmp" +%Y-%m-%dT%H:%M:%SZ > "$2.published.download"
      mv -f "$2.published.download" "$2.published"
    fi
    mv -f "$tmp" "$2"
    echo "fetch-lists: $2 <- $1 ($(wc -c < "$2") bytes)"
  else
    rm -f "$tmp"
    echo "fetch-lists: $1 failed; $2 unchanged" >&2
    failed=1
  fi
}

fetch "$csl_url" "$dir/consolidated.csv" dated
# add.csv and alt.csv first: redflagd reads the three together once sdn.csv changes.
fetch "$ofac_url/add.csv" "$dir/ofac/add.csv"
fetch "$ofac_url/alt.csv" "$dir/ofac/alt.csv"
fetch "$ofac_url/sdn.csv" "$dir/ofac/sdn.csv" dated
exit $failed
