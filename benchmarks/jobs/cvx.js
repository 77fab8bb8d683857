'use strict';
// Job process for our library: drives cvx-storage through its public API only (the compiled
// package root, dist/index.js), one phase per process so RSS and background compaction of one
// phase never leak into another. Phases:
//   putSync     – putSync per point
//   putAsync    – put() keeping `inflight` promises outstanding, event-loop delay sampled
//   putManySync – putManySync, one columnar batch of `batch` points per call
//   bulkLoad    – bulkLoad of the whole workload as columnar batches (sorted files, one ingest)
//   putMany     – putMany (async, awaited one batch at a time), then close, reopen, settle, and the
//                 reads, each in a child process of its own (phase 'read'): getSync, get,
//                 get with `inflight` promises outstanding, get latency (page cache warm; and, with
//                 --drop-caches, emptied), rangeColumnsSync, rangeColumns, rangeSync, range, getManySync, getManySync and
//                 rangeColumnsSync into one reused buffer, and the RSS-flat check. Each
//                 read figure is bracketed by the C++ limit's matching read of the same files
//                 (pairedLimit), so its ratio compares two measurements seconds apart.
const path = require('path');
const { monitorEventLoopDelay } = require('perf_hooks');
const { jobArgs, emit, timed, runJob, assert, settle, jsonLinesOf } = require('../lib/child');
const { getFigure, rangeFigure, withLoopDelay, idleLoopP99Ms } = require('../lib/reads');
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
  // Control: the same histogram over 2 s of an idle loop. On a machine shared with other work
  // the idle p99 is not ~1 ms, and the async figure should be read against it.
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 2000));
  idle.disable();
  emit({
    figure: 'cvx.putAsync.eventLoop',
    eventLoopP99Ms: h.percentile(99) / 1e6,
    eventLoopMaxMs: h.max / 1e6,
    eventLoopMeanMs: h.mean / 1e6,
    idleLoopP99Ms: idle.percentile(99) / 1e6,
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

/**
 * bulkLoad of the whole workload, fed as the same columnar batches putMany gets, with the
 * event-loop delay sampled during the load (a timer firing late is a blocked loop).
 */
async function bulkLoad(store, w) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  function* batches() {
    for (let from = 0; from < w.total; from += w.B) yield w.batchOf(from, Math.min(from + w.B, w.total));
  }
  let result;
  await timed('cvx.bulkLoad', w.total, async () => {
    result = await store.bulkLoad(SPACE, batches());
  }, { batch: w.B });
  h.disable();
  assert(result.loaded === w.total && result.overwritten === 0, `bulkLoad wrote ${JSON.stringify(result)}`);
  // Control, as for async put: the same histogram over 2 s of an idle loop on this machine.
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 2000));
  idle.disable();
  emit({
    figure: 'cvx.bulkLoad.eventLoop',
    eventLoopP99Ms: h.percentile(99) / 1e6,
    eventLoopMaxMs: h.max / 1e6,
    eventLoopMeanMs: h.mean / 1e6,
    idleLoopP99Ms: idle.percentile(99) / 1e6,
  });
}


/** `inflight` get() promises outstanding over the sample (each settled get issues the next); resolves the count found. */
function getsInFlight(store, sample, inflight) {
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    let found = 0;
    const issue = () => {
      const [e, ts] = sample[next++];
      store.get(e, SPACE, ts).then(settle, reject);
    };
    const settle = (p) => {
      if (p !== undefined) found++;
      if (++done === sample.length) resolve(found);
      else if (next < sample.length) issue();
    };
    for (let k = 0; k < Math.min(inflight, sample.length); k++) issue();
  });
}

/** Empties the OS page cache (root only), so the next reads of the store come from the disk. */
function dropCaches() {
  require('child_process').execFileSync('sync');
  require('fs').writeFileSync('/proc/sys/vm/drop_caches', '3');
}

/**
 * Awaited gets, each timed alone: p50/p99 µs and the event-loop delay. `disk`: after the warm-up
 * the page cache is emptied and the sample cut to 2000 gets (as the limit's, limit.cc), so most
 * gets need the disk.
 */
async function latencyFigure(name, store, w, disk) {
  for (const [e, ts] of w.warmGetSample()) await store.get(e, SPACE, ts);
  let sample = w.getSample();
  if (disk) {
    dropCaches();
    sample = sample.slice(0, 2000);
  }
  const us = new Float64Array(sample.length);
  const idle = await idleLoopP99Ms(); // before the timed pass (and after emptying the page cache)
  await timed(name, sample.length, () => withLoopDelay(async () => {
    for (let i = 0; i < sample.length; i++) {
      const t0 = process.hrtime.bigint();
      const p = await store.get(sample[i][0], SPACE, sample[i][1]);
      us[i] = Number(process.hrtime.bigint() - t0) / 1000;
      assert(p !== undefined, `${name}: a get found nothing`);
    }
    us.sort();
    const at = (q) => us[Math.min(us.length - 1, Math.floor(q * us.length))];
    return { extra: { p50Us: at(0.5), p99Us: at(0.99) } };
  }), { idleLoopP99Ms: idle });
}

/** getManySync over the get sample, `batch` keys per call as Float64Array columns, with `options`. */
function getManyFigure(name, store, w, options) {
  return getFigure(name, w, (sample) => {
    let found = 0;
    for (let from = 0; from < sample.length; from += w.B) {
      const part = sample.slice(from, from + w.B);
      const keys = { entityIds: Float64Array.from(part, (k) => k[0]), timestamps: Float64Array.from(part, (k) => k[1]) };
      for (const p of store.getManySync(SPACE, keys, options)) if (p !== undefined) found++;
    }
    return found;
  });
}

// The read figures, each measured in a fresh process of its own (phase 'read') on the settled
// store: a figure then never inherits the V8 heap, external-memory pressure or JIT state that an
// earlier figure left behind, so their order cannot bias them.
const READS = {
  'cvx.getSync': (store, w) => getFigure('cvx.getSync', w, (sample) => {
    let found = 0;
    for (const [e, ts] of sample) if (store.getSync(e, SPACE, ts) !== undefined) found++;
    return found;
  }),
  'cvx.get': (store, w) => getFigure('cvx.get', w, async (sample) => {
    let found = 0;
    for (const [e, ts] of sample) if ((await store.get(e, SPACE, ts)) !== undefined) found++;
    return found;
  }, { loopDelay: true }),
  // `inflight` concurrent get() promises, as a service answering many requests at once: the gets
  // of one tick are coalesced into MultiGets, so it is measured against the limit's MultiGet.
  'cvx.getInflight': (store, w, cfg) => getFigure('cvx.getInflight', w, (sample) => getsInFlight(store, sample, cfg.inflight),
    { loopDelay: true, extra: { inflight: cfg.inflight } }),
  'cvx.getLatency': (store, w) => latencyFigure('cvx.getLatency', store, w, false),
  'cvx.getLatencyDisk': (store, w) => latencyFigure('cvx.getLatencyDisk', store, w, true),
  'cvx.rangeColumnsSync': (store, w) => rangeFigure('cvx.rangeColumnsSync', w, (e) => store.rangeColumnsSync(e, SPACE, w.firstTs, w.lastTs).count),
  'cvx.rangeColumns': (store, w) => rangeFigure('cvx.rangeColumns', w, async (e) => (await store.rangeColumns(e, SPACE, w.firstTs, w.lastTs)).count, { loopDelay: true }),
  'cvx.rangeSync': (store, w) => rangeFigure('cvx.rangeSync', w, (e) => store.rangeSync(e, SPACE, w.firstTs, w.lastTs).length),
  'cvx.range': (store, w) => rangeFigure('cvx.range', w, async (e) => (await store.range(e, SPACE, w.firstTs, w.lastTs)).length, { loopDelay: true }),
  // `batch` keys per call, passed as columns, as a service batching its lookups would. Run after
  // the figures with targets: its 3 MB results churn far more memory than they do.
  'cvx.getManySync': (store, w) => getManyFigure('cvx.getManySync', store, w, undefined),
  // The same, each batch written into one reused matrix (options.into).
  'cvx.getManySyncInto': (store, w) => getManyFigure('cvx.getManySyncInto', store, w, { into: new Float32Array(w.B * w.D) }),
  // rangeColumnsSync writing into one reused buffer (options.into): the same engine work with no
  // fresh memory per call, so its ratio shows how close the binding itself comes to the limit.
  'cvx.rangeColumnsSyncInto': (store, w) => {
    const into = new Float32Array(w.P * w.D);
    return rangeFigure('cvx.rangeColumnsSyncInto', w, (e) => store.rangeColumnsSync(e, SPACE, w.firstTs, w.lastTs, { into }).count);
  },
  'cvx.rssFlat': (store, w, cfg) => rssFlat(store, w, cfg.rssCalls),
};

// The limit's figure each read figure is compared with.
const LIMIT_OF = { 'cvx.getInflight': 'getMany', 'cvx.getLatency': 'getLatency', 'cvx.getLatencyDisk': 'getLatencyDisk' };
const LIMIT_READ = (name) => LIMIT_OF[name] || (name.startsWith('cvx.getMany') ? 'getMany' : name.startsWith('cvx.get') ? 'get' : 'range');

/**
 * The C++ limit's `kind` read (get or range) of the very same store files, opened read-only so
 * they stay as they are: the same engine work as our read figure, run right next to it.
 */
function limitRead(cfg, kind) {
  const args = ['--phase', 'reads', '--read-only', '1', '--only', kind, '--dir', cfg.dir, '--entities', cfg.entities,
    '--points', cfg.points, '--dim', cfg.dim, '--batch', cfg.batch, '--gets', cfg.gets, '--ranges', cfg.ranges];
  const fig = jsonLinesOf(`the limit's ${kind} read`, cfg.limit, args.map(String)).find((o) => o.figure === `cpp.${kind}`);
  assert(fig, `the limit printed no cpp.${kind} figure`);
  return fig;
}

/**
 * Runs every read figure in its own child process; their JSON lines pass through with their own
 * peak RSS. With the limit's binary (cfg.limit), each throughput figure is bracketed by the
 * limit's matching read just before and just after it (A B A): on a VM whose speed drifts by
 * ±30 % within minutes, a ratio to a reference measured minutes earlier in another job is
 * mostly drift, while the mean of the two brackets shares the figure's moment.
 */
function readsInChildren(cfg) {
  for (const name of Object.keys(READS)) {
    if (name === 'cvx.getLatencyDisk' && !cfg.dropCaches) {
      process.stderr.write('cvx.getLatencyDisk skipped: it empties the OS page cache (root only); pass --drop-caches\n');
      continue;
    }
    const paired = cfg.limit && name !== 'cvx.rssFlat';
    const before = paired && limitRead(cfg, LIMIT_READ(name));
    const lines = jsonLinesOf(`read figure ${name}`, process.execPath, [__filename, JSON.stringify({ ...cfg, phase: 'read', read: name })]);
    const after = paired && limitRead(cfg, LIMIT_READ(name));
    const rss = lines.find((o) => o.peakRssMB !== undefined && o.figure === undefined);
    for (const o of lines) {
      if (o.figure === undefined) continue;
      const pairedLimit = paired && o.pointsPerSec !== undefined ? {
        figure: before.figure,
        pointsPerSec: (before.pointsPerSec + after.pointsPerSec) / 2,
        cpuUsPerPoint: (before.cpuUsPerPoint + after.cpuUsPerPoint) / 2,
        brackets: [before.pointsPerSec, after.pointsPerSec],
        ...(before.p50Us !== undefined && { p50Us: (before.p50Us + after.p50Us) / 2, p99Us: (before.p99Us + after.p99Us) / 2 }),
      } : undefined;
      emit({ ...o, peakRssMB: rss && rss.peakRssMB, ...(pairedLimit && { pairedLimit }) });
    }
  }
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
  if (cfg.phase === 'read') {
    await READS[cfg.read](store, w, cfg);
    await store.close();
    return;
  }
  switch (cfg.phase) {
    case 'putSync': await putSync(store, w); break;
    case 'putAsync': await putAsync(store, w, cfg.inflight); break;
    case 'putManySync': await putMany(store, w, true); break;
    case 'putMany': await putMany(store, w, false); break;
    case 'bulkLoad': await bulkLoad(store, w); break;
    default: throw new Error(`unknown cvx phase ${cfg.phase}`);
  }
  checkTimelines(store, w);
  await store.close();
  if (cfg.phase === 'putMany' && cfg.reads) {
    // Reopen so reads see what every contender sees: the WAL replayed and flushed to SST files,
    // and background compaction finished.
    store = HotStore.openSync(cfg.dir, opts);
    emit({ figure: 'cvx.settle', settleSeconds: await settle(cfg.dir) });
    await store.close();
    readsInChildren(cfg);
  }
});
