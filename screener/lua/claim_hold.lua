-- Claim an open hold for one officer, or renew the claim they already have, so two
-- officers never work the same hold. The claim expires by itself (a closed browser must
-- not keep a hold out of the queue).
-- KEYS: 1 claim hash, 2 hold hash
-- ARGV: 1 officer, 2 claimed_at RFC 3339, 3 expires_at RFC 3339, 4 TTL milliseconds,
--       5 "1" to take the claim over from another officer (a supervisor), else "0"
-- Returns {1, previous officer or ""} when the caller holds the claim now;
-- {0, other officer} when someone else holds it; {-1, ""} when the hold does not exist;
-- {-2, status} when the hold is no longer open.
local status = redis.call('HGET', KEYS[2], 'status')
if not status then
  return {-1, ''}
end
if status ~= 'held' then
  return {-2, status}
end
local by = redis.call('HGET', KEYS[1], 'by')
if by and by ~= ARGV[1] and ARGV[5] ~= '1' then
  return {0, by}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'by', ARGV[1], 'at', ARGV[2], 'expires_at', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, by or ''}
