#!/usr/bin/env bash
# Installs the Debian 12 packages redflagd needs to build, run, test and benchmark.
# Idempotent: installs only what is missing, so every make target can call it first.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev clang-format
  # libraries
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler librocksdb-dev
  prometheus-cpp-dev libabsl-dev libgtest-dev libyaml-cpp-dev libssl-dev
  # the HTTP(S) listener (/metrics, /healthz, /readyz, remote-write) and snappy for remote-write
  libcpp-httplib-dev libsnappy-dev
  # Unicode normalisation and transliteration of names for screening
  libicu-dev
  # independent peers for end-to-end tests: Python gRPC client, stock gRPC protocol files,
  # a real Prometheus (and promtool), Alertmanager's amtool for the routing example, curl
  python3 python3-grpcio python3-protobuf python3-yaml grpc-proto prometheus prometheus-alertmanager curl
  # a browser to render the HTML report in its test
  chromium
  # a real Slurm for the scheduler hooks and job_submit.lua (slurm-wlm-basic-plugins has it)
  slurm-wlm slurmctld slurmd munge
  # the Lua slurmctld embeds, to test job_submit.lua's cache without 4,000 submissions
  lua5.1
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root or install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
