-- The deadline spike for wrk: logged-in reporters saving and submitting their progress.
--
-- Run with one connection per thread (wrk -t C -c C …), so that in each thread a request and
-- its response alternate and the thread can keep its reports' versions (the optimistic lock
-- every save must quote). Each thread is one reporter of bench/prepare.py's file (line = thread
-- number): it cycles over its open tasks, saving each and every SPIKE_SUBMIT_EVERY-th time
-- saving and submitting it; a submitted task is done. When all its tasks are submitted the
-- thread stops (after one /healthz, counted apart as "idle").
--
-- Environment: SPIKE_SESSIONS (the file, default sessions.txt), SPIKE_PERIOD (2024-12),
-- SPIKE_SUBMIT_EVERY (10).

local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  local path = os.getenv("SPIKE_SESSIONS") or "sessions.txt"
  period = os.getenv("SPIKE_PERIOD") or "2024-12"
  submit_every = tonumber(os.getenv("SPIKE_SUBMIT_EVERY") or "10")
  tasks = {}
  local n = 0
  for line in io.lines(path) do
    n = n + 1
    if n == id then
      local fields = {}
      for f in line:gmatch("%S+") do table.insert(fields, f) end
      cookie, csrf = fields[1], fields[2]
      for i = 3, #fields do
        local t, v = fields[i]:match("(%d+):(%d+)")
        table.insert(tasks, { id = t, version = tonumber(v), saves = 0 })
      end
    end
  end
  current, saves, submits, errors, idle, pending = 0, 0, 0, 0, 0, nil
  conflicts = 0
end

function request()
  local n = #tasks
  for _ = 1, n do
    current = current % n + 1
    local t = tasks[current]
    if not t.done then
      t.saves = t.saves + 1
      local action = (t.saves % submit_every == 0) and "submit" or "save"
      pending = { task = t, action = action }
      local version = t.version > 0 and tostring(t.version) or ""
      local text = string.format("第%d次填报：已开展普法宣传活动%d场，培训妇女%d人", t.saves, t.saves, t.saves * 10)
      local body = "csrf=" .. csrf .. "&period=" .. period .. "&version=" .. version
        .. "&text=" .. urlencode(text) .. "&self_score=&action=" .. action
      return wrk.format("POST", "/tasks/" .. t.id .. "/report",
        { ["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
    end
  end
  -- Every task submitted: one last harmless request, and the thread stops in response().
  pending = nil
  return wrk.format("GET", "/healthz")
end

function response(status, headers, body)
  if pending == nil then
    idle = idle + 1
    wrk.thread:stop()
    return
  end
  local t = pending.task
  if status == 303 then
    if pending.action == "submit" then
      submits = submits + 1
      t.done = true
    else
      saves = saves + 1
      t.version = t.version + 1
    end
  else
    if status == 409 then conflicts = conflicts + 1 end
    errors = errors + 1
    t.done = true
  end
  pending = nil
end

function done(summary, latency, requests)
  local s, sub, e, c, i = 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    s = s + thread:get("saves")
    sub = sub + thread:get("submits")
    e = e + thread:get("errors")
    c = c + thread:get("conflicts")
    i = i + thread:get("idle")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("saves %d, save+submit %d, errors %d (conflicts %d), idle %d\n", s, sub, e, c, i))
  io.write(string.format("writes/s %.0f over %.1f s\n", (s + sub) / seconds, seconds))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("latency p%s %.1f ms\n", p, latency:percentile(p) / 1000))
  end
end
