#!/usr/bin/env bash
# job_submit.lua's answer cache, in the Lua 5.1 that slurmctld embeds, with a
# stand-in for redflagctl that logs every question and allows for 60 s: a
# repeated question within the TTL is not asked again, and past 4,096 cached
# answers the cache starts again empty, so an early question is asked anew.
set -euo pipefail
lua=$(command -v lua5.1 || true)
if [ -z "$lua" ]; then
  echo "SKIP: lua5.1 is not installed (scripts/install-deps.sh installs it)"
  exit 77
fi
plugin="$(cd "$(dirname "$0")/.." && pwd)/deploy/slurm/job_submit.lua"
tmp=$(mktemp -d /tmp/redflag-lua-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/redflagctl" <<STANDIN
#!/bin/sh
echo "\$*" >> "$tmp/asked"
echo "ALLOW 60 nothing holds back the customer"
STANDIN
chmod +x "$tmp/redflagctl"
printf 'REDFLAGCTL=%s\nREDFLAG_ACCELERATOR=NVIDIA H100 80GB HBM3\n' "$tmp/redflagctl" > "$tmp/slurm.env"
cat > "$tmp/harness.lua" <<'LUA'
slurm = { SUCCESS = 0, ERROR = -1, cluster_name = "t",
          log_user = function() end, log_info = function() end, log_error = function() end,
          log_debug = function() end }
dofile(arg[1])
local function submit(account)
  local job = { account = account, tres_per_job = "gres/gpu:1", min_nodes = 1, num_tasks = 1 }
  local rc = slurm_job_submit(job, {}, 1000)
  if rc ~= slurm.SUCCESS then error("job of " .. account .. " refused: " .. tostring(rc)) end
end
for i = 1, 4100 do submit("acct-" .. i) end
submit("acct-4100") -- within the TTL: cached
submit("acct-1")    -- one of the 4,096 dropped when the cache was full
LUA
REDFLAG_SLURM_ENV="$tmp/slurm.env" "$lua" "$tmp/harness.lua" "$plugin"
asked() { grep -c -- "--customer $1 " "$tmp/asked" || true; }
fail=0
[ "$(wc -l < "$tmp/asked")" -eq 4101 ] || { echo "FAIL: $(wc -l < "$tmp/asked") questions, not 4101"; fail=1; }
[ "$(asked acct-4100)" -eq 1 ] || { echo "FAIL: a cached answer was asked again"; fail=1; }
[ "$(asked acct-1)" -eq 2 ] || { echo "FAIL: the cache did not start again past 4,096 answers"; fail=1; }
[ "$fail" -eq 0 ] && echo "PASS: job_submit.lua caches within the TTL and stays bounded"
exit "$fail"
