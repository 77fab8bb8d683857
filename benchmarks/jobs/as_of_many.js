'use strict';
// Job process for the batch as-of figures (docs/performance.md, "As-of reads"), run only when
// named: `npm run bench -- --only asof` (or asof:many). One store of the benchmark workload at
// 10 000 entities × 10 points × dim 768 (benchmarks/lib/workload.js: entities interleaved in
// time, as a live stream arrives), written with putManySync, closed, reopened, settled and closed.
// Each figure runs in a child process of its own (phase 'figure'), after an untimed warm-up of
// the same size with another seed, and is bracketed by the C++ limit doing the same work on the
// same files (native/as_of.cc):
//   getManyAsOfSync(0, entityIds, t) over 100 calls of 1000 random entities at one random t each,
//     without and with { into } (one reused 1000 × 768 matrix): targets ≥ 0.65 and ≥ 0.85 of the
//     limit's one SeekForPrev per entity with ONE iterator per call (phase many);
//   the same entities one getAsOfSync each, and the emulation
//     rangeSync(e, 0, MIN, t, { reverse: true, limit: 1 }) each, against the same limit;
//   latestAll(0) and latestAll(0, { at }) (the middle of the span), 10 passes over the space, in
//     points/s against the limit's walk of the timelines with one seek per entity (phase latest),
//     and the emulation entities(0) + one rangeSync(…, { reverse: true, limit: 1 }) per entity.
// getManyAsOfSync and latestAll are skipped, with a line saying so, when this build's HotStore
// lacks them (an older build, as when comparing builds); the other figures still run.
const path = require('path');
const { jobArgs, emit, runJob, settle } = require('../lib/child');
const { makeWorkload, mulberry32, T0, STEP_MS } = require('../lib/workload');
const { addToChecksum, timePass, paired, figureInChild, ratio } = require('../lib/as_of');

const { HotStore } = require(path.join(__dirname, '..', '..', 'dist'));

const STORE = { entities: 10000, points: 10, dim: 768, batch: 1000, gets: 0, ranges: 0 };
const BATCH = 1000;        // entities per getManyAsOfSync call
const CALLS = 100;         // calls per timed pass: 100 000 entity answers
const PASSES = 10;         // latestAll passes over the space per timed pass
const AT = T0 + Math.floor(STORE.points / 2) * STEP_MS - STEP_MS / 2;  // between two points, mid-span
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** The batch sample, as native/as_of.cc's ManySample: per call one t, then BATCH entities. */
function sample(seed) {
  const r = mulberry32(seed);
  return Array.from({ length: CALLS }, () => {
    const t = T0 + Math.floor(r() * (STORE.points * STEP_MS));
    return { t, ids: Float64Array.from({ length: BATCH }, () => Math.floor(r() * STORE.entities)) };
  });
}

/** Sums a columnar answer (found mask, timestamps) into the pass's totals. */
function tally(tot, found, timestamps, n) {
  for (let i = 0; i < n; i++) {
    if (found && !found[i]) continue;
    tot.found++;
    tot.checksum = addToChecksum(tot.checksum, Number(timestamps[i]));
  }
}

// The per-entity figures' one call: the answer's timestamp, or undefined.
const perEntity = {
  getAsOf: (s) => (e, t) => {
    const p = s.getAsOfSync(e, 0, t);
    return p && p.timestamp;
  },
  range: (s) => (e, t) => {
    const r = s.rangeSync(e, 0, I64_MIN, t, { reverse: true, limit: 1 });
    return r.length ? r[0].timestamp : undefined;
  },
};

// Each figure: its method (skipped when the store lacks it), the limit's phase, and its pass.
const FIGURES = {
  'asof.getManyAsOfSync': { needs: 'getManyAsOfSync', limit: 'many', pass: (s) => manyPass(s, undefined) },
  'asof.getManyAsOfSyncInto': { needs: 'getManyAsOfSync', limit: 'many', pass: (s) => manyPass(s, { into: new Float32Array(BATCH * STORE.dim) }) },
  'asof.manyGetAsOfSync': { limit: 'many', pass: (s) => perEntityPass(perEntity.getAsOf(s)) },
  'asof.manyRangeEmulation': { limit: 'many', pass: (s) => perEntityPass(perEntity.range(s)) },
  'asof.latestAll': { needs: 'latestAll', limit: 'latest', pass: (s) => latestPass(s, undefined) },
  'asof.latestAllAt': { needs: 'latestAll', limit: 'latest', at: AT, pass: (s) => latestPass(s, { at: AT }) },
  'asof.latestAllEmulation': { limit: 'latest', pass: (s) => latestEmulationPass(s, I64_MAX) },
  'asof.latestAllAtEmulation': { limit: 'latest', at: AT, pass: (s) => latestEmulationPass(s, AT) },
};

function manyPass(s, options) {
  return (calls) => {
    const tot = { found: 0, checksum: 0 };
    for (const { t, ids } of calls) {
      const r = s.getManyAsOfSync(0, ids, t, options);
      tally(tot, r.found, r.timestamps, r.found.length);
    }
    return tot;
  };
}

function perEntityPass(one) {
  return (calls) => {
    const tot = { found: 0, checksum: 0 };
    for (const { t, ids } of calls) {
      for (let i = 0; i < ids.length; i++) {
        const ts = one(ids[i], t);
        if (ts !== undefined) { tot.found++; tot.checksum = addToChecksum(tot.checksum, ts); }
      }
    }
    return tot;
  };
}

function latestPass(s, options) {
  return async (passes) => {
    const tot = { found: 0, checksum: 0 };
    for (let k = 0; k < passes; k++) {
      for await (const b of s.latestAll(0, options)) tally(tot, undefined, b.timestamps, b.count);
    }
    return tot;
  };
}

function latestEmulationPass(s, at) {
  return async (passes) => {
    const tot = { found: 0, checksum: 0 };
    for (let k = 0; k < passes; k++) {
      for await (const tl of s.entities(0)) {
        const r = s.rangeSync(tl.entityId, 0, I64_MIN, at, { reverse: true, limit: 1 });
        if (r.length) { tot.found++; tot.checksum = addToChecksum(tot.checksum, r[0].timestamp); }
      }
    }
    return tot;
  };
}

/** Phase 'figure': one figure, in this process, on the settled store. */
async function oneFigure(cfg) {
  const f = FIGURES[cfg.figure];
  const s = HotStore.openSync(cfg.dir);
  const pass = f.pass(s);
  const fig = f.limit === 'many'
    ? await timePass(cfg.figure, sample(22), sample(21), CALLS * BATCH, pass)
    : await timePass(cfg.figure, 1, PASSES, null, pass);
  await s.close();
  emit(fig);
}

function write(dir) {
  const w = makeWorkload(STORE);
  const s = HotStore.openSync(dir);
  for (let from = 0; from < w.total; from += w.B) s.putManySync(0, w.batchOf(from, Math.min(from + w.B, w.total)));
  s.closeSync();
}

function limitArgs(cfg, name, f) {
  const common = ['--dir', cfg.dir, '--dim', STORE.dim, '--batch', BATCH, '--figure', `cpp.asof.${f.limit}${f.at ? '.at' : ''}`];
  if (f.limit === 'many') return ['--phase', 'many', ...common, '--entities', STORE.entities, '--points', STORE.points, '--calls', CALLS];
  return ['--phase', 'latest', ...common, '--passes', PASSES, ...(f.at ? ['--at', f.at] : [])];
}

function summaries(got) {
  const us = (f) => `${f.usPerPoint.toFixed(2)} µs`;
  const vsLimit = (f) => `${ratio(f.pointsPerSec, f.pairedLimit.pointsPerSec)} of the C++ limit (${us(f.pairedLimit)}, ` +
    `CPU ${ratio(f.pairedLimit.cpuUsPerPoint, f.cpuUsPerPoint)})`;
  const emulation = got['asof.manyRangeEmulation'];
  for (const name of ['asof.getManyAsOfSync', 'asof.getManyAsOfSyncInto', 'asof.manyGetAsOfSync']) {
    const f = got[name];
    if (!f || f.skipped) continue;
    f.summary = `${name}: ${us(f)} per entity, ${vsLimit(f)}; ${ratio(f.pointsPerSec, emulation.pointsPerSec)}× the range emulation (${us(emulation)})`;
  }
  emulation.summary = `asof.manyRangeEmulation: ${us(emulation)} per entity, ${vsLimit(emulation)}`;
  for (const [name, emu] of [['asof.latestAll', 'asof.latestAllEmulation'], ['asof.latestAllAt', 'asof.latestAllAtEmulation']]) {
    const e = got[emu];
    const f = got[name];
    e.summary = `${emu}: ${Math.round(e.pointsPerSec).toLocaleString('en-US')} points/s, ${vsLimit(e)}`;
    if (!f || f.skipped) continue;
    f.summary = `${name}: ${Math.round(f.pointsPerSec).toLocaleString('en-US')} points/s, ${vsLimit(f)}; ` +
      `${ratio(f.pointsPerSec, e.pointsPerSec)}× the emulation`;
  }
}

runJob(async () => {
  const cfg = jobArgs();
  if (cfg.phase === 'figure') return oneFigure(cfg);
  write(cfg.dir);
  const s = HotStore.openSync(cfg.dir);
  await settle(cfg.dir);
  s.closeSync();
  const got = {};
  for (const [name, f] of Object.entries(FIGURES)) {
    if (f.needs && typeof HotStore.prototype[f.needs] !== 'function') {
      const why = `${name}: skipped, this build's HotStore has no ${f.needs}()`;
      process.stderr.write(`${why}\n`);
      got[name] = { figure: name, skipped: true, summary: why };
      continue;
    }
    got[name] = paired(cfg.asOf, limitArgs(cfg, name, f), () => figureInChild(__filename, cfg, name));
  }
  summaries(got);
  for (const name of Object.keys(FIGURES)) emit(got[name]);
});
