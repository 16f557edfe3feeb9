-- Add account flows (one member per transfer, so a redelivery adds nothing), trim each
-- set to the retention window and size, and refresh its expiry: one command per batch.
-- KEYS: the accounts' flow sorted sets.
-- ARGV: 1 most flows kept per set, 2 expiry in seconds, then per key: its number of new
--       flows n, the exclusive lower bound of scores kept (e.g. "(1762740800.5"), the
--       exclusive upper bound (flows more than a window ahead of the newest new one cannot
--       be real: left by a far-future event before the boundary checked event time), and
--       n pairs of score and member.
local max_flows = tonumber(ARGV[1])
local expiry = ARGV[2]
local at = 3
for _, key in ipairs(KEYS) do
  local n = tonumber(ARGV[at])
  local keep_above = ARGV[at + 1]
  local keep_below = ARGV[at + 2]
  at = at + 3
  for _ = 1, n do
    redis.call('ZADD', key, ARGV[at], ARGV[at + 1])
    at = at + 2
  end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', keep_above)
  redis.call('ZREMRANGEBYSCORE', key, keep_below, '+inf')
  redis.call('ZREMRANGEBYRANK', key, 0, -max_flows - 1)
  redis.call('EXPIRE', key, expiry)
end
return #KEYS
