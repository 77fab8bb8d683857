'use strict';
// The benchmark workload (benchmarks/README.md, "The workload"), defined once so every contender (the JS jobs here and the
// C++ limit in native/limit.cc, which re-implements exactly these formulas) writes and reads the
// same bytes in the same order:
//   point i of N = E·P:  entity e = i mod E, step p = ⌊i / E⌋   (entities interleaved in time)
//   timestamp = T0 + p·60 000 ms
//   vector    = pool[i mod poolSize], pool = poolSize·D floats from mulberry32(POOL_SEED)·2−1
// A pool instead of N distinct vectors keeps the workload out of the peak RSS we report (100k×768
// would add 300 MB to every process); vectors are never compressed (RocksDB vectors CF, LMDB) or
// only within a 4 KiB block (LevelDB's snappy), so repeats 4000 points apart change nothing.
// poolSize is a multiple of the batch size, so batch k's vectors are one contiguous pool slice
// and building a batch costs no copy in any contender.

const T0 = 1_700_000_000_000;
const STEP_MS = 60_000;
const POOL_SEED = 42;
const GET_SEED = 7;
const RANGE_SEED = 11;
// The untimed warm-up passes before each read figure draw from their own seeds.
const WARM_GET_SEED = 8;
const WARM_RANGE_SEED = 12;

// Deterministic 32-bit PRNG (mulberry32), shared with the demo and tests; native/limit.cc
// has the same one.
const { mulberry32 } = require('../../dist/prng');

function timestampOf(p) {
  return T0 + p * STEP_MS;
}

/**
 * Everything a job needs about the workload. `cfg` holds entities, points, dim, batch, gets, ranges.
 */
function makeWorkload(cfg) {
  const { entities: E, points: P, dim: D, batch: B } = cfg;
  const total = E * P;
  const poolSize = B * 4;
  const pool = new Float32Array(poolSize * D);
  const rnd = mulberry32(POOL_SEED);
  for (let k = 0; k < pool.length; k++) pool[k] = rnd() * 2 - 1;

  // Columns for the whole run (16 bytes per point): putMany batches are subarrays of these.
  const entityIds = new Float64Array(total);
  const timestamps = new Float64Array(total);
  for (let i = 0; i < total; i++) {
    entityIds[i] = i % E;
    timestamps[i] = timestampOf(Math.floor(i / E));
  }

  const vectorOf = (i) => {
    const k = i % poolSize;
    return pool.subarray(k * D, (k + 1) * D);
  };

  /** Batch [from, to) as contiguous slices; `to - from` ≤ B and `from` a multiple of B. */
  const batchOf = (from, to) => {
    const k = from % poolSize;
    return {
      entityIds: entityIds.subarray(from, to),
      timestamps: timestamps.subarray(from, to),
      vectors: pool.subarray(k * D, (k + (to - from)) * D),
      dim: D,
    };
  };

  const getSample = (count = cfg.gets, seed = GET_SEED) => {
    const r = mulberry32(seed);
    const out = [];
    for (let k = 0; k < count; k++) {
      const e = Math.floor(r() * E);
      const p = Math.floor(r() * P);
      out.push([e, timestampOf(p)]);
    }
    return out;
  };

  const rangeSample = (count = cfg.ranges, seed = RANGE_SEED) => {
    const r = mulberry32(seed);
    const out = new Array(count);
    for (let k = 0; k < count; k++) out[k] = Math.floor(r() * E);
    return out;
  };

  // As large as each read sample, run untimed first (see lib/reads.js).
  const warmGetSample = () => getSample(cfg.gets, WARM_GET_SEED);
  const warmRangeSample = () => rangeSample(cfg.ranges, WARM_RANGE_SEED);

  return {
    E, P, D, B, total, pool, poolSize, entityIds, timestamps, vectorOf, batchOf, getSample, rangeSample,
    warmGetSample, warmRangeSample,
    firstTs: timestampOf(0),
    lastTs: timestampOf(P - 1),
  };
}

// ---- the on-disk key bytes (docs/format.md), for the peers that store raw keys ----

/** Writes ts as i64 big-endian with the sign bit flipped, using numbers only (safe integers). */
function putTimestamp(buf, off, ts) {
  const hi = Math.floor(ts / 4294967296);
  const lo = ts - hi * 4294967296;
  buf.writeUInt32BE(((hi ^ 0x80000000) >>> 0), off);
  buf.writeUInt32BE(lo >>> 0, off + 4);
}

function putPrefix(buf, entity, space) {
  buf.writeUInt32BE(Math.floor(entity / 4294967296), 0);
  buf.writeUInt32BE(entity >>> 0, 4);
  buf.writeUInt32BE(space >>> 0, 8);
}

/** The 20-byte vector key: entity u64 BE · space u32 BE · timestamp (sign-flipped i64 BE). */
function vectorKey(entity, space, ts) {
  const b = Buffer.allocUnsafe(20);
  putPrefix(b, entity, space);
  putTimestamp(b, 12, ts);
  return b;
}

/** The 12-byte timeline key (the vector key's prefix). */
function timelineKey(entity, space) {
  const b = Buffer.allocUnsafe(12);
  putPrefix(b, entity, space);
  return b;
}

function decodeTimestamp(key) {
  const hi = (key.readUInt32BE(12) ^ 0x80000000) | 0;
  return hi * 4294967296 + key.readUInt32BE(16);
}

module.exports = { makeWorkload, mulberry32, timestampOf, vectorKey, timelineKey, decodeTimestamp, T0, STEP_MS };
