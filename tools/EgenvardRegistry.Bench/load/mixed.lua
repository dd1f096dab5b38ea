-- wrk: the soak's mixed traffic, per 20 requests 14 verifications, 4 reads of a certificate (school), 1 issue and 1
-- renewal (clinician of the bench care unit). A renewal replaces its certificate, so each thread renews its own share
-- of the bench certificates and then the renewals it got back, never one twice; the warm-up and the run (two wrk
-- processes) take disjoint shares (BENCH_SLICE of BENCH_SLICES). Issued certificates are for new children whose birth
-- serials (900–999) the generator never uses.
-- Environment: BENCH_LUA_DIR, BENCH_CHILDREN, BENCH_CERTIFICATES, BENCH_SCHOOL_TOKEN, BENCH_CLINICIAN_TOKEN,
-- BENCH_CARE_UNIT, BENCH_SCHOOL_UNIT, BENCH_TODAY, BENCH_UNTIL, BENCH_FOLLOW_UP, BENCH_DELAY_MS, BENCH_THREADS,
-- BENCH_SLICE, BENCH_SLICES.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local bodies = bench.verification_bodies()
local school = { ["Authorization"] = "Bearer " .. bench.env("BENCH_SCHOOL_TOKEN"), ["Content-Type"] = "application/json" }
local clinician = { ["Authorization"] = "Bearer " .. bench.env("BENCH_CLINICIAN_TOKEN"), ["Content-Type"] = "application/json" }
local today, until_date, follow_up = bench.env("BENCH_TODAY"), bench.env("BENCH_UNTIL"), bench.env("BENCH_FOLLOW_UP")
local renewal_body = '{"validFrom":"' .. today .. '","validUntil":"' .. until_date .. '","followUpOn":"' .. follow_up .. '"}'

local certificates = {}   -- every bench certificate, for reads
local renewable = {}      -- this thread's queue of certificates to renew
local step, position, issued = 0, 0, 0

local function luhn(nine)
   local sum = 0
   for i = 1, 9 do
      local product = tonumber(nine:sub(i, i)) * (i % 2 == 1 and 2 or 1)
      sum = sum + math.floor(product / 10) + product % 10
   end
   return (10 - sum % 10) % 10
end

-- A valid personnummer for the n-th child this thread issues: born 2010–2024, birth serial 900 + 50 × thread + n / 5479.
local function new_child(n)
   local born = os.date("*t", os.time({ year = 2010, month = 1, day = 1, hour = 12 }) + (n % 5479) * 86400)
   local serial = 900 + thread_number * 50 + math.floor(n / 5479)
   local nine = string.format("%02d%02d%02d%03d", born.year % 100, born.month, born.day, serial)
   return string.format("%04d%02d%02d%03d%d", born.year, born.month, born.day, serial, luhn(nine))
end

local function issue_body(personnummer)
   return '{"child":{"personnummer":"' .. personnummer .. '","name":"Soak Testsson"},' ..
      '"guardians":[{"personnummer":"19700101' .. string.format("%03d", 990 + thread_number) .. tostring(luhn(string.format("700101%03d", 990 + thread_number))) ..
      '","name":"Vera Testsson","email":"soak.' .. thread_number .. '@example.se"}],' ..
      '"measures":[{"code":"insulin","performer":"child-with-staff","instructions":"Insulinpenna före lunch enligt dosschema.",' ..
      '"ifHarm":"Vid känning: ge druvsocker, ring vårdnadshavare; vid medvetslöshet ring 112.",' ..
      '"ifChanged":"Kontakta diabetesmottagningen."}],' ..
      '"instructionGivenBy":"Diabetessköterska instruerar personal på plats.",' ..
      '"validFrom":"' .. today .. '","validUntil":"' .. until_date .. '","followUpOn":"' .. follow_up .. '",' ..
      '"careUnit":{"hsaId":"' .. bench.env("BENCH_CARE_UNIT") .. '","name":"Barndiabetesmottagningen Benchstad","phone":"021-17 30 00"},' ..
      '"sharedWith":["' .. bench.env("BENCH_SCHOOL_UNIT") .. '"]}'
end

function init(args)
   local threads = tonumber(bench.env("BENCH_THREADS"))
   local slice, slices = tonumber(bench.env("BENCH_SLICE", "0")), tonumber(bench.env("BENCH_SLICES", "1"))
   local n = 0
   for line in io.lines(bench.env("BENCH_CERTIFICATES")) do
      if line ~= "" then
         certificates[#certificates + 1] = line
         if n % (threads * slices) == slice * threads + thread_number then renewable[#renewable + 1] = line end
         n = n + 1
      end
   end
   position = (thread_number * 7919) % #bodies
end

function request()
   step = step % 20 + 1
   if step == 10 then
      issued = issued + 1
      return wrk.format("POST", "/api/certificates", clinician, issue_body(new_child(issued)))
   elseif step == 20 and #renewable > 0 then
      local id = table.remove(renewable, 1)
      return wrk.format("POST", "/api/certificates/" .. id .. "/renewals", clinician, renewal_body)
   elseif step % 5 == 0 then
      local id = certificates[(step * 31 + position) % #certificates + 1]
      return wrk.format("GET", "/api/certificates/" .. id, school, nil)
   end
   position = position % #bodies + 1
   return wrk.format("POST", "/api/verifications", school, bodies[position])
end

function response(status, headers, body)
   bench.count(status, body)
   -- A renewal's answer names what it replaces: renew the new certificate next time round.
   if status == 201 and body:find('"replaces":"', 1, true) then
      local id = body:match('"id":"([0-9a-f%-]+)"')
      if id then renewable[#renewable + 1] = id end
   end
end
