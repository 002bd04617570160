-- wrk script for bench/ingest: POST /v2/notifications/email with GC Notify's static
-- `Authorization: ApiKey-v1 <key>` header, counting response statuses per thread.
--
-- Environment (set by bench/ingest/run):
--   CARILLON_API_KEY      the demo's live key (gcntfy-…)
--   CARILLON_TEMPLATE_ID  the demo's email template id
--   CARILLON_IDS_OUT      optional: file to write the id of every 201 answer to (one per line),
--                         for the per-id durability check; costs the load generator some CPU
--
-- done() prints, after wrk's own summary, machine-readable lines for bench/ingest/run:
--   requests <n> / duration_us <n> / errors connect=… read=… write=… status=… timeout=…
--   latency_us p50=… p90=… p99=… p99.9=… max=…
--   status <code> <count>   (one line per HTTP status seen)
--   ids_written <n>         (when CARILLON_IDS_OUT is set)

local key = os.getenv("CARILLON_API_KEY") or error("CARILLON_API_KEY is not set")
local template = os.getenv("CARILLON_TEMPLATE_ID") or error("CARILLON_TEMPLATE_ID is not set")
local ids_out = os.getenv("CARILLON_IDS_OUT")
if ids_out == "" then
  ids_out = nil
end

wrk.method = "POST"
wrk.path = "/v2/notifications/email"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "ApiKey-v1 " .. key
wrk.body = '{"email_address":"bench@example.gc.ca","template_id":"' .. template ..
  '","personalisation":{"name":"Bench"}}'

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- Per-thread state (each wrk thread has its own Lua state).
statuses = {}
ids = {}
collect_ids = ids_out ~= nil

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if collect_ids and status == 201 then
    -- The notification id is the first "id" of the answer ("content" has none).
    local id = body:match('"id":"([0-9a-f%-]+)"')
    if id then
      ids[#ids + 1] = id
    end
  end
end

function done(summary, latency, requests)
  local totals = {}
  local out = ids_out and assert(io.open(ids_out, "w"))
  local written = 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
    if out then
      for _, id in ipairs(thread:get("ids")) do
        out:write(id, "\n")
        written = written + 1
      end
    end
  end
  if out then
    out:close()
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
  if out then
    io.write(string.format("ids_written %d\n", written))
  end
end
