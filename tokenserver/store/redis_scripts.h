// The Lua scripts RedisStore runs. Redis executes a script atomically (no other command runs
// in between), which is what makes single use and rotation hold across replicas.
// Times are unix seconds from the calling token server; TTLs are absolute (EXPIREAT) where
// they end with a grant or family.
#ifndef NAUTHERA_TOKENSERVER_STORE_REDIS_SCRIPTS_H_
#define NAUTHERA_TOKENSERVER_STORE_REDIS_SCRIPTS_H_

namespace nauthera {
namespace redis_scripts {

// KEYS: code. ARGV: grant JSON, expires_at, delete_at. 1 stored, 0 collision.
inline constexpr char kPutCode[] = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'g', ARGV[1], 'exp', ARGV[2], 'spent', '0')
redis.call('EXPIREAT', KEYS[1], ARGV[3])
return 1
)lua";

// KEYS: code. ARGV: now, presenting client id. {1, grant} first use; {2, grant id} spent;
// {0} unknown; {3} expired; {4} issued to another client (checked first, changes nothing).
inline constexpr char kConsumeCode[] = R"lua(
local v = redis.call('HMGET', KEYS[1], 'g', 'exp', 'spent', 'fam')
if not v[1] then return {0} end
local ok, grant = pcall(cjson.decode, v[1])
if not ok or type(grant) ~= 'table' or grant['client_id'] ~= ARGV[2] then return {4} end
if v[3] == '1' then return {2, v[4] or ''} end
if tonumber(v[2]) <= tonumber(ARGV[1]) then return {3} end
redis.call('HSET', KEYS[1], 'spent', '1')
return {1, v[1]}
)lua";

// KEYS: code. ARGV: family id.
inline constexpr char kLinkCode[] = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'fam', ARGV[1]) end
return 1
)lua";

// KEYS: family, token index, revoked grant. ARGV: family JSON, token hash, expires_at,
// family id. 1 created, 0 collision, -1 the grant was revoked first.
inline constexpr char kCreateFamily[] = R"lua(
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'f', ARGV[1], 'cur', ARGV[2], 'exp', ARGV[3], 'revoked', '0')
redis.call('EXPIREAT', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], ARGV[4])
redis.call('EXPIREAT', KEYS[2], ARGV[3])
return 1
)lua";

// KEYS: token index. ARGV: token hash, now, grace seconds, key prefix.
// {0} unknown/expired/revoked; {1, family, current} current; {2, family, current, response}
// grace replay; {3, family, current} reuse.
inline constexpr char kLookupRefresh[] = R"lua(
local fid = redis.call('GET', KEYS[1])
if not fid then return {0} end
local now = tonumber(ARGV[2])
local v = redis.call('HMGET', ARGV[4] .. 'fam:' .. fid,
                     'f', 'cur', 'prev', 'prev_at', 'revoked', 'exp')
if not v[1] or v[5] == '1' or tonumber(v[6]) <= now then return {0} end
if ARGV[1] == v[2] then return {1, v[1], v[2]} end
if v[3] and ARGV[1] == v[3] and now - tonumber(v[4]) <= tonumber(ARGV[3]) then
  local response = redis.call('GET', ARGV[4] .. 'grace:' .. fid)
  if response then return {2, v[1], v[2], response} end
end
return {3, v[1], v[2]}
)lua";

// KEYS: family, new token index, grace. ARGV: expected current hash, new hash, response, now,
// family id, grace TTL. 1 rotated; 0 no such (or revoked) family; -1 rotated by another.
inline constexpr char kRotateRefresh[] = R"lua(
local v = redis.call('HMGET', KEYS[1], 'cur', 'revoked', 'exp')
if not v[1] or v[2] == '1' then return 0 end
if v[1] ~= ARGV[1] then return -1 end
redis.call('HSET', KEYS[1], 'prev', ARGV[1], 'prev_at', ARGV[4], 'cur', ARGV[2])
redis.call('SET', KEYS[2], ARGV[5])
redis.call('EXPIREAT', KEYS[2], v[3])
redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[6])
return 1
)lua";

// KEYS: family, grace.
inline constexpr char kRevokeFamily[] = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'revoked', '1') end
redis.call('DEL', KEYS[2])
return 1
)lua";

// KEYS: family, grace, revoked grant. ARGV: remember_until. The family (if any) is revoked
// and the grant id remembered until remember_until (never shortened by a later call).
inline constexpr char kRevokeGrant[] = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'revoked', '1') end
redis.call('DEL', KEYS[2])
local till = tonumber(ARGV[1])
local old = tonumber(redis.call('GET', KEYS[3]) or '0')
if old > till then till = old end
redis.call('SET', KEYS[3], tostring(till))
redis.call('EXPIREAT', KEYS[3], till)
return 1
)lua";

// KEYS: revoked grant. ARGV: now. 1 revoked, 0 not.
inline constexpr char kGrantRevoked[] = R"lua(
local till = tonumber(redis.call('GET', KEYS[1]) or '0')
if till > tonumber(ARGV[1]) then return 1 end
return 0
)lua";

// KEYS: attempt records. ARGV: now, forget_after. Flat {failures, last_failure, ...}.
inline constexpr char kGetAttempts[] = R"lua(
local out = {}
for _, k in ipairs(KEYS) do
  local v = redis.call('HMGET', k, 'n', 'last')
  local n = tonumber(v[1] or '0')
  local last = tonumber(v[2] or '0')
  if n > 0 and tonumber(ARGV[1]) - last >= tonumber(ARGV[2]) then n = 0; last = 0 end
  out[#out + 1] = n
  out[#out + 1] = last
end
return out
)lua";

// KEYS: attempt records. ARGV: now, max_delay, forget_after, then each key's free failures.
// The check and the count in one script (Redis runs it atomically): 0 and one more failure
// on every key, or the longest wait and nothing counted. The wait is AttemptWait
// (attempt_counter.cc): 2 s after the last failure over the free ones, doubling, capped.
inline constexpr char kReserveAttempt[] = R"lua(
local now = tonumber(ARGV[1])
local max_delay = tonumber(ARGV[2])
local forget = tonumber(ARGV[3])
local counts = {}
local wait = 0
for i, k in ipairs(KEYS) do
  local v = redis.call('HMGET', k, 'n', 'last')
  local n = tonumber(v[1] or '0')
  local last = tonumber(v[2] or '0')
  if now - last >= forget then n = 0 end
  counts[i] = n
  local free = tonumber(ARGV[3 + i])
  if n >= free then
    local delay = math.min(2 * 2 ^ math.min(n - free, 20), max_delay)
    wait = math.max(wait, last + delay - now)
  end
end
if wait > 0 then return wait end
for i, k in ipairs(KEYS) do
  redis.call('HSET', k, 'n', counts[i] + 1, 'last', now)
  redis.call('EXPIRE', k, forget)
end
return 0
)lua";

// KEYS: the records to clear, then those to refund one failure. ARGV: how many to clear.
inline constexpr char kReleaseAttempt[] = R"lua(
local clear = tonumber(ARGV[1])
for i, k in ipairs(KEYS) do
  if i <= clear then
    redis.call('DEL', k)
  elseif redis.call('EXISTS', k) == 1 and redis.call('HINCRBY', k, 'n', -1) <= 0 then
    redis.call('DEL', k)
  end
end
return 1
)lua";

}  // namespace redis_scripts
}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STORE_REDIS_SCRIPTS_H_
