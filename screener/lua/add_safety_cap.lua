-- Add a batch's decisions to the safety cap's shared counts, one command per batch.
-- KEYS: the bucket hashes the batch counted in.
-- ARGV: per key: its expiry in seconds, its number of fields n, and n pairs of field and
--       increment.
local at = 1
for _, key in ipairs(KEYS) do
  local expiry = ARGV[at]
  local n = tonumber(ARGV[at + 1])
  at = at + 2
  for _ = 1, n do
    redis.call('HINCRBY', key, ARGV[at], ARGV[at + 1])
    at = at + 2
  end
  redis.call('EXPIRE', key, expiry)
end
return #KEYS
