-- Create a hold once. Redelivery of the same event finds the hold and changes nothing,
-- so a hold is never written twice, even when two workers race.
-- KEYS: 1 hold hash, 2 open holds zset, 3 timed holds zset, 4 outbox hash, 5 outbox due zset,
--       6 audit stream
-- ARGV: 1 hold_id, 2 hash fields as a JSON object, 3 status (held|blocked),
--       4 created_at epoch seconds, 5 hold_until epoch seconds or "", 6 status-change record
--       JSON, 7 changed_at RFC 3339, 8 audit stream max length, 9 seconds a hold that is not
--       open (blocked) is kept
-- Returns 1 when created, 0 when the hold already existed.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local fields = cjson.decode(ARGV[2])
local flat = {}
for name, value in pairs(fields) do
  flat[#flat + 1] = name
  flat[#flat + 1] = tostring(value)
end
redis.call('HSET', KEYS[1], unpack(flat))
if ARGV[3] == 'held' then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
  if ARGV[5] ~= '' then
    redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
  end
else
  redis.call('EXPIRE', KEYS[1], ARGV[9])
end
-- The change waits in the outbox until it is on Kafka: a crash before that republishes it.
local outbox_field = ARGV[1] .. '|' .. ARGV[3]
redis.call('HSET', KEYS[4], outbox_field, ARGV[6])
redis.call('ZADD', KEYS[5], ARGV[4], outbox_field)
redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[8], '*',
  'hold_id', ARGV[1], 'action', 'create', 'from', '', 'to', ARGV[3],
  'by', 'screener', 'at', ARGV[7], 'note', '')
return 1
