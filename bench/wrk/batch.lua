-- wrk script: /batch of BATCH (env WRK_BATCH, default 100) track events, unique messageIds.
local key = os.getenv("WRK_KEY") or "sk"
local users = tonumber(os.getenv("WRK_USERS") or "1000")
local size = tonumber(os.getenv("WRK_BATCH") or "100")
local event = os.getenv("WRK_EVENT") or "Bench Tracked"
local counter = 0
-- Each wrk thread has its own Lua state: seed it apart so the threads' messageIds never collide.
math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
local tag = tostring(math.random(1, 1e9))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
request = function()
  local parts = {}
  for i = 1, size do
    counter = counter + 1
    parts[i] = string.format('{"type":"track","userId":"u-%d","event":"%s","properties":{"price":%d},"messageId":"%s-%d"}',
      math.random(0, users - 1), event, counter % 100, tag, counter)
  end
  return wrk.format(nil, "/api/v1/batch", nil, '{"batch":[' .. table.concat(parts, ",") .. ']}')
end
