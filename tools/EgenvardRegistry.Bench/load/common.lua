-- Shared by the wrk scripts of scripts/bench: settings from the environment, the bench unit's children, the pacing
-- delay and the summary line that scripts/bench reads. wrk runs this file once in its main thread and once in each
-- worker thread; each has its own Lua state.

bench = {}

function bench.env(name, default)
   local value = os.getenv(name)
   if value == nil or value == "" then
      if default == nil then error(name .. " is not set") end
      return default
   end
   return value
end

-- The verification bodies of the bench unit's children ("personnummer TAB measure" per line), in the order of the file.
function bench.verification_bodies()
   local bodies = {}
   for line in io.lines(bench.env("BENCH_CHILDREN")) do
      local personnummer, measure = line:match("^(%d+)\t(%S+)$")
      if personnummer then
         bodies[#bodies + 1] = '{"personnummer":"' .. personnummer .. '","measure":"' .. measure .. '"}'
      end
   end
   if #bodies == 0 then error("no children in " .. bench.env("BENCH_CHILDREN")) end
   return bodies
end

-- Every worker thread, so that done() can add up what each counted.
bench.threads = {}

function setup(thread)
   thread:set("thread_number", #bench.threads)
   bench.threads[#bench.threads + 1] = thread
end

-- Non-2xx answers, counted per thread (wrk's own "errors.status" counts only 4xx and 5xx). The first few are shown,
-- status and body (an RFC 9457 problem, which never holds a personnummer), so a run with errors says what they were.
failures = 0

function bench.count(status, body)
   if status < 200 or status > 299 then
      failures = failures + 1
      if failures <= 3 then io.write("NON2XX ", status, " ", (body or ""):sub(1, 300):gsub("\n", " "), "\n") end
   end
end

-- A pause (ms) before each request of a connection: wrk has no fixed request rate (wrk2 is not in Debian), so a paced
-- run is a closed loop with think time, each connection sending about 1000 / (delay + latency) requests a second.
local pause = tonumber(bench.env("BENCH_DELAY_MS", "0"))
if pause > 0 then
   function delay() return pause end
end

-- One line for scripts/bench: rate, non-2xx answers, socket errors and latency percentiles (ms).
function done(summary, latency, requests)
   local non2xx = 0
   for _, thread in ipairs(bench.threads) do non2xx = non2xx + thread:get("failures") end
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      'BENCH {"requests":%d,"seconds":%.3f,"rate":%.1f,"non2xx":%d,"socketErrors":%d,' ..
      '"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f}\n',
      summary.requests, seconds, summary.requests / seconds, non2xx, e.connect + e.read + e.write + e.timeout,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
