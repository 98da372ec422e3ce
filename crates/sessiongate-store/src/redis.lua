-- sessiongate's Redis store: every operation is one run of this script, so it is atomic.
-- ARGV[1] names the operation (read, apply, settle), ARGV[2] is the caller's now and ARGV[3]
-- the expiry before which a counter is dropped (now - grace); both are 20-digit decimals, as is
-- every stored time, so times compare exactly as strings (Lua numbers are doubles).
-- Amounts are 64-digit lowercase hex strings (U256), added and compared here as strings.
--
-- Layout, every key under `sg:`:
--   sg:c:<key>    hash: v = committed amount, e = expiry (absent when none)
--   sg:cexp       zset of counter keys by expiry, to drop old counters
--   sg:r:<id>     hash: x = reservation expiry, e = its effects as JSON [[key, op, hex, exp], ...]
--   sg:rexp       zset of reservation ids by expiry, to prune dead reservations
--   sg:k:<key>    set of reservation ids holding an effect on the key: the view's inputs
-- Scores are doubles and only find candidates; each is checked exactly before it is dropped.

local now, drop_before = ARGV[2], ARGV[3]
local ZERO = string.rep('0', 64)
local PRUNE_BATCH = 256

local function valid(hex)
  return type(hex) == 'string' and #hex == 64 and not hex:find('[^0-9a-f]')
end

-- a + b on 16-bit digits, from the right; an error reply past 2^256-1.
local function add(key, a, b)
  local digits, carry = {}, 0
  for i = 61, 1, -4 do
    local sum = tonumber(a:sub(i, i + 3), 16) + tonumber(b:sub(i, i + 3), 16) + carry
    carry = sum >= 65536 and 1 or 0
    digits[#digits + 1] = string.format('%04x', sum % 65536)
  end
  if carry ~= 0 then
    return redis.error_reply('SGOVERFLOW ' .. key)
  end
  local out = {}
  for j = #digits, 1, -1 do
    out[#out + 1] = digits[j]
  end
  return table.concat(out)
end

-- An op ('a' adds, 's' takes the max) applied to a value; an error reply on overflow.
local function apply_op(key, value, op, hex)
  if not valid(hex) then
    return redis.error_reply('SGCORRUPT ' .. key)
  end
  if op == 'a' then
    return add(key, value, hex)
  elseif op == 's' then
    return hex > value and hex or value
  end
  return redis.error_reply('SGCORRUPT ' .. key)
end

local function failed(v)
  return type(v) == 'table' and v.err ~= nil
end

local function drop_reservation(id)
  local effects = redis.call('HGET', 'sg:r:' .. id, 'e')
  if effects then
    for _, e in ipairs(cjson.decode(effects)) do
      redis.call('SREM', 'sg:k:' .. e[1], id)
    end
  end
  redis.call('DEL', 'sg:r:' .. id)
  redis.call('ZREM', 'sg:rexp', id)
end

local function prune()
  local ids = redis.call('ZRANGEBYSCORE', 'sg:rexp', '-inf', now, 'LIMIT', 0, PRUNE_BATCH)
  for _, id in ipairs(ids) do
    local x = redis.call('HGET', 'sg:r:' .. id, 'x')
    if not x or x <= now then
      drop_reservation(id)
    end
  end
  local keys = redis.call('ZRANGEBYSCORE', 'sg:cexp', '-inf', drop_before, 'LIMIT', 0, PRUNE_BATCH)
  for _, key in ipairs(keys) do
    local e = redis.call('HGET', 'sg:c:' .. key, 'e')
    if not e or e < drop_before then
      redis.call('DEL', 'sg:c:' .. key)
      redis.call('ZREM', 'sg:cexp', key)
    end
  end
end

-- The committed amount; a counter whose expiry is long past reads as zero.
local function committed(key)
  local c = redis.call('HMGET', 'sg:c:' .. key, 'v', 'e')
  if not c[1] or (c[2] and c[2] < drop_before) then
    return ZERO
  end
  if not valid(c[1]) then
    return redis.error_reply('SGCORRUPT ' .. key)
  end
  return c[1]
end

-- The committed amount with every live reservation's effects on the key applied.
local function view(key)
  local value = committed(key)
  if failed(value) then
    return value
  end
  local ids = redis.call('SMEMBERS', 'sg:k:' .. key)
  table.sort(ids)
  for _, id in ipairs(ids) do
    local r = redis.call('HMGET', 'sg:r:' .. id, 'x', 'e')
    if r[1] and r[1] > now then
      for _, e in ipairs(cjson.decode(r[2])) do
        if e[1] == key then
          value = apply_op(key, value, e[2], e[3])
          if failed(value) then
            return value
          end
        end
      end
    end
  end
  return value
end

-- Applies effects to committed counters, all or none: every new value is computed first.
local function commit(effects)
  local after, order = {}, {}
  for _, e in ipairs(effects) do
    local key = e[1]
    local before = after[key]
    if before == nil then
      before = committed(key)
      if failed(before) then
        return before
      end
      order[#order + 1] = key
    else
      before = before[1]
    end
    local value = apply_op(key, before, e[2], e[3])
    if failed(value) then
      return value
    end
    after[key] = { value, e[4] }
  end
  for _, key in ipairs(order) do
    local value, exp = after[key][1], after[key][2]
    redis.call('HSET', 'sg:c:' .. key, 'v', value)
    if exp == '' then
      redis.call('HDEL', 'sg:c:' .. key, 'e')
      redis.call('ZREM', 'sg:cexp', key)
    else
      redis.call('HSET', 'sg:c:' .. key, 'e', exp)
      redis.call('ZADD', 'sg:cexp', exp, key)
    end
  end
  return false
end

local op = ARGV[1]
prune()

if op == 'read' then
  local out = {}
  for i = 4, #ARGV do
    local value = view(ARGV[i])
    if failed(value) then
      return value
    end
    out[#out + 1] = value
  end
  return out
end

if op == 'apply' then
  -- ARGV: 4 reads count, then (key, seen) pairs, effects count, (key, op, hex, exp) quads,
  -- then 'commit', or 'reserve' with the reservation's id and expiry.
  local i = 4
  local nreads = tonumber(ARGV[i])
  i = i + 1
  for _ = 1, nreads do
    local value = view(ARGV[i])
    if failed(value) then
      return value
    end
    if value ~= ARGV[i + 1] then
      return 'conflict'
    end
    i = i + 2
  end
  local neffects = tonumber(ARGV[i])
  i = i + 1
  local effects = {}
  for _ = 1, neffects do
    effects[#effects + 1] = { ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3] }
    i = i + 4
  end
  local id, expires_at = ARGV[i + 1], ARGV[i + 2]
  if ARGV[i] == 'commit' then
    local err = commit(effects)
    if err then
      return err
    end
    return 'done'
  end
  local x = redis.call('HGET', 'sg:r:' .. id, 'x')
  if x and x > now then
    return 'conflict'
  elseif x then
    drop_reservation(id)
  end
  redis.call('HSET', 'sg:r:' .. id, 'x', expires_at, 'e', cjson.encode(effects))
  redis.call('ZADD', 'sg:rexp', expires_at, id)
  for _, e in ipairs(effects) do
    redis.call('SADD', 'sg:k:' .. e[1], id)
  end
  return 'done'
end

if op == 'settle' then
  local id, how = ARGV[4], ARGV[5]
  local r = redis.call('HMGET', 'sg:r:' .. id, 'x', 'e')
  if not r[1] then
    return 0
  end
  if r[1] <= now then
    drop_reservation(id)
    return 0
  end
  if how == 'commit' then
    local err = commit(cjson.decode(r[2]))
    if err then
      return err
    end
  end
  drop_reservation(id)
  return 1
end

return redis.error_reply('SGCORRUPT unknown operation ' .. tostring(op))
