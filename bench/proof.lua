-- wrk script for bench/proof.py: requests the paths given after `--` in turn, counts responses
-- by status code and by second, and prints them with the throughput and latency, on lines the
-- script parses:
--   STATUS 200=1234 503=2
--   SECONDS 1764185472=180 1764185473=175 …   (responses per second of the Unix clock)
--   RESULT requests=… rps=… p50_ms=… p99_ms=… connect=… read=… write=… timeout=…
-- wrk's own "Non-2xx or 3xx responses" line would not tell a 302 from a 200, or a 503 from a 404.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = args
  turn = 0
  statuses = {}
  seconds = {}
end

function request()
  turn = turn % #paths + 1
  return wrk.format("GET", paths[turn])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local second = os.time()
  seconds[second] = (seconds[second] or 0) + 1
end

-- Adds up one table per thread; returns the totals and their keys in order.
local function merged(name)
  local totals, keys = {}, {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get(name)) do
      if not totals[key] then
        table.insert(keys, key)
      end
      totals[key] = (totals[key] or 0) + count
    end
  end
  table.sort(keys)
  return totals, keys
end

local function write_counts(label, totals, keys)
  io.write(label)
  for _, key in ipairs(keys) do
    io.write(string.format(" %d=%d", key, totals[key]))
  end
  io.write("\n")
end

function done(summary, latency, requests)
  write_counts("STATUS", merged("statuses"))
  write_counts("SECONDS", merged("seconds"))
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
      .. "connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors.connect, errors.read, errors.write, errors.timeout))
end
