-- wrk script for bench/breaking_news.py. The arguments after `--` choose what is requested:
--   readers FILE   the home page one time in HOME_EVERY, otherwise an article drawn at random
--                  from FILE (one path a line): readers of a news site
--   plain PATH     PATH, the same every time
--   query PATH     PATH with a new query string every time (?bust=…)
--   cookie PATH    PATH with a new made-up session cookie every time (sessionid=32 hex digits)
-- After the run it prints, on lines the script parses:
--   STATUS 200=1234 503=2
--   RESULT requests=… rps=… p50_ms=… p99_ms=… max_ms=… connect=… read=… write=… timeout=… bytes=…
local HOME_EVERY = 5
local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("id", thread_count)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  if mode == "readers" then
    paths = {}
    for line in io.lines(args[2]) do
      if line ~= "" then
        table.insert(paths, line)
      end
    end
  else
    path = args[2]
    separator = string.find(path, "?", 1, true) and "&" or "?"
  end
  math.randomseed(os.time() * 1000 + id)
  sent = 0
  statuses = {}
end

function request()
  sent = sent + 1
  if mode == "readers" then
    if math.random(HOME_EVERY) == 1 then
      return wrk.format("GET", "/")
    end
    return wrk.format("GET", paths[math.random(#paths)])
  elseif mode == "query" then
    return wrk.format("GET", string.format("%s%sbust=%d-%d", path, separator, id, sent))
  elseif mode == "cookie" then
    local session = string.format("%08x%08x%08x%08x", math.random(0, 0x7fffffff), math.random(0, 0x7fffffff),
      math.random(0, 0x7fffffff), sent)
    return wrk.format("GET", path, { Cookie = "sessionid=" .. session })
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
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
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
      .. "connect=%d read=%d write=%d timeout=%d bytes=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors.connect, errors.read, errors.write, errors.timeout, summary.bytes))
end
