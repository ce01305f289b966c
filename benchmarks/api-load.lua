-- wrk script for benchmarks/api-load.sh: most requests read, one in ten enqueues a job.
local counter = 0
request = function()
  counter = counter + 1
  local headers = { ["Authorization"] = "Bearer " .. os.getenv("CONVEYOR_LOAD_KEY"), ["Content-Type"] = "application/json" }
  if counter % 10 == 0 then
    return wrk.format("POST", "/api/v1/jobs", headers, '{"kind": "noop", "args": {"n": ' .. counter .. '}}')
  elseif counter % 10 == 5 then
    return wrk.format("GET", "/api/v1/queues", headers)
  else
    return wrk.format("GET", "/api/v1/jobs?limit=20", headers)
  end
end

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors: connect %d read %d write %d timeout %d status %d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
  io.write(string.format("latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
