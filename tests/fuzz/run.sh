#!/usr/bin/env bash
# Builds the fuzz targets with clang, AddressSanitizer and UndefinedBehaviorSanitizer,
# and runs each for FUZZ_SECONDS (default 15), or until FUZZ_RUNS executions
# when set (make fuzz-long: 10 million or 30 minutes each), from a seed corpus
# (shipped files, and the seeds kept in tests/fuzz/corpus/). Any crash, leak
# or sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-15}
runs=${FUZZ_RUNS:-}
build=build-fuzz
cmake -S . -B "$build" -G Ninja -DREDFLAG_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DCMAKE_CXX_FLAGS="-O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fsanitize=fuzzer-no-link" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" -j 2 --target fuzz_config fuzz_sample_batch fuzz_scenario fuzz_catalog \
  fuzz_csl_list fuzz_ofac_list fuzz_country_groups fuzz_wal_scan fuzz_screening fuzz_published_date \
  fuzz_authorization_policy fuzz_certificate_principal fuzz_remote_write fuzz_admission_review \
  fuzz_inventory_file

# Seeds: the shipped config and scenario, so fuzzing starts from real inputs.
mkdir -p "$build/corpus/fuzz_config" "$build/corpus/fuzz_sample_batch" "$build/corpus/fuzz_scenario" \
  "$build/corpus/fuzz_catalog" "$build/corpus/fuzz_csl_list" "$build/corpus/fuzz_ofac_list" \
  "$build/corpus/fuzz_country_groups" "$build/corpus/fuzz_wal_scan" "$build/corpus/fuzz_screening" \
  "$build/corpus/fuzz_published_date" "$build/corpus/fuzz_authorization_policy" \
  "$build/corpus/fuzz_certificate_principal" "$build/corpus/fuzz_remote_write" \
  "$build/corpus/fuzz_admission_review" "$build/corpus/fuzz_inventory_file"
cp config/redflagd.yaml "$build/corpus/fuzz_config/seed-default.yaml"
# Restricted-party lists: the head of the real files, as published.
lists=tests/data/screening
head -c 6000 "$lists/csl_2023-11-30/csl.csv" > "$build/corpus/fuzz_csl_list/seed-csl.csv"
cp "$lists/csl_sample_2025-06-25/consolidated.csv" "$build/corpus/fuzz_csl_list/seed-current.csv"
{ head -c 3000 "$lists/ofac_2021-07-07/sdn.csv"; printf '\x1e'; head -c 2000 "$lists/ofac_2021-07-07/add.csv"
  printf '\x1e'; head -c 2000 "$lists/ofac_2021-07-07/alt.csv"; } > "$build/corpus/fuzz_ofac_list/seed-ofac"
cp config/accelerators.csv "$build/corpus/fuzz_catalog/seed-shipped.csv"
cp config/country_groups.csv "$build/corpus/fuzz_country_groups/seed-shipped.csv"
cp tests/fuzz/corpus/fuzz_wal_scan/* "$build/corpus/fuzz_wal_scan/"
cp tests/fuzz/corpus/fuzz_catalog/* "$build/corpus/fuzz_catalog/"
cp lists/csl/consolidated.csv.published tests/fuzz/corpus/fuzz_published_date/* \
  "$build/corpus/fuzz_published_date/"
cp deploy/security/policy.json "$build/corpus/fuzz_authorization_policy/seed-shipped.json"
# Client certificates as the security tests make them (SPIFFE, DNS, CN only), in DER.
certs=$(mktemp -d)
bash tests/integration/make_test_certs.sh "$certs" > /dev/null
for c in telemetry analyst admin foreign; do
  openssl x509 -in "$certs/$c.crt" -outform DER -out "$build/corpus/fuzz_certificate_principal/seed-$c.der"
done
rm -rf "$certs"
cp tests/fuzz/corpus/fuzz_remote_write/* "$build/corpus/fuzz_remote_write/"
cp tests/fuzz/corpus/fuzz_admission_review/* "$build/corpus/fuzz_admission_review/"
cp examples/clusters.yaml "$build/corpus/fuzz_inventory_file/seed-example.yaml"
# Names as the lists write them, one per line.
sed -n '2,41p' "$lists/csl_2023-11-30/csl.csv" | cut -d, -f6 | tr -d '"' > "$build/corpus/fuzz_screening/seed-names.txt"
i=0
while IFS= read -r line; do
  i=$((i + 1))
  printf '%s\n' "$line" > "$build/corpus/fuzz_scenario/seed-$i.jsonl"
done < examples/scenario.jsonl

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
targets="fuzz_config fuzz_sample_batch fuzz_scenario fuzz_catalog fuzz_csl_list fuzz_ofac_list
  fuzz_country_groups fuzz_wal_scan fuzz_screening fuzz_published_date fuzz_authorization_policy
  fuzz_certificate_principal fuzz_remote_write fuzz_admission_review fuzz_inventory_file"
for t in $targets; do
  echo "fuzz: $t for ${seconds}s"
  limit=(-max_total_time="$seconds")
  [ -n "$runs" ] && limit+=(-runs="$runs")
  start=$(date +%s)
  if ! "./$build/tests/fuzz/$t" "${limit[@]}" -max_len=65536 \
      -print_final_stats=1 "$build/corpus/$t" >"$build/$t.log" 2>&1; then
    tail -n 60 "$build/$t.log"
    echo "fuzz: $t FAILED (crash input saved in the working directory)"
    exit 1
  fi
  echo "fuzz: $t: $(grep -E '^stat::number_of_executed_units' "$build/$t.log" | awk '{print $2}') executions in $(( $(date +%s) - start )) s"
done
echo "fuzz: $(echo $targets | wc -w) targets ran ${seconds}s each without a crash"
