import { createHash } from 'node:crypto';

/**
 * The Lua scripts behind every store operation. Each script touches exactly one session hash
 * (KEYS[1]) so it runs in one Redis Cluster slot; on a standalone server it also reads the global
 * epoch key (KEYS[2]) in the same atomic call, so a read or a write is one round trip.
 *
 * Epoch argument (ARGV[1]) shared by every script:
 * - `''`  read the epoch from KEYS[2] (standalone: atomic with the rest of the script);
 * - `'*'` do not check, return the record's epoch so the caller compares it with the epoch it
 *         read in parallel (cluster reads: the epoch key lives in another slot);
 * - a number: the epoch the caller read just before (cluster writes and bulk operations).
 *
 * A record is live only when its `e` field equals the current epoch: older records were revoked
 * by `revokeAll`, and newer ones can only exist if the epoch key was lost (eviction, failover
 * without persistence), in which case failing closed beats resurrecting revoked sessions.
 */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

const PRELUDE = `
local function current_epoch()
  if ARGV[1] == '' then return redis.call('GET', KEYS[2]) or '0' end
  if ARGV[1] == '*' then return false end
  return ARGV[1]
end
-- The key outlives expiresAt by a grace period and is never set to expire in the past, so an
-- expired record stays until purgeExpired (or Redis) removes it; the core re-checks expiry anyway.
local function ttl_deadline(expires_at, grace)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  -- Clamped to year 9999: PEXPIREAT rejects absurd deadlines, and an import may carry one.
  local deadline = math.max(math.floor(tonumber(expires_at)), now) + tonumber(grace)
  return string.format('%d', math.min(deadline, 253402300799000))
end
-- One HSET for many field/value pairs (list[first..last]), in chunks of 500 pairs: each Lua
-- redis.call costs Redis CPU, and unpack() has a stack limit.
local function hset_pairs(key, list, first, last)
  local i = first
  while i < last do
    local stop = math.min(i + 999, last)
    redis.call('HSET', key, unpack(list, i, stop))
    i = stop + 1
  end
end
`;

function script(name: string, body: string): LuaScript {
  const source = PRELUDE + body;
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * create / import. KEYS: session, [epoch], [user index].
 * ARGV: epoch, 'create'|'replace', expiresAt, grace ms, id, then hash field/value pairs.
 * Returns 1 when written, 0 when `create` met a live record with that id.
 */
export const WRITE_SCRIPT = script(
  'write',
  `
local epoch = current_epoch()
if redis.call('EXISTS', KEYS[1]) == 1 then
  if ARGV[2] == 'create' and redis.call('HGET', KEYS[1], 'e') == epoch then return 0 end
  redis.call('DEL', KEYS[1])
end
redis.call('HSET', KEYS[1], 'e', epoch)
hset_pairs(KEYS[1], ARGV, 6, #ARGV)
redis.call('PEXPIREAT', KEYS[1], ttl_deadline(ARGV[3], ARGV[4]))
if KEYS[3] then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[5]) end
return 1
`,
);

/** get. KEYS: session, [epoch]. ARGV: epoch. Returns HGETALL, or an empty list when absent/revoked. */
export const READ_SCRIPT = script(
  'read',
  `
local epoch = current_epoch()
local h = redis.call('HGETALL', KEYS[1])
if epoch and #h > 0 and redis.call('HGET', KEYS[1], 'e') ~= epoch then return {} end
return h
`,
);

/**
 * patch. KEYS: session, [epoch].
 * ARGV: epoch, lastSeenAt|'', expiresAt|'', grace ms, #expect, #unset, then expect triples
 * (field, '1' value | '0' absent, value), unset fields, set field/value pairs.
 * Returns {status, record epoch}. Never creates the key: the existence check is in the script.
 */
export const PATCH_SCRIPT = script(
  'patch',
  `
local epoch = current_epoch()
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', ''} end
local e = redis.call('HGET', KEYS[1], 'e') or ''
if epoch and e ~= epoch then return {'missing', e} end
local i = 7
for _ = 1, tonumber(ARGV[5]) do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if ARGV[i + 1] == '1' then
    if current ~= ARGV[i + 2] then return {'conflict', e} end
  elseif current then
    return {'conflict', e}
  end
  i = i + 3
end
for _ = 1, tonumber(ARGV[6]) do
  redis.call('HDEL', KEYS[1], ARGV[i])
  i = i + 1
end
local writes = {}
while i < #ARGV do
  writes[#writes + 1] = ARGV[i]
  writes[#writes + 1] = ARGV[i + 1]
  i = i + 2
end
if ARGV[2] ~= '' then
  writes[#writes + 1] = 'l'
  writes[#writes + 1] = ARGV[2]
end
if ARGV[3] ~= '' then
  writes[#writes + 1] = 't'
  writes[#writes + 1] = ARGV[3]
end
hset_pairs(KEYS[1], writes, 1, #writes)
if ARGV[3] ~= '' then redis.call('PEXPIREAT', KEYS[1], ttl_deadline(ARGV[3], ARGV[4])) end
return {'ok', e}
`,
);

/**
 * purge one candidate. KEYS: session, [epoch]. ARGV: epoch (never '*'), now.
 * Deletes the record when expiresAt <= now or when it is older than the epoch (revoked);
 * never deletes a record newer than the epoch the caller read (a revokeAll raced the purge).
 */
export const PURGE_SCRIPT = script(
  'purge',
  `
local epoch = tonumber(current_epoch())
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local t = tonumber(redis.call('HGET', KEYS[1], 't'))
local e = tonumber(redis.call('HGET', KEYS[1], 'e')) or -1
if t == nil or t <= tonumber(ARGV[2]) or e < epoch then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`,
);

/**
 * destroy one record of a user. KEYS: session, [epoch]. ARGV: epoch (never '*'), userId.
 * Returns 1 (deleted a live record), 0 (deleted a revoked one) or -1 (absent or another user's).
 */
export const DESTROY_FOR_USER_SCRIPT = script(
  'destroy-for-user',
  `
local epoch = current_epoch()
if redis.call('HGET', KEYS[1], 'u') ~= ARGV[2] then return -1 end
local live = redis.call('HGET', KEYS[1], 'e') == epoch
redis.call('DEL', KEYS[1])
if live then return 1 end
return 0
`,
);
