-- wrk script of the edge benchmark: sends GET / with Host api.example.com, paces requests when
-- BENCH_WRK_DELAY_MS is set (an exponential pause per request on each connection, so that
-- arrivals are spread as from many independent clients), and prints the results as one line
-- of JSON for the runner.
wrk.headers["Host"] = "api.example.com"

local mean_delay_ms = tonumber(os.getenv("BENCH_WRK_DELAY_MS") or "0") or 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

if mean_delay_ms > 0 then
  -- wrk truncates the pause to whole milliseconds; adding half of one keeps the mean right.
  function delay()
    return -mean_delay_ms * math.log(1 - math.random()) + 0.5
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"connect_errors":%d,"read_errors":%d,' ..
      '"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,' ..
      '"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
