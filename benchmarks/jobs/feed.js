'use strict';
// Job process for the change feed figures (docs/processes.md, "Feed consumers"), run only when
// named: `npm run bench -- --only feed`. A store opened with WAL retention is loaded with
// putMany (200 entities × 100 points × dim 128, one batch per entity). Timed:
//   the ingest itself (points/s);
//   replaying its feed from sequence 0 into an empty replica (changes() + applyChanges, one
//   record per call), whose ratio to the ingest the issue asks to be at least 1×;
//   the live lag during a second ingest: a changes() loop of the same process (pollMs 1) beside
//   async putMany calls, from each batch's acknowledgement to its record's arrival (p50, p99).
const path = require('path');
const { performance } = require('perf_hooks');
const { jobArgs, emit, runJob, assert } = require('../lib/child');

const { HotStore } = require(path.join(__dirname, '..', '..', 'dist'));

const DIM = 128;
const ENTITIES = 200;
const POINTS = 100;

const batchOf = (e, t0) => ({
  entityIds: new Float64Array(POINTS).fill(e),
  timestamps: Float64Array.from({ length: POINTS }, (_, i) => t0 + i * 60000),
  vectors: new Float32Array(POINTS * DIM).fill(e / ENTITIES),
  dim: DIM,
});
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

runJob(async () => {
  const cfg = jobArgs();
  const src = await HotStore.open(path.join(cfg.dir, 'src'), { walTtlSeconds: 3600 });
  const points = ENTITIES * POINTS;
  let t0 = performance.now();
  for (let e = 0; e < ENTITIES; e++) await src.putMany(0, batchOf(e, 0));
  const ingest = points / ((performance.now() - t0) / 1000);

  const replica = await HotStore.open(path.join(cfg.dir, 'replica'));
  t0 = performance.now();
  let applied = 0;
  for await (const r of src.changes({ since: 0, follow: false })) applied = await replica.applyChanges(r);
  const replay = points / ((performance.now() - t0) / 1000);
  assert(applied === (await src.latestSequence()), `the replica applied ${applied}, the source is at ${await src.latestSequence()}`);
  emit({ figure: 'feed.ingest', points, pointsPerSec: ingest });
  emit({
    figure: 'feed.replay', points, pointsPerSec: replay, ratio: replay / ingest,
    summary: `replaying the feed of a ${points}-point putMany ingest into an empty replica: ${(replay / 1000).toFixed(0)}k points/s, ` +
      `${(replay / ingest).toFixed(2)}× the ingest's ${(ingest / 1000).toFixed(0)}k points/s`,
  });
  await replica.close();

  // Live lag: each batch's acknowledgement time and its record's arrival, keyed by the sequence
  // the batch ended at (a record may arrive before the writer's continuation runs: lag 0).
  const acked = new Map();
  const arrived = new Map();
  const ac = new AbortController();
  const consumer = (async () => {
    for await (const r of src.changes({ pollMs: 1, signal: ac.signal })) {
      arrived.set(r.sequence, performance.now());
      if (arrived.size === ENTITIES) ac.abort();
    }
  })();
  for (let e = 0; e < ENTITIES; e++) {
    await src.putMany(0, batchOf(e, 1e9));
    const at = performance.now();
    acked.set(await src.latestSequence(), at);
  }
  await consumer;
  const lags = [...acked].map(([seq, at]) => Math.max(0, arrived.get(seq) - at));
  assert(lags.every((x) => Number.isFinite(x)), 'a batch never arrived in the feed');
  lags.sort((x, y) => x - y);
  emit({
    figure: 'feed.liveLag', samples: lags.length, p50: pct(lags, 50), p99: pct(lags, 99),
    summary: `live lag during an ingest (pollMs 1): p50 ${pct(lags, 50).toFixed(2)} ms, p99 ${pct(lags, 99).toFixed(2)} ms (${lags.length} batches)`,
  });
  await src.close();
});
