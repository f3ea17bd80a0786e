-- wrk script for bench/live_poll.py: readers' open live pages polling PATH (the page's
-- updates.json). Like a browser with the answer in its cache, each request after the first
-- carries the ETag of the newest answer seen (If-None-Match): 304 when nothing changed.
-- After the run it prints, on lines the script parses:
--   STATUS 200=12 304=12345
--   RESULT requests=… rps=… p50_ms=… p90_ms=… p99_ms=… max_ms=… connect=… read=… write=… timeout=… bytes=…
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  path = args[1]
  etag = nil
  statuses = {}
end

function request()
  if etag then
    return wrk.format("GET", path, { ["If-None-Match"] = etag, Accept = "application/json" })
  end
  return wrk.format("GET", path, { Accept = "application/json" })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 200 and headers["ETag"] then
    etag = headers["ETag"]
  end
end

function done(summary, latency, requests)
  local totals, keys = {}, {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      if not totals[status] then
        table.insert(keys, status)
      end
      totals[status] = (totals[status] or 0) + count
    end
  end
  table.sort(keys)
  io.write("STATUS")
  for _, status in ipairs(keys) do
    io.write(string.format(" %d=%d", status, totals[status]))
  end
  io.write("\n")
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
      .. "connect=%d read=%d write=%d timeout=%d bytes=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors.connect, errors.read, errors.write, errors.timeout, summary.bytes))
end
