-- wrk script for the flooding client: every request carries X-Forwarded-For FLOOD_IP (the server
-- trusts 127.0.0.1 as a proxy), and the statuses are counted per thread and summed at the end.
local ip = os.getenv("FLOOD_IP") or "198.51.100.1"
local path = os.getenv("FLOOD_PATH") or "/"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.headers["X-Forwarded-For"] = ip
  req = wrk.format("GET", path)
  ok, limited, other = 0, 0, 0
end

function request()
  return req
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  elseif status == 429 then
    limited = limited + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local o, l, x = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    l = l + t:get("limited")
    x = x + t:get("other")
  end
  io.write(string.format(
    "RESULT flood requests=%d seconds=%.3f ok=%d limited=%d other=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, o, l, x,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
