-- Move a hold from one status to another, atomically, at most once.
-- Only the caller that makes the change gets the status-change record back, so a timed
-- release is published once even when two workers see the same expired hold.
-- KEYS: 1 hold hash, 2 open holds zset, 3 timed holds zset, 4 outbox hash, 5 outbox due zset,
--       6 audit stream
-- ARGV: 1 hold_id, 2 allowed current statuses separated by commas, 3 new status,
--       4 changed_at RFC 3339, 5 changed_at epoch seconds, 6 changed_by, 7 note,
--       8 audit stream max length, 9 seconds a hold that is no longer open is kept
-- Returns {1, record JSON} when changed; {0, current status or ""} when not.
local current = redis.call('HGET', KEYS[1], 'status')
if not current then
  return {0, ''}
end
local allowed = false
for status in string.gmatch(ARGV[2], '[^,]+') do
  if status == current then allowed = true end
end
if not allowed then
  return {0, current}
end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'resolved_at', ARGV[4],
  'resolved_by', ARGV[6], 'note', ARGV[7])
if ARGV[3] ~= 'held' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[9])
else
  redis.call('PERSIST', KEYS[1])
end
local record = cjson.encode({
  hold_id = ARGV[1], status = ARGV[3], previous_status = current,
  changed_at = ARGV[4], changed_by = ARGV[6], note = ARGV[7]
})
local outbox_field = ARGV[1] .. '|' .. ARGV[3]
redis.call('HSET', KEYS[4], outbox_field, record)
redis.call('ZADD', KEYS[5], ARGV[5], outbox_field)
redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[8], '*',
  'hold_id', ARGV[1], 'action', 'status', 'from', current, 'to', ARGV[3],
  'by', ARGV[6], 'at', ARGV[4], 'note', ARGV[7])
return {1, record}
