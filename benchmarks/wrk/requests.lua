-- Replays pre-built requests for wrk (used by benchmarks/api_bench.py).
--
--   wrk -t1 -c16 -d10s -s benchmarks/wrk/requests.lua http://127.0.0.1:8080 -- FILE THREADS [statuses]
--
-- FILE has one request per line, four tab-separated fields and any number of headers:
--   METHOD <tab> PATH <tab> ACCESS-TOKEN <tab> JSON-BODY (may be empty) [<tab> Name: value]...
-- Thread k of THREADS sends lines k+1, k+1+THREADS, ... so threads never repeat each
-- other's requests (a like by the same user on the same post would be a no-op), wrapping
-- around only when the file runs out. Every request is formatted once, at start-up.
-- With a third argument "statuses" the responses are also counted by status (wrk then
-- hands each response to this script, which costs it a little; a 409 is an expected answer
-- in some scenarios, and wrk alone only counts every status >= 400 as an error).
-- At the end one line "WRK_JSON {...}" carries the figures the benchmark reads.

local counter = 0
local threads = {}

function setup(thread)
  thread:set("thread_index", counter)
  counter = counter + 1
  threads[#threads + 1] = thread
end

function init(args)
  local path = args[1]
  local nthreads = tonumber(args[2]) or 1
  local all = {}
  for line in io.lines(path) do
    local method, target, token, body, rest =
      line:match("^([^\t]+)\t([^\t]+)\t([^\t]*)\t([^\t]*)(.*)$")
    if method then
      local headers = { ["Authorization"] = "Bearer " .. token }
      for name, value in rest:gmatch("\t([^:\t]+): ([^\t]*)") do
        headers[name] = value
      end
      if body == "" then
        body = nil
      else
        headers["Content-Type"] = "application/json"
      end
      all[#all + 1] = wrk.format(method, target, headers, body)
    end
  end
  reqs = {}
  for i = (thread_index or 0) + 1, #all, nthreads do
    reqs[#reqs + 1] = all[i]
  end
  if #reqs == 0 then
    reqs = all
  end
  position = 0
  if args[3] == "statuses" then
    statuses = {}
    -- Defined here, not at the top: wrk only parses responses for a script that has one.
    response = function(status, _headers, _body)
      statuses[status] = (statuses[status] or 0) + 1
    end
  end
end

function request()
  position = position % #reqs + 1
  return reqs[position]
end

function done(summary, latency, _requests)
  local e = summary.errors
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses") or {}) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  local counted = {}
  for status, n in pairs(totals) do
    counted[#counted + 1] = string.format('"%d":%d', status, n)
  end
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,'
      .. '"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,'
      .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,'
      .. '"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, latency.max, table.concat(counted, ",")))
end
