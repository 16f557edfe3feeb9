-- The safety cap's counts for a batch, in one command: the buckets of its window and
-- baseline (screener/domain/safety_cap.py).
-- KEYS: the bucket hashes (field -> count).
-- Returns, per bucket that has counts, its index in KEYS and its fields and counts, flat.
local result = {}
for i, key in ipairs(KEYS) do
  local counts = redis.call('HGETALL', key)
  if #counts > 0 then
    result[#result + 1] = i
    result[#result + 1] = counts
  end
end
return result
