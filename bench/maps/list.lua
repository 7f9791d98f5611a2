-- wrk -t1 -cN -d900s --timeout 120s -s list.lua URL -- PATHS.txt PASSES
-- Fixed work: the connections take the paths of the list in order from one shared counter
-- (one wrk thread, so one Lua state). wrk asks delay() before every request of a connection
-- (the first one included), so delay() hands out the requests: once every path of every pass
-- is taken it returns a very long delay and the connection idles; exactly the list is
-- requested, nothing else. (wrk also calls request() once at start to build a template; that
-- only shifts where the rotation starts.)
-- When the last answer is in, the script stops wrk (SIGINT to its main thread: wrk otherwise
-- sleeps out -d). The clock runs from the first request to the last answer (LuaJIT FFI
-- clock_gettime). Prints one line:
-- RESULT requests=N seconds=S rps=R non200=K bytes=B p50_ms=.. p99_ms=.. socket_errors=E
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } list_timespec;
  int clock_gettime(int clock, list_timespec* ts);
  int getpid(void);
  long syscall(long number, ...);
]]
local threads = {}

local function now()
  local ts = ffi.new("list_timespec")
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  total = #paths * tonumber(args[2] or "1")
  reserved, sent, answered, non200, bytes = 0, 0, 0, 0, 0
  t_first, t_last = 0, 0
end

function delay()
  if reserved < total then
    reserved = reserved + 1
    return 0
  end
  return 100000000  -- ms: this connection's work is done
end

function request()
  if sent == 0 then t_first = now() end
  sent = sent + 1
  return wrk.format("GET", paths[(sent - 1) % #paths + 1])
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 then non200 = non200 + 1 end
  bytes = bytes + #body
  if answered == total then
    t_last = now()
    wrk.thread:stop()
    local pid = ffi.C.getpid()
    ffi.C.syscall(234, ffi.cast("long", pid), ffi.cast("long", pid), ffi.cast("long", 2))  -- tgkill(pid, pid, SIGINT)
  end
end

function done(summary, latency, requests)
  local t = threads[1]
  local e = summary.errors
  local n = t:get("answered")
  local seconds = t:get("t_last") - t:get("t_first")
  if n < t:get("total") then seconds = summary.duration / 1e6 end  -- ran out of time
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.2f non200=%d bytes=%d p50_ms=%.2f p99_ms=%.2f socket_errors=%d complete=%s\n",
    n, seconds, n / seconds, t:get("non200"), t:get("bytes"),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, tostring(n >= t:get("total"))))
end
