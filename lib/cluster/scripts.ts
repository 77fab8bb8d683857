// The Lua scripts of the cluster backend: one per write (so each write is atomic on its slot, as
// one WriteBatch is in RocksDB) and the reads that must see a series at one moment. Every script
// touches only the keys of one series (KEYS: vectors hash, time index, timeline hash), all in one
// slot. Timestamps are opaque 8-byte strings here: Lua only passes them to Redis, which orders
// them byte by byte; counts come from ZCARD. No 64-bit value is ever a Lua number.
import type { Cluster } from 'ioredis';

/** Rewrites the timeline from the index: count, first and last member; deleted when empty. */
const REFRESH = `
local function refresh(kfi)
  local n = redis.call('ZCARD', KEYS[2])
  if n == 0 then
    redis.call('DEL', KEYS[3])
    return
  end
  local first = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  local last = redis.call('ZRANGE', KEYS[2], -1, -1)[1]
  local k = redis.call('HGET', KEYS[3], 'k') or kfi
  redis.call('HSET', KEYS[3], 'f', first, 'l', last, 'n', n, 'k', k)
end
`;

/** ARGV: keyframeInterval, then (timestamp, vector) pairs; later duplicates win. */
const PUT = `${REFRESH}
for j = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[j], ARGV[j + 1])
  redis.call('ZADD', KEYS[2], 0, ARGV[j])
end
refresh(ARGV[1])
return #ARGV / 2
`;

/** ARGV: timestamp. Returns 1 when a point was removed. */
const DELETE = `${REFRESH}
local r = redis.call('ZREM', KEYS[2], ARGV[1])
if r == 1 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  refresh('10')
end
return r
`;

/** ARGV: inclusive lex bounds lo, hi. Returns the number of points removed. */
const DELETE_RANGE = `${REFRESH}
local m = redis.call('ZRANGE', KEYS[2], ARGV[1], ARGV[2], 'BYLEX')
for j = 1, #m, 1000 do
  redis.call('HDEL', KEYS[1], unpack(m, j, math.min(j + 999, #m)))
end
if #m > 0 then
  redis.call('ZREMRANGEBYLEX', KEYS[2], ARGV[1], ARGV[2])
  refresh('10')
end
return #m
`;

/**
 * ARGV: first bound, second bound (already in ZRANGE's order: hi, lo when reversed), '1' for
 * reverse, limit in decimal ('0': all). Returns timestamp, vector, timestamp, vector, ...
 */
const RANGE = `
local m
if ARGV[3] == '1' then
  if ARGV[4] == '0' then m = redis.call('ZRANGE', KEYS[2], ARGV[1], ARGV[2], 'BYLEX', 'REV')
  else m = redis.call('ZRANGE', KEYS[2], ARGV[1], ARGV[2], 'BYLEX', 'REV', 'LIMIT', 0, ARGV[4]) end
else
  if ARGV[4] == '0' then m = redis.call('ZRANGE', KEYS[2], ARGV[1], ARGV[2], 'BYLEX')
  else m = redis.call('ZRANGE', KEYS[2], ARGV[1], ARGV[2], 'BYLEX', 'LIMIT', 0, ARGV[4]) end
end
local out = {}
for j = 1, #m, 1000 do
  local vs = redis.call('HMGET', KEYS[1], unpack(m, j, math.min(j + 999, #m)))
  for x = 1, #vs do
    out[#out + 1] = m[j + x - 1]
    out[#out + 1] = vs[x]
  end
end
return out
`;

/** ARGV: upper bound ('[' + t), lower bound ('[' + min or '-'). Returns { timestamp, vector } or nil. */
const AS_OF = `
local m = redis.call('ZRANGE', KEYS[2], ARGV[1], ARGV[2], 'BYLEX', 'REV', 'LIMIT', 0, 1)
if #m == 0 then return false end
return { m[1], redis.call('HGET', KEYS[1], m[1]) }
`;

/** The whole series at one moment, for verify: { vectors hash, index members, timeline hash }. */
const SERIES = `
return { redis.call('HGETALL', KEYS[1]), redis.call('ZRANGE', KEYS[2], 0, -1), redis.call('HGETALL', KEYS[3]) }
`;

/** The scripts' command names, as ioredis defines them on the client (plus their *Buffer forms). */
export interface ScriptCommands {
  cvxPut(v: string, i: string, t: string, ...args: Array<string | Buffer>): Promise<number>;
  cvxDelete(v: string, i: string, t: string, ts: Buffer): Promise<number>;
  cvxDeleteRange(v: string, i: string, t: string, lo: Buffer, hi: Buffer): Promise<number>;
  cvxRangeBuffer(v: string, i: string, a: Buffer | string, b: Buffer | string, reverse: string, limit: string): Promise<Buffer[]>;
  cvxAsOfBuffer(v: string, i: string, hi: Buffer | string, lo: Buffer | string): Promise<[Buffer, Buffer | null] | null>;
  cvxSeriesBuffer(v: string, i: string, t: string): Promise<[Buffer[], Buffer[], Buffer[]]>;
}

/** The client with the scripts defined: EVALSHA, falling back to EVAL once per node. */
export type ScriptedCluster = Cluster & ScriptCommands;

export function defineScripts(client: Cluster): ScriptedCluster {
  client.defineCommand('cvxPut', { numberOfKeys: 3, lua: PUT });
  client.defineCommand('cvxDelete', { numberOfKeys: 3, lua: DELETE });
  client.defineCommand('cvxDeleteRange', { numberOfKeys: 3, lua: DELETE_RANGE });
  client.defineCommand('cvxRange', { numberOfKeys: 2, lua: RANGE });
  client.defineCommand('cvxAsOf', { numberOfKeys: 2, lua: AS_OF });
  client.defineCommand('cvxSeries', { numberOfKeys: 3, lua: SERIES });
  return client as ScriptedCluster;
}
