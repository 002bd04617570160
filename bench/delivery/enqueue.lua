-- wrk script for bench/delivery: queues notifications through the API, each wrk thread
-- stopping once it has had its share of 201 answers (so the run queues a known number).
--
-- Environment (set by bench/delivery/run):
--   CARILLON_API_KEY        the demo's live key (gcntfy-…)
--   CARILLON_TEMPLATE_ID    the demo's email template id
--   CARILLON_PER_THREAD     201 answers each thread waits for before it stops
--
-- done() prints `status <code> <count>` lines after wrk's own summary.

local key = os.getenv("CARILLON_API_KEY") or error("CARILLON_API_KEY is not set")
local template = os.getenv("CARILLON_TEMPLATE_ID") or error("CARILLON_TEMPLATE_ID is not set")
local per_thread = tonumber(os.getenv("CARILLON_PER_THREAD") or error("CARILLON_PER_THREAD is not set"))

wrk.method = "POST"
wrk.path = "/v2/notifications/email"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "ApiKey-v1 " .. key
wrk.body = '{"email_address":"bench@example.gc.ca","template_id":"' .. template ..
  '","personalisation":{"name":"Bench"},"reference":"drain"}'

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

statuses = {}
accepted = 0

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then
    accepted = accepted + 1
    if accepted >= per_thread then
      wrk.thread:stop()
    end
  end
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  for status, count in pairs(totals) do
    io.write(string.format("status %d %d\n", status, count))
  end
end
