'use strict';
// Job process for the as-of figures (docs/performance.md, "As-of reads"), run only when named:
// `npm run bench -- --only asof`. One store holds an entity with 10 points and one with 100 000
// (dim 64, so the long history stays a few tens of MB), written with putManySync, closed,
// reopened and settled. Timed, each over the same seeded random t in the entity's span, after an
// untimed warm-up of as many calls with another seed:
//   getAsOfSync on the short and on the long entity (one SeekForPrev: the cost must not grow);
//   the emulation rangeSync(e, 0, MIN, t, { reverse: true, limit: 1 }) on both;
//   getSync of the answer's exact key on both (the same blocks read, no seek);
//   getAsOfSync on the long entity with t among its last 10 points (the short one's footprint).
// No C++ limit is paired with these figures yet (docs/performance.md says so).
const path = require('path');
const { performance } = require('perf_hooks');
const { jobArgs, emit, runJob, assert, settle } = require('../lib/child');

const { HotStore } = require(path.join(__dirname, '..', '..', 'dist'));

const DIM = 64;
const CALLS = 100000;
const SHAPES = [{ entity: 1, points: 10 }, { entity: 2, points: 100000 }];
const I64_MIN = -(1n << 63n);

/** A seeded generator (mulberry32): every figure reads the same sequence of t. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** Query times inside [0, 60 000·points): most fall between two points. */
const times = (points, seed, from = 0) => {
  const r = rng(seed);
  return Float64Array.from({ length: CALLS }, () => (from + Math.floor(r() * points)) * 60000 + Math.floor(r() * 60000));
};

function write(dir) {
  const s = HotStore.openSync(dir);
  for (const { entity, points } of SHAPES) {
    for (let from = 0; from < points; from += 1000) {
      const n = Math.min(1000, points - from);
      s.putManySync(0, { entityIds: new Float64Array(n).fill(entity), timestamps: Float64Array.from({ length: n }, (_, i) => (from + i) * 60000),
        vectors: new Float32Array(n * DIM).fill(0.5), dim: DIM });
    }
  }
  s.closeSync();
}

function figure(name, ts, call) {
  for (const t of times(ts.span || ts.points, 7, ts.from)) call(t);  // warm-up: other t, same count
  const sample = times(ts.span || ts.points, 1, ts.from);
  const t0 = performance.now();
  let found = 0;
  for (const t of sample) if (call(t)) found++;
  const seconds = (performance.now() - t0) / 1000;
  assert(found === CALLS, `${name}: ${found} of ${CALLS} calls found a point`);
  return { figure: name, calls: CALLS, seconds, callsPerSec: CALLS / seconds, usPerCall: (seconds / CALLS) * 1e6 };
}

runJob(async () => {
  const cfg = jobArgs();
  write(cfg.dir);
  let s = HotStore.openSync(cfg.dir);
  await settle(cfg.dir);
  s.closeSync();
  s = HotStore.openSync(cfg.dir);
  const figs = {};
  for (const shape of SHAPES) {
    const e = shape.entity;
    const a = figure(`asof.getAsOfSync.${shape.points}`, shape, (t) => s.getAsOfSync(e, 0, t));
    const b = figure(`asof.rangeEmulation.${shape.points}`, shape, (t) => s.rangeSync(e, 0, I64_MIN, t, { reverse: true, limit: 1 })[0]);
    // The exact point get of the answer's key: the same block reads, so what grows with the
    // entity here is its footprint in the block cache, not the as-of seek.
    const g = figure(`asof.getSync.${shape.points}`, shape, (t) => s.getSync(e, 0, t - (t % 60000)));
    figs[shape.points] = { a, b, g };
    a.summary = `getAsOfSync, entity of ${shape.points} points: ${(a.callsPerSec / 1000).toFixed(0)}k calls/s (${a.usPerCall.toFixed(2)} µs); ` +
      `range(…, { reverse: true, limit: 1 }) emulation ${(b.callsPerSec / 1000).toFixed(0)}k calls/s (${b.usPerCall.toFixed(2)} µs): ` +
      `${(a.callsPerSec / b.callsPerSec).toFixed(2)}× the emulation; getSync of the same keys ${g.usPerCall.toFixed(2)} µs`;
    emit(a);
    emit(b);
    emit(g);
  }
  // The long entity asked only about its last 10 points: the same footprint as the short one, so
  // what remains of the difference would be the seek's own cost growing with history.
  const recent = figure('asof.getAsOfSync.100000.last10', { points: 100000, span: 10, from: 100000 - 10 }, (t) => s.getAsOfSync(2, 0, t));
  recent.summary = `getAsOfSync, entity of 100000 points, t among its last 10 points: ${recent.usPerCall.toFixed(2)} µs ` +
    `(entity of 10 points: ${figs[10].a.usPerCall.toFixed(2)} µs, ${(recent.usPerCall / figs[10].a.usPerCall).toFixed(2)}×)`;
  emit(recent);
  const growth = { figure: 'asof.growth', ratio: figs[100000].a.usPerCall / figs[10].a.usPerCall,
    getRatio: figs[100000].g.usPerCall / figs[10].g.usPerCall };
  growth.summary = `cost on the 100k-point entity / on the 10-point entity: getAsOfSync ${growth.ratio.toFixed(2)}×, ` +
    `getSync of the same keys ${growth.getRatio.toFixed(2)}× (no C++ limit paired yet)`;
  emit(growth);
  s.closeSync();
});
