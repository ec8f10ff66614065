-- Replays pre-built requests for wrk (used by benchmarks/api_bench.py).
--
--   wrk -t1 -c16 -d10s -s benchmarks/wrk/requests.lua http://127.0.0.1:8080 -- FILE THREADS
--
-- FILE has one request per line, four tab-separated fields:
--   METHOD <tab> PATH <tab> ACCESS-TOKEN <tab> JSON-BODY (may be empty)
-- Thread k of THREADS sends lines k+1, k+1+THREADS, ... so threads never repeat each
-- other's requests (a like by the same user on the same post would be a no-op), wrapping
-- around only when the file runs out. Every request is formatted once, at start-up.
-- At the end one line "WRK_JSON {...}" carries the figures the benchmark reads.

local counter = 0

function setup(thread)
  thread:set("thread_index", counter)
  counter = counter + 1
end

function init(args)
  local path = args[1]
  local nthreads = tonumber(args[2]) or 1
  local all = {}
  for line in io.lines(path) do
    local method, target, token, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]*)\t(.*)$")
    if method then
      local headers = { ["Authorization"] = "Bearer " .. token }
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
end

function request()
  position = position % #reqs + 1
  return reqs[position]
end

function done(summary, latency, _requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,'
      .. '"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,'
      .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, latency.max))
end
