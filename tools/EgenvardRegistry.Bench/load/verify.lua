-- wrk: POST /api/verifications as the bench school unit, cycling over the unit's children (DESIGN.md's body:
-- { "personnummer", "measure" }). Environment: BENCH_LUA_DIR, BENCH_CHILDREN, BENCH_SCHOOL_TOKEN, BENCH_DELAY_MS.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local bodies = bench.verification_bodies()
local headers = {
   ["Authorization"] = "Bearer " .. bench.env("BENCH_SCHOOL_TOKEN"),
   ["Content-Type"] = "application/json",
}
local position = 0

function init(args)
   -- Threads start at different children, so two threads do not ask about the same child at the same moment.
   position = (thread_number * 7919) % #bodies
end

function request()
   position = position % #bodies + 1
   return wrk.format("POST", "/api/verifications", headers, bodies[position])
end

function response(status, headers, body)
   bench.count(status, body)
end
