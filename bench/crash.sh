#!/usr/bin/env bash
# The crash test at length (not in CI, which kills 24 times): 100 SIGKILLs
# at random moments under streaming load with retrying clients, then the
# totals checked exact against every acknowledged sample. Usage:
#   bash bench/crash.sh [BUILD_DIR] (REDFLAG_CRASH_KILLS=N to change the count)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
export REDFLAG_CRASH_KILLS=${REDFLAG_CRASH_KILLS:-100}
start=$(date +%s)
"$build/tests/crash_test" --gtest_brief=1
echo "crash: $REDFLAG_CRASH_KILLS kills, exact totals, $(( $(date +%s) - start )) s"
