-- Block an account for at least `ttl` seconds without ever shortening a block already in
-- place: a permanent block (a supervisor's, an imported list) or a longer one stays as it is.
-- KEYS: 1 block key (CONTRACT §4)
-- ARGV: 1 entry JSON, 2 TTL in seconds
-- Returns {1, ""} when created, {2, previous entry} when a shorter block was replaced,
-- {0, existing entry} when the existing block was kept.
local previous = redis.call('GET', KEYS[1])
if previous then
  local ttl = redis.call('TTL', KEYS[1])
  if ttl == -1 or ttl >= tonumber(ARGV[2]) then
    return {0, previous}
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if previous then
  return {2, previous}
end
return {1, ''}
