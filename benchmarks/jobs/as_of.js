'use strict';
// Job process for the single-entity as-of figures (docs/performance.md, "As-of reads"), run only
// when named: `npm run bench -- --only asof` (or asof:reads). One store holds an entity with 10
// points and one with 100 000 (dim 64, so the long history stays a few tens of MB), written with
// putManySync, closed, reopened and settled, then closed. Each figure then runs in a child
// process of its own (phase 'figure', so no figure inherits another's block cache or heap), timed
// over the same seeded random t in the entity's span after an untimed warm-up of as many calls
// with another seed:
//   getAsOfSync on the short and on the long entity (one SeekForPrev: the cost must not grow),
//     each bracketed by the C++ limit doing SeekAsOf's work on the same files (native/as_of.cc,
//     phase one), target ≥ 0.65 of it;
//   the emulation rangeSync(e, 0, MIN, t, { reverse: true, limit: 1 }) on both;
//   getSync of the answer's exact key on both (the same blocks read, no seek);
//   getAsOfSync on the long entity with t among its last 10 points (the short one's footprint),
//     also paired.
const path = require('path');
const { jobArgs, emit, runJob, settle } = require('../lib/child');
const { mulberry32 } = require('../lib/workload');
const { addToChecksum, timePass, paired, figureInChild, ratio } = require('../lib/as_of');

const { HotStore } = require(path.join(__dirname, '..', '..', 'dist'));

const DIM = 64;
const CALLS = 200000;  // per timed pass: long enough (0.5–4 s) that a burst of other load falls on both sides of a pair
const I64_MIN = -(1n << 63n);
const STEP = 60000;

/** Query times inside [from·60 000, (from + points)·60 000): most fall between two points. */
const times = (points, seed, from = 0) => {
  const r = mulberry32(seed);
  return Float64Array.from({ length: CALLS }, () => (from + Math.floor(r() * points)) * STEP + Math.floor(r() * STEP));
};

// One call of each kind; each returns the answer's timestamp, or undefined.
const KINDS = {
  asof: (s, e) => (t) => {
    const p = s.getAsOfSync(e, 0, t);
    return p === undefined ? undefined : p.timestamp;
  },
  range: (s, e) => (t) => {
    const r = s.rangeSync(e, 0, I64_MIN, t, { reverse: true, limit: 1 });
    return r.length ? r[0].timestamp : undefined;
  },
  // The exact point get of the answer's key: the same block reads, so what grows with the
  // entity here is its footprint in the block cache, not the as-of seek.
  get: (s, e) => (t) => {
    const k = t - (t % STEP);
    return s.getSync(e, 0, k) === undefined ? undefined : k;
  },
};

// Every figure: its entity, the span of t (points from `from`), its call, and whether the limit
// brackets it.
const FIGURES = [];
for (const [entity, points] of [[1, 10], [2, 100000]]) {
  FIGURES.push({ name: `asof.getAsOfSync.${points}`, entity, points, kind: 'asof', paired: true });
  FIGURES.push({ name: `asof.rangeEmulation.${points}`, entity, points, kind: 'range' });
  FIGURES.push({ name: `asof.getSync.${points}`, entity, points, kind: 'get' });
}
FIGURES.push({ name: 'asof.getAsOfSync.100000.last10', entity: 2, points: 10, from: 100000 - 10, kind: 'asof', paired: true });

function write(dir) {
  const s = HotStore.openSync(dir);
  for (const [entity, points] of [[1, 10], [2, 100000]]) {
    for (let from = 0; from < points; from += 1000) {
      const n = Math.min(1000, points - from);
      s.putManySync(0, { entityIds: new Float64Array(n).fill(entity), timestamps: Float64Array.from({ length: n }, (_, i) => (from + i) * STEP),
        vectors: new Float32Array(n * DIM).fill(0.5), dim: DIM });
    }
  }
  s.closeSync();
}

/** Phase 'figure': one figure, in this process, on the settled store. */
async function oneFigure(cfg) {
  const f = FIGURES.find((x) => x.name === cfg.figure);
  const s = HotStore.openSync(cfg.dir);
  const call = KINDS[f.kind](s, f.entity);
  const pass = (sample) => {
    let found = 0;
    let checksum = 0;
    for (const t of sample) {
      const ts = call(t);
      if (ts !== undefined) { found++; checksum = addToChecksum(checksum, ts); }
    }
    return { found, checksum };
  };
  const fig = await timePass(f.name, times(f.points, 7, f.from), times(f.points, 1, f.from), CALLS, pass);
  s.closeSync();
  if (fig.found !== CALLS) throw new Error(`${f.name}: ${fig.found} of ${CALLS} calls found a point`);
  emit({ ...fig, calls: CALLS });
}

runJob(async () => {
  const cfg = jobArgs();
  if (cfg.phase === 'figure') return oneFigure(cfg);
  write(cfg.dir);
  let s = HotStore.openSync(cfg.dir);
  await settle(cfg.dir);
  s.closeSync();
  const got = {};
  for (const f of FIGURES) {
    const run = () => figureInChild(__filename, cfg, f.name);
    const limitArgs = ['--phase', 'one', '--dir', cfg.dir, '--entity', f.entity, '--points', f.points, '--from', f.from || 0,
      '--calls', CALLS, '--figure', `cpp.asof.one.${f.name.slice('asof.getAsOfSync.'.length)}`];
    got[f.name] = f.paired ? paired(cfg.asOf, limitArgs, run) : run();
  }
  const us = (n) => `${got[n].usPerPoint.toFixed(2)} µs`;
  for (const points of [10, 100000]) {
    const a = got[`asof.getAsOfSync.${points}`];
    a.summary = `getAsOfSync, entity of ${points} points: ${us(a.figure)} (CPU ${a.cpuUsPerPoint.toFixed(2)} µs), ` +
      `${ratio(a.pointsPerSec, a.pairedLimit.pointsPerSec)} of the C++ limit (${a.pairedLimit.usPerPoint.toFixed(2)} µs, ` +
      `brackets ${a.pairedLimit.brackets.map((b) => (1e6 / b).toFixed(2)).join(' / ')} µs; in CPU time ` +
      `${ratio(a.pairedLimit.cpuUsPerPoint, a.cpuUsPerPoint)}); ` +
      `range(…, { reverse: true, limit: 1 }) emulation ${us(`asof.rangeEmulation.${points}`)}: ` +
      `${ratio(a.pointsPerSec, got[`asof.rangeEmulation.${points}`].pointsPerSec)}× faster; getSync of the same keys ${us(`asof.getSync.${points}`)}`;
  }
  const recent = got['asof.getAsOfSync.100000.last10'];
  recent.summary = `getAsOfSync, entity of 100000 points, t among its last 10 points: ${us(recent.figure)}, ` +
    `${ratio(recent.pointsPerSec, recent.pairedLimit.pointsPerSec)} of the C++ limit (${recent.pairedLimit.usPerPoint.toFixed(2)} µs); ` +
    `entity of 10 points ${us('asof.getAsOfSync.10')}`;
  for (const f of FIGURES) emit(got[f.name]);
  const growth = { figure: 'asof.growth', ratio: got['asof.getAsOfSync.100000'].usPerPoint / got['asof.getAsOfSync.10'].usPerPoint,
    limitRatio: got['asof.getAsOfSync.100000'].pairedLimit.usPerPoint / got['asof.getAsOfSync.10'].pairedLimit.usPerPoint,
    getRatio: got['asof.getSync.100000'].usPerPoint / got['asof.getSync.10'].usPerPoint };
  growth.summary = `cost on the 100k-point entity / on the 10-point entity: getAsOfSync ${growth.ratio.toFixed(2)}×, ` +
    `its C++ limit ${growth.limitRatio.toFixed(2)}×, getSync of the same keys ${growth.getRatio.toFixed(2)}×`;
  emit(growth);
});
