-- SET many keys, each with its own expiry: one command for the hundreds of plain writes
-- a batch makes (decisions, customer histories), instead of one command per key.
-- KEYS: the keys. ARGV: per key, its value then its expiry in seconds.
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[2 * i - 1], 'EX', ARGV[2 * i])
end
return #KEYS
