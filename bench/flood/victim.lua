-- wrk script for the well-behaved client: X-Forwarded-For VICTIM_IP, each connection waits
-- VICTIM_DELAY_MS before every request (4 connections x 80 ms ~ 50 requests/s), and reports
-- latency percentiles and every answer that was not a 200.
local ip = os.getenv("VICTIM_IP") or "203.0.113.9"
local path = os.getenv("VICTIM_PATH") or "/"
local pause = tonumber(os.getenv("VICTIM_DELAY_MS") or "80")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.headers["X-Forwarded-For"] = ip
  req = wrk.format("GET", path)
  ok, bad = 0, 0
end

function delay()
  return pause
end

function request()
  return req
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    b = b + t:get("bad")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    "RESULT victim requests=%d seconds=%.3f ok=%d non200=%d socket_errors=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, summary.duration / 1e6, o, b, errors, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
