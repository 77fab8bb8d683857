'use strict';
// Job process for our library: drives cvx-storage through its public API only (the compiled
// package root, dist/index.js), one phase per process so RSS and background compaction of one
// phase never leak into another. Phases:
//   putSync     – putSync per point
//   putAsync    – put() keeping `inflight` promises outstanding, event-loop delay sampled
//   putManySync – putManySync, one columnar batch of `batch` points per call
//   putMany     – putMany (async, awaited one batch at a time), then close, reopen and the reads:
//                 getSync, get, rangeSync, range, rangeColumnsSync, rangeColumns, and the RSS-flat check
const path = require('path');
const { monitorEventLoopDelay } = require('perf_hooks');
const { jobArgs, emit, timed, runJob, assert, settle } = require('../lib/child');
const { makeWorkload } = require('../lib/workload');

let HotStore;
try {
  ({ HotStore } = require(path.join(__dirname, '..', '..', 'dist')));
} catch (e) {
  throw new Error(`cvx-storage is not built (dist/ or build/ missing): run \`npm run build\` first (${e.message})`);
}

const SPACE = 0;

/** One view per pool vector, so the timed loops do not allocate views. */
function poolViews(w) {
  const views = new Array(w.poolSize);
  for (let k = 0; k < w.poolSize; k++) views[k] = w.pool.subarray(k * w.D, (k + 1) * w.D);
  return views;
}

/** Proves the ingest really happened: every sampled entity has a full, exact timeline. */
function checkTimelines(store, w) {
  for (const e of [0, Math.floor(w.E / 2), w.E - 1]) {
    const tl = store.getTimelineSync(e, SPACE);
    assert(tl && tl.pointCount === w.P && tl.firstSeen === w.firstTs && tl.lastSeen === w.lastTs,
      `timeline of entity ${e} after ingest: ${JSON.stringify(tl)}`);
  }
}

async function putSync(store, w) {
  const views = poolViews(w);
  await timed('cvx.putSync', w.total, () => {
    for (let i = 0; i < w.total; i++) {
      store.putSync(SPACE, { entityId: w.entityIds[i], timestamp: w.timestamps[i], vector: views[i % w.poolSize] });
    }
  });
}

async function putAsync(store, w, inflight) {
  const views = poolViews(w);
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await timed('cvx.putAsync', w.total, () => new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed = false;
    // Each settled put issues the next one, so `inflight` stay outstanding until the end.
    const issue = () => {
      const i = next++;
      store.put(SPACE, { entityId: w.entityIds[i], timestamp: w.timestamps[i], vector: views[i % w.poolSize] })
        .then(settle, (e) => { failed = true; reject(e); });
    };
    const settle = () => {
      if (failed) return;
      if (++done === w.total) resolve();
      else if (next < w.total) issue();
    };
    for (let k = 0; k < Math.min(inflight, w.total); k++) issue();
  }), { inflight });
  h.disable();
  emit({
    figure: 'cvx.putAsync.eventLoop',
    eventLoopP99Ms: h.percentile(99) / 1e6,
    eventLoopMaxMs: h.max / 1e6,
    eventLoopMeanMs: h.mean / 1e6,
  });
}

async function putMany(store, w, sync) {
  await timed(sync ? 'cvx.putManySync' : 'cvx.putMany', w.total, async () => {
    for (let from = 0; from < w.total; from += w.B) {
      const batch = w.batchOf(from, Math.min(from + w.B, w.total));
      if (sync) store.putManySync(SPACE, batch);
      else await store.putMany(SPACE, batch);
    }
  }, { batch: w.B });
}

async function reads(store, w, cfg) {
  const gets = w.getSample();
  await timed('cvx.getSync', gets.length, () => {
    let found = 0;
    for (const [e, ts] of gets) if (store.getSync(e, SPACE, ts) !== undefined) found++;
    assert(found === gets.length, `getSync found ${found} of ${gets.length}`);
  });
  await timed('cvx.get', gets.length, async () => {
    let found = 0;
    for (const [e, ts] of gets) if ((await store.get(e, SPACE, ts)) !== undefined) found++;
    assert(found === gets.length, `get found ${found} of ${gets.length}`);
  });

  const entities = w.rangeSample();
  const points = entities.length * w.P;
  const check = (n, e, what) => assert(n === w.P, `${what} of entity ${e} returned ${n} points, expected ${w.P}`);
  await timed('cvx.rangeSync', points, () => {
    for (const e of entities) check(store.rangeSync(e, SPACE, w.firstTs, w.lastTs).length, e, 'rangeSync');
  });
  await timed('cvx.range', points, async () => {
    for (const e of entities) check((await store.range(e, SPACE, w.firstTs, w.lastTs)).length, e, 'range');
  });
  await timed('cvx.rangeColumnsSync', points, () => {
    for (const e of entities) check(store.rangeColumnsSync(e, SPACE, w.firstTs, w.lastTs).count, e, 'rangeColumnsSync');
  });
  await timed('cvx.rangeColumns', points, async () => {
    for (const e of entities) check((await store.rangeColumns(e, SPACE, w.firstTs, w.lastTs)).count, e, 'rangeColumns');
  });
  await rssFlat(store, w, cfg.rssCalls);
}

/**
 * RSS across `calls` repeated async range() calls (objects, the allocation-heaviest read path):
 * sampled every 10%, reported as growth from the first sample (taken after a warm-up tenth).
 */
async function rssFlat(store, w, calls) {
  const entities = w.rangeSample(Math.min(calls, 1000));
  const every = Math.max(1, Math.floor(calls / 10));
  const samples = [];
  for (let k = 0; k < calls; k++) {
    const pts = await store.range(entities[k % entities.length], SPACE, w.firstTs, w.lastTs);
    if (pts.length !== w.P) throw new Error(`range returned ${pts.length} points`);
    if ((k + 1) % every === 0) samples.push(Math.round(process.memoryUsage().rss / 1048576));
  }
  emit({
    figure: 'cvx.rssFlat',
    calls,
    rssSamplesMB: samples,
    rssGrowthMB: samples[samples.length - 1] - samples[0],
    rssMaxMinusFirstMB: Math.max(...samples) - samples[0],
  });
}

runJob(async () => {
  const cfg = jobArgs();
  const w = makeWorkload(cfg);
  const opts = { sync: cfg.sync };
  let store = HotStore.openSync(cfg.dir, opts);
  switch (cfg.phase) {
    case 'putSync': await putSync(store, w); break;
    case 'putAsync': await putAsync(store, w, cfg.inflight); break;
    case 'putManySync': await putMany(store, w, true); break;
    case 'putMany': await putMany(store, w, false); break;
    default: throw new Error(`unknown cvx phase ${cfg.phase}`);
  }
  checkTimelines(store, w);
  await store.close();
  if (cfg.phase === 'putMany' && cfg.reads) {
    // Reopen so reads see what every contender sees: the WAL replayed and flushed to SST files,
    // and background compaction finished.
    store = HotStore.openSync(cfg.dir, opts);
    emit({ figure: 'cvx.settle', settleSeconds: await settle(cfg.dir) });
    await reads(store, w, cfg);
    await store.close();
  }
});
