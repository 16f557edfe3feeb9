-- Copy sealed audit records from a slot's pending hash to the views, the outbox and the
-- heads' index (all in the `{review}` slot of a Redis Cluster), at most once each.
-- KEYS: 1 heads hash, 2 recent log stream, 3 outbox hash, 4 outbox due zset, 5.. views
-- ARGV: 1 JSON list, in each chain's order, of {chain, seq, head, text, field, due, minid,
--       views}
-- A record whose sequence number the heads' index already has was copied before (by a
-- step, or by a recovery): skipped. Returns how many were copied.
local items = cjson.decode(ARGV[1])
local copied = 0
for _, item in ipairs(items) do
  local head = redis.call('HGET', KEYS[1], item.chain)
  local seq = 0
  if head then seq = tonumber(string.match(head, '^(%d+)')) end
  if item.seq > seq then
    for _, view in ipairs(item.views) do
      redis.call('XADD', view, '*', 'record', item.text)
    end
    redis.call('XADD', KEYS[2], 'MINID', item.minid, '*', 'record', item.text)
    redis.call('HSET', KEYS[3], item.field, item.text)
    redis.call('ZADD', KEYS[4], item.due, item.field)
    redis.call('HSET', KEYS[1], item.chain, item.head)
    copied = copied + 1
  end
end
return copied
