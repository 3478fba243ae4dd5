-- wrk script: /decide for a user drawn from USERS (env WRK_USERS, default 1000), two placements.
local key = os.getenv("WRK_KEY") or "sk"
local users = tonumber(os.getenv("WRK_USERS") or "1000")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
request = function()
  local body = string.format('{"userId":"u-%d","placements":["bench-home","bench-none"]}', math.random(0, users - 1))
  return wrk.format(nil, "/api/v1/decide", nil, body)
end
