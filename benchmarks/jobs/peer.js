'use strict';
// Job process for one Node peer (benchmarks/peers/<name>.js), doing cvx-storage's logical work
// with that peer's own API. Phases:
//   put    per point: read timeline, existence check, vector + timeline in one atomic write,
//          each awaited before the next (the peers have no other way to keep timelines exact)
//   batch  `batch` points per atomic write, timelines folded; then close, reopen and the reads:
//          point gets (value turned into a Float32Array) and full-trajectory ranges over the
//          20-byte keys with gte/lte (each entry turned into { timestamp, vector }).
const path = require('path');
const { jobArgs, emit, timed, runJob, assert, settle } = require('../lib/child');
const { getFigure, rangeFigure } = require('../lib/reads');
const { makeWorkload, vectorKey, timelineKey, decodeTimestamp } = require('../lib/workload');
const { vectorBytes, toFloat32, decodeTimeline } = require('../peers/record');

const SPACE = 0;

function pointMaker(w) {
  const values = new Array(w.poolSize);
  for (let k = 0; k < w.poolSize; k++) values[k] = vectorBytes(w.pool.subarray(k * w.D, (k + 1) * w.D));
  return (i) => {
    const entityId = w.entityIds[i];
    const ts = w.timestamps[i];
    return { key: vectorKey(entityId, SPACE, ts), tkey: timelineKey(entityId, SPACE), value: values[i % w.poolSize], entityId, ts };
  };
}

async function checkTimelines(db, w, name) {
  for (const e of [0, Math.floor(w.E / 2), w.E - 1]) {
    const raw = await db.getTimeline(timelineKey(e, SPACE));
    const tl = raw && decodeTimeline(raw);
    assert(tl && tl.pointCount === w.P && tl.firstSeen === w.firstTs && tl.lastSeen === w.lastTs,
      `${name}: timeline of entity ${e} after ingest: ${JSON.stringify(tl)}`);
  }
}

async function reads(db, w, name) {
  await getFigure(`${name}.get`, w, async (sample) => {
    let found = 0;
    for (const [e, ts] of sample) {
      const v = await db.get(vectorKey(e, SPACE, ts));
      if (v !== undefined && toFloat32(v).length === w.D) found++;
    }
    return found;
  });
  await rangeFigure(`${name}.range`, w, async (e) => {
    const entries = await db.range(vectorKey(e, SPACE, w.firstTs), vectorKey(e, SPACE, w.lastTs));
    return entries.map(([k, v]) => ({ entityId: e, timestamp: decodeTimestamp(k), vector: toFloat32(v) })).length;
  });
}

runJob(async () => {
  const cfg = jobArgs();
  const peer = require(path.join(__dirname, '..', 'peers', `${cfg.peer}.js`));
  const w = makeWorkload(cfg);
  const point = pointMaker(w);
  let db = await peer.open(cfg.dir, { sync: cfg.sync });
  if (cfg.phase === 'put') {
    await timed(`${peer.name}.put`, w.total, async () => {
      for (let i = 0; i < w.total; i++) await db.putPoint(point(i));
    });
  } else if (cfg.phase === 'batch') {
    await timed(`${peer.name}.batch`, w.total, async () => {
      for (let from = 0; from < w.total; from += w.B) {
        const points = [];
        for (let i = from; i < Math.min(from + w.B, w.total); i++) points.push(point(i));
        await db.putBatch(points);
      }
    }, { batch: w.B });
  } else {
    throw new Error(`unknown peer phase ${cfg.phase}`);
  }
  await checkTimelines(db, w, peer.name);
  await db.close();
  if (cfg.phase === 'batch' && cfg.reads) {
    db = await peer.open(cfg.dir, { sync: cfg.sync });
    emit({ figure: `${peer.name}.settle`, settleSeconds: await settle(cfg.dir) });
    await reads(db, w, peer.name);
    await db.close();
  }
});
