-- What a batch needs to know of its accounts, in one command instead of four per account.
-- KEYS: per account, 4 keys: details hash, block key, inbound flows, outbound flows.
-- ARGV: per account, "1" to read its flows, "0" for its details and block flag only.
-- Returns per account: {opened_at or nil, holder_id or nil, 1 if blocked else 0,
--                       inbound members, outbound members}.
local result = {}
for i = 1, #ARGV do
  local base = (i - 1) * 4
  local details = redis.call('HMGET', KEYS[base + 1], 'opened_at', 'holder_id')
  local blocked = redis.call('EXISTS', KEYS[base + 2])
  local inbound, outbound = {}, {}
  if ARGV[i] == '1' then
    inbound = redis.call('ZRANGE', KEYS[base + 3], 0, -1)
    outbound = redis.call('ZRANGE', KEYS[base + 4], 0, -1)
  end
  result[i] = {details[1], details[2], blocked, inbound, outbound}
end
return result
