-- Apply a settlement of a held loan (screener/domain/loan_release.py) if the hold is still
-- held and nobody settled it since the caller read it: the decision is made in Python on
-- what was read, and this guard makes it count only if it is still true, so a release or a
-- cancellation happens once, whichever worker, timer or redelivery gets there first.
-- KEYS: 1 hold hash, 2 open holds zset, 3 timed holds zset, 4 outbox hash, 5 outbox due zset,
--       6 audit stream
-- ARGV: 1 hold_id, 2 expected release_version, 3 fields to set as a JSON object,
--       4 new status or "" to stay held, 5 changed_at RFC 3339, 6 changed_at epoch seconds,
--       7 note, 8 "1" to take the hold off the timed set, 9 audit stream max length,
--       10 seconds a closed hold is kept (redis_keys.CLOSED_HOLD_KEEP_SECONDS)
-- Returns {1, record JSON} when the status changed; {2, ""} when only fields changed;
--         {0, current status or ""} when the hold is gone, not held, or settled meanwhile.
local current = redis.call('HGET', KEYS[1], 'status')
if not current then
  return {0, ''}
end
local version = redis.call('HGET', KEYS[1], 'release_version') or '0'
if current ~= 'held' or version ~= ARGV[2] then
  return {0, current}
end
local fields = cjson.decode(ARGV[3])
local flat = {}
for name, value in pairs(fields) do
  flat[#flat + 1] = name
  flat[#flat + 1] = tostring(value)
end
if #flat > 0 then
  redis.call('HSET', KEYS[1], unpack(flat))
end
redis.call('HINCRBY', KEYS[1], 'release_version', 1)
if ARGV[8] == '1' or ARGV[4] ~= '' then
  redis.call('ZREM', KEYS[3], ARGV[1])
end
if ARGV[4] == '' then
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[9], '*',
    'hold_id', ARGV[1], 'action', 'progress', 'from', current, 'to', current,
    'by', 'screener', 'at', ARGV[5], 'note', ARGV[7])
  return {2, ''}
end
redis.call('HSET', KEYS[1], 'status', ARGV[4], 'resolved_at', ARGV[5],
  'resolved_by', 'screener', 'note', ARGV[7])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[10])  -- closed: archived on screener.holds
local record = cjson.encode({
  hold_id = ARGV[1], status = ARGV[4], previous_status = current,
  changed_at = ARGV[5], changed_by = 'screener', note = ARGV[7]
})
-- The change waits in the outbox until it is on Kafka, as every status change does.
local outbox_field = ARGV[1] .. '|' .. ARGV[4]
redis.call('HSET', KEYS[4], outbox_field, record)
redis.call('ZADD', KEYS[5], ARGV[6], outbox_field)
redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[9], '*',
  'hold_id', ARGV[1], 'action', 'status', 'from', current, 'to', ARGV[4],
  'by', 'screener', 'at', ARGV[5], 'note', ARGV[7])
return {1, record}
