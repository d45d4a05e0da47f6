-- redflagd admission for Slurm. slurmctld runs this for every submission, so
-- users cannot get around it (a cli_filter can be). A job that asks for GPUs
-- is checked with redflagd (DecisionService.CheckJob, through redflagctl):
--   ALLOW   the job is accepted;
--   REVIEW  the job is accepted but held (priority 0) until an administrator
--           releases it, the reason in its AdminComment (REDFLAG_ON_REVIEW);
--   DENY    the submission fails and the user is told why.
-- When redflagd cannot be reached in REDFLAG_DECIDE_TIMEOUT seconds, the job
-- follows REDFLAG_FAIL_CLOSED: 0 (default) accepts it, 1 refuses it. Answers
-- are cached for the time redflagd allows (Decision.cache_until_unix_ms).
--
-- Install: this file as job_submit.lua beside slurm.conf, and in slurm.conf
-- JobSubmitPlugins=lua. Settings: /etc/redflagd/slurm.env (or
-- $REDFLAG_SLURM_ENV), the file the prolog and epilog read; see
-- docs/decisions.md.

local function read_settings(path)
  local out = {}
  local f = io.open(path, "r")
  if f == nil then
    return out
  end
  for line in f:lines() do
    local key, value = line:match("^%s*([%a_][%w_]*)=(.*)$")
    if key ~= nil then
      local quoted = value:match('^"(.-)"') or value:match("^'(.-)'")
      if quoted ~= nil then
        value = quoted
      else
        value = value:gsub("%s+#.*$", ""):gsub("%s+$", "")
      end
      out[key] = value
    end
  end
  f:close()
  return out
end

-- Read again at every call, so a changed setting holds from the next job.
local settings = {}
local function setting(key, default)
  local v = settings[key]
  if v == nil or v == "" then
    return default
  end
  return v
end
local redflagctl, addr, timeout, fail_closed, on_review, no_account, gpus_per_node, cluster
local function load_settings()
  settings = read_settings(os.getenv("REDFLAG_SLURM_ENV") or "/etc/redflagd/slurm.env")
  redflagctl = setting("REDFLAGCTL", "/usr/local/bin/redflagctl")
  addr = setting("REDFLAG_ADDR", "127.0.0.1:50051")
  timeout = tonumber(setting("REDFLAG_DECIDE_TIMEOUT", "2")) or 2
  fail_closed = setting("REDFLAG_FAIL_CLOSED", "0") == "1"
  on_review = setting("REDFLAG_ON_REVIEW", "hold") -- hold, allow or deny
  no_account = setting("REDFLAG_NO_ACCOUNT", "deny") -- deny or allow
  gpus_per_node = tonumber(setting("REDFLAG_GPUS_PER_NODE", "0")) or 0
  cluster = setting("REDFLAG_CLUSTER", "")
end

-- Slurm's "not set" values (NO_VAL, NO_VAL16) and absent fields.
local function set(n)
  return n ~= nil and n < 65534
end

-- One word for the shell: single-quoted, its own quotes escaped.
local function quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- GPUs in a TRES string such as "gres:gpu:4", "gres/gpu:a100:2" or
-- "gres:gpu:4,gres:nic:1", and the GRES type when it names one.
local function gpus_in(tres)
  if tres == nil then
    return 0, nil
  end
  local total, kind = 0, nil
  for item in tostring(tres):gmatch("[^,]+") do
    local rest = item:match("^gres[:/]gpu(.*)$")
    if rest ~= nil then
      local t, n = rest:match("^:([^:]+):(%d+)$")
      if t == nil then
        n = rest:match("^:(%d+)$") or (rest == "" and "1") or nil
      end
      total = total + (tonumber(n) or 0)
      kind = kind or t
    end
  end
  return total, kind
end

-- How many GPUs the job asks for over all its nodes, and the GRES type.
local function requested_gpus(job_desc)
  local nodes = set(job_desc.min_nodes) and job_desc.min_nodes > 0 and job_desc.min_nodes or 1
  local tasks = set(job_desc.num_tasks) and job_desc.num_tasks > 0 and job_desc.num_tasks or 1
  local per_job, k1 = gpus_in(job_desc.tres_per_job)
  local per_node, k2 = gpus_in(job_desc.tres_per_node)
  local per_task, k3 = gpus_in(job_desc.tres_per_task)
  local n = math.max(per_job, per_node * nodes, per_task * tasks)
  -- A whole node taken without naming GPUs still takes its GPUs.
  if n == 0 and job_desc.shared == 0 then
    n = gpus_per_node * nodes
  end
  return n, k1 or k2 or k3
end

local function accelerator_of(partition, kind)
  local function named(key)
    if key == nil then
      return nil
    end
    return setting("REDFLAG_ACCELERATOR_" .. tostring(key):gsub("[^%w_]", "_"), nil)
  end
  return named(partition) or named(kind) or setting("REDFLAG_ACCELERATOR", "")
end

local function default_partition(part_list)
  for _, p in pairs(part_list or {}) do
    if p.flag_default == 1 then
      return p.name
    end
  end
  return nil
end

local function is_dedicated(job_desc, partition)
  if job_desc.shared == 0 or job_desc.reservation ~= nil then
    return true
  end
  for p in setting("REDFLAG_DEDICATED_PARTITIONS", ""):gmatch("[^%s,]+") do
    if p == partition then
      return true
    end
  end
  return false
end

-- The tenant's declaration in --comment ("redflag: ... workload=KIND").
local workloads = {pretraining = true, fine_tuning = true, distillation = true,
                   reinforcement_learning = true, inference = true, evaluation = true}
local function declared_workload(comment)
  local decl = comment and tostring(comment):match("redflag:(.*)$")
  local w = decl and decl:match("workload=([%w_]+)")
  if w ~= nil and workloads[w] then
    return w
  end
  return nil
end

-- key -> {verdict, summary, until_s}; bounded, so that many accounts and
-- GPU counts cannot grow slurmctld without end.
local cache, cached, max_cached = {}, 0, 4096
local function remember(key, entry, now)
  if cache[key] == nil and cached >= max_cached then
    for k, e in pairs(cache) do
      if e.until_s <= now then
        cache[k] = nil
        cached = cached - 1
      end
    end
    if cached >= max_cached then
      cache, cached = {}, 0
    end
  end
  if cache[key] == nil then
    cached = cached + 1
  end
  cache[key] = entry
end

-- Asks redflagd. Returns verdict ("ALLOW", "REVIEW", "DENY"), the one-line
-- summary, and the seconds it may be cached; or nil and why it could not ask
-- (nil, why, true when the request itself was refused: the user can fix it).
local function ask(args)
  local cmd = { "timeout", "-k", "1", tostring(timeout + 1), quote(redflagctl),
                "--addr", quote(addr), "--timeout", tostring(timeout) .. "s" }
  local tls = { ca = "REDFLAG_TLS_CA", cert = "REDFLAG_TLS_CERT", key = "REDFLAG_TLS_KEY",
                ["server-name"] = "REDFLAG_TLS_SERVER_NAME" }
  for flag, key in pairs(tls) do
    local v = setting(key, nil)
    if v ~= nil then
      cmd[#cmd + 1] = "--" .. flag
      cmd[#cmd + 1] = quote(v)
    end
  end
  cmd[#cmd + 1] = "decide job --brief"
  for _, a in ipairs(args) do
    cmd[#cmd + 1] = quote(a)
  end
  local p = io.popen(table.concat(cmd, " ") .. " 2>&1; echo \"rc=$?\"")
  if p == nil then
    return nil, "could not run " .. redflagctl
  end
  local out = p:read("*a") or ""
  p:close()
  local rc = tonumber(out:match("rc=(%d+)%s*$")) or -1
  local verdict, ttl, summary = out:match("^(%u+) (%d+) ([^\n]*)")
  if (rc == 0 or rc == 4 or rc == 5) and verdict ~= nil then
    return verdict, summary, tonumber(ttl)
  end
  local why = out:gsub("rc=%d+%s*$", ""):gsub("%s+", " ")
  -- INVALID_ARGUMENT (3): the request itself is refused, whatever the fail mode.
  return nil, why, rc == 1 and why:find("decide job: 3 ", 1, true) ~= nil
end

-- GPUs in a job record's "cpu=2,mem=1G,node=1,gres/gpu=4" (or gres/gpu:a100=4).
local function recorded_gpus(tres)
  local n = 0
  for item in tostring(tres or ""):gmatch("[^,]+") do
    n = math.max(n, tonumber(item:match("^gres/gpu[^=]*=(%d+)$")) or 0)
  end
  return n
end

-- The decision for a job: account, partition, GPUs and dedication as the
-- job will run. Returns slurm.SUCCESS or slurm.ERROR; holds a job for
-- review only when hold is true (a submission, not an update).
local function check(job_desc, account, partition, count, kind, hold)
  if count == 0 then
    return slurm.SUCCESS -- no accelerators: not what redflagd decides on
  end
  if account == nil or account == "" then
    if no_account == "allow" then
      return slurm.SUCCESS
    end
    slurm.log_user("redflagd: a job that asks for GPUs needs an account (--account): " ..
                   "the account is the customer redflagd checks")
    return slurm.ERROR
  end
  local args = { "--customer", account, "--model", accelerator_of(partition, kind),
                 "--count", tostring(count), "--scheduler", "slurm" }
  if is_dedicated(job_desc, partition) then
    args[#args + 1] = "--dedicated"
  end
  local workload = declared_workload(job_desc.comment)
  if workload ~= nil then
    args[#args + 1] = "--workload"
    args[#args + 1] = workload
  end
  local cluster_name = cluster ~= "" and cluster or (slurm.cluster_name or "")
  if cluster_name ~= "" then
    args[#args + 1] = "--cluster"
    args[#args + 1] = cluster_name
  end

  local key = table.concat(args, "\0")
  local now = os.time()
  local hit = cache[key]
  local verdict, summary
  if hit ~= nil and hit.until_s > now then
    verdict, summary = hit.verdict, hit.summary
  else
    local ttl_or_refused
    verdict, summary, ttl_or_refused = ask(args)
    if verdict == nil then
      if ttl_or_refused then
        slurm.log_user("redflagd refused to check this job: %s", summary)
        return slurm.ERROR
      end
      slurm.log_error("redflagd: could not check a job of account %s (%s): %s", account,
                      fail_closed and "refused, fail-closed" or "accepted, fail-open", summary)
      if fail_closed then
        slurm.log_user("redflagd cannot be reached to check this job, and this cluster " ..
                       "does not start unchecked GPU jobs; try again later")
        return slurm.ERROR
      end
      return slurm.SUCCESS
    end
    remember(key, { verdict = verdict, summary = summary, until_s = now + ttl_or_refused }, now)
  end

  if verdict == "DENY" or (verdict == "REVIEW" and on_review == "deny") then
    slurm.log_info("redflagd: refused a job of account %s: %s", account, summary)
    slurm.log_user("redflagd refused this job: %s", summary)
    return slurm.ERROR
  end
  if verdict == "REVIEW" and on_review == "hold" and hold then
    job_desc.priority = 0
    job_desc.admin_comment = "redflagd: " .. summary
    slurm.log_info("redflagd: held a job of account %s: %s", account, summary)
    slurm.log_user("redflagd holds this job for review: %s", summary)
  end
  return slurm.SUCCESS
end

local function first_partition(p)
  return p and tostring(p):match("^[^,]+") or nil
end

function slurm_job_submit(job_desc, part_list, submit_uid)
  load_settings()
  local count, kind = requested_gpus(job_desc)
  return check(job_desc, job_desc.account or job_desc.default_account,
               first_partition(job_desc.partition or default_partition(part_list)), count, kind,
               true)
end

-- An update that changes who pays or what the job takes is checked again
-- (asking for GPUs after an accepted submission, moving to another account);
-- an administrator's release of a held job changes neither.
-- A job held for review is released by an administrator (root or a uid of
-- REDFLAG_RELEASE_UIDS), not by its owner: Slurm shows the hold as the user's.
local function may_release(uid)
  if uid == 0 then
    return true
  end
  for u in setting("REDFLAG_RELEASE_UIDS", ""):gmatch("%d+") do
    if tonumber(u) == uid then
      return true
    end
  end
  return false
end

function slurm_job_modify(job_desc, job_rec, part_list, modify_uid)
  load_settings()
  local held = tostring(job_rec.admin_comment or ""):match("^redflagd: REVIEW") ~= nil
  -- A release sets the priority (to INFINITE); NO_VAL leaves it as it is.
  local no_val = 4294967294
  if held and job_desc.priority ~= nil and job_desc.priority ~= no_val and
     not may_release(modify_uid) then
    slurm.log_user("redflagd holds this job for review; an administrator releases it")
    return slurm.ERROR
  end
  if job_desc.account == nil and job_desc.partition == nil and job_desc.tres_per_job == nil and
     job_desc.tres_per_node == nil and job_desc.tres_per_task == nil and
     not set(job_desc.min_nodes) and not set(job_desc.num_tasks) and
     not set(job_desc.shared) and job_desc.reservation == nil then
    return slurm.SUCCESS
  end
  local count, kind = requested_gpus(job_desc)
  count = math.max(count, recorded_gpus(job_rec.tres_fmt_req_str))
  return check(job_desc, job_desc.account or job_rec.account,
               first_partition(job_desc.partition or job_rec.partition), count, kind, false)
end

return slurm.SUCCESS
