-- Give a claim back: only its holder may, unless forced (a supervisor, or the hold was
-- resolved). Checking and deleting in one step keeps an expired claim that another officer
-- has since taken from being deleted by the first one.
-- KEYS: 1 claim hash
-- ARGV: 1 officer, 2 "1" to force, else "0"
-- Returns {1, holder} when deleted, {0, ""} when there was no claim,
-- {-1, holder} when another officer holds it.
local by = redis.call('HGET', KEYS[1], 'by')
if not by then
  return {0, ''}
end
if by ~= ARGV[1] and ARGV[2] ~= '1' then
  return {-1, by}
end
redis.call('DEL', KEYS[1])
return {1, by}
