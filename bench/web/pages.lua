-- wrk script for bench/web: GET one signed-in page of the web app, each request as the next of
-- the signed-in accounts (their session cookies in turn) and, for a service's pages, the next
-- of that account's services. Counts response statuses per thread.
--
-- Environment (set by bench/web/run):
--   CARILLON_SESSIONS  file with one line per signed-in account:
--                      <cookie name>=<cookie value> <service id> <service id> ...
--   CARILLON_PAGE      services | home | team | keys
--
-- done() prints, after wrk's own summary, machine-readable lines for bench/web/run:
--   requests <n> / duration_us <n> / errors connect=… read=… write=… status=… timeout=…
--   latency_us p50=… p90=… p99=… p99.9=… max=…
--   status <code> <count>   (one line per HTTP status seen)

local sessions_file = os.getenv("CARILLON_SESSIONS") or error("CARILLON_SESSIONS is not set")
local page = os.getenv("CARILLON_PAGE") or error("CARILLON_PAGE is not set")

local suffixes = { services = nil, home = "", team = "/team", keys = "/api/keys" }
if page ~= "services" and suffixes[page] == nil then
  error("CARILLON_PAGE must be services, home, team or keys")
end

-- Per-thread state (each wrk thread has its own Lua state).
sessions = {}
for line in io.lines(sessions_file) do
  local cookie, rest = line:match("^(%S+)%s*(.*)$")
  if cookie then
    local services = {}
    for id in rest:gmatch("%S+") do
      services[#services + 1] = id
    end
    sessions[#sessions + 1] = { cookie = cookie, services = services }
  end
end
assert(#sessions > 0, "no sessions in " .. sessions_file)

local threads = {}
local thread_count = 0

function setup(thread)
  -- Threads start at different accounts, so two threads do not move in step.
  thread:set("next_session", thread_count * 7)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

next_session = 0
turns = 0
statuses = {}

function request()
  local s = sessions[(next_session % #sessions) + 1]
  next_session = next_session + 1
  local path = "/services"
  if page ~= "services" then
    -- Each full round of the accounts moves on to their next service.
    local service = s.services[(math.floor(turns / #sessions) % #s.services) + 1]
    path = "/services/" .. service .. suffixes[page]
  end
  turns = turns + 1
  return wrk.format("GET", path, { ["Cookie"] = s.cookie })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local e = summary.errors
  io.write(string.format("requests %d\nduration_us %d\n", summary.requests, summary.duration))
  io.write(string.format("errors connect=%d read=%d write=%d status=%d timeout=%d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
  io.write(string.format("latency_us p50=%d p90=%d p99=%d p99.9=%d max=%d\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
  local codes = {}
  for status in pairs(totals) do
    codes[#codes + 1] = status
  end
  table.sort(codes)
  for _, status in ipairs(codes) do
    io.write(string.format("status %d %d\n", status, totals[status]))
  end
end
