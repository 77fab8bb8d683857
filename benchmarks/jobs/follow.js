'use strict';
// Job process for the follower figures (docs/processes.md, "Costs"), run only when named:
// `npm run bench -- --only follow`. One store of 200 entities × 100 points (dim 64) is written
// with putManySync and compacted; the writer stays open and followers of the same process open
// beside it (a follower of a store this process holds writable is a RocksDB secondary, as in
// another process). Timed:
//   getSync of the same seeded random keys on the writer and on a follower (calls/s, ratio);
//   catch-up lag at followIntervalMs 50: from a putSync's return to the point's visibility in a
//   follower whose timer catches up, polled once per event-loop turn (p50, p99, max);
//   the file descriptors a follower holds (one per table file: max_open_files = -1).
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
const { jobArgs, emit, runJob, assert } = require('../lib/child');

const { HotStore } = require(path.join(__dirname, '..', '..', 'dist'));

const DIM = 64;
const ENTITIES = 200;
const POINTS = 100;
const GETS = 100000;
const LAG_SAMPLES = 300;
const INTERVAL_MS = 50;

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fds = () => fs.readdirSync('/proc/self/fd').length;

function gets(name, store) {
  const r = rng(3);
  const keys = Array.from({ length: GETS }, () => [Math.floor(r() * ENTITIES), Math.floor(r() * POINTS) * 60000]);
  for (const [e, t] of keys.slice(0, 10000)) store.getSync(e, 0, t); // warm-up
  const t0 = performance.now();
  let found = 0;
  for (const [e, t] of keys) if (store.getSync(e, 0, t)) found++;
  const seconds = (performance.now() - t0) / 1000;
  assert(found === GETS, `${name}: ${found} of ${GETS} gets found a point`);
  return { figure: name, calls: GETS, seconds, callsPerSec: GETS / seconds };
}

const tick = () => new Promise((r) => setImmediate(r));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

runJob(async () => {
  const cfg = jobArgs();
  const w = HotStore.openSync(cfg.dir);
  for (let e = 0; e < ENTITIES; e++) {
    w.putManySync(0, { entityIds: new Float64Array(POINTS).fill(e), timestamps: Float64Array.from({ length: POINTS }, (_, i) => i * 60000),
      vectors: new Float32Array(POINTS * DIM).fill(0.25), dim: DIM });
  }
  w.compactSync();
  const before = fds();
  const f = await HotStore.open(cfg.dir, { follower: true });
  const held = fds() - before;
  const tables = Object.values(w.statsSync().columnFamilies).reduce((a, c) => a + c.sstFiles, 0);
  const a = gets('follow.writerGetSync', w);
  const b = gets('follow.followerGetSync', f);
  b.summary = `getSync: follower ${(b.callsPerSec / 1000).toFixed(0)}k calls/s, writer ${(a.callsPerSec / 1000).toFixed(0)}k calls/s ` +
    `(${(b.callsPerSec / a.callsPerSec).toFixed(2)}× the writer's reads of the same keys)`;
  emit(a);
  emit(b);
  const d = { figure: 'follow.descriptors', held, tables, summary: `a follower holds ${held} descriptors; the store has ${tables} table files` };
  emit(d);
  await f.close();

  const lagger = await HotStore.open(cfg.dir, { follower: true, followIntervalMs: INTERVAL_MS });
  const lags = [];
  for (let i = 0; i < LAG_SAMPLES; i++) {
    w.putSync(0, { entityId: 1e6, timestamp: i, vector: new Float32Array(DIM).fill(i) });
    const t0 = performance.now();
    while (!lagger.getSync(1e6, 0, i)) await tick();
    lags.push(performance.now() - t0);
  }
  await lagger.close();
  lags.sort((x, y) => x - y);
  const lag = { figure: 'follow.lag', intervalMs: INTERVAL_MS, samples: LAG_SAMPLES, p50: pct(lags, 50), p99: pct(lags, 99), max: lags[lags.length - 1] };
  lag.summary = `catch-up lag at followIntervalMs ${INTERVAL_MS}: p50 ${lag.p50.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms, max ${lag.max.toFixed(1)} ms (${LAG_SAMPLES} writes)`;
  emit(lag);
  w.closeSync();
});
