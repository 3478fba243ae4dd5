-- wrk script: one track event per request, the user drawn from USERS (env WRK_USERS, default 1000),
-- each request with its own messageId so none is a duplicate.
local key = os.getenv("WRK_KEY") or "sk"
local users = tonumber(os.getenv("WRK_USERS") or "1000")
local event = os.getenv("WRK_EVENT") or "Bench Tracked"
local counter = 0
-- Each wrk thread has its own Lua state: seed it apart so the threads' messageIds never collide.
math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
local tag = tostring(math.random(1, 1e9))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
request = function()
  counter = counter + 1
  local body = string.format('{"userId":"u-%d","event":"%s","properties":{"plan":"pro","price":%d},"messageId":"%s-%d"}',
    math.random(0, users - 1), event, counter % 100, tag, counter)
  return wrk.format(nil, "/api/v1/track", nil, body)
end
