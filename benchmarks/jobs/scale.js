'use strict';
// Job process of the scale run (`npm run bench -- --scale 10m`, lib/scale.js): one store of the
// workload at one size, ingested with putMany or bulkLoad (phase), then, on the same open store
// once its directory is quiet (compactions done): the bytes it holds on disk, the bytes RocksDB
// wrote (stats().writes, its tickers) and the OS's count of bytes written by this process, and
// the latency of awaited get() and rangeColumns() calls, each timed alone (p50 / p99 / p999).
const fs = require('fs');
const path = require('path');
const { jobArgs, emit, timed, runJob, assert, settle } = require('../lib/child');
const { makeWorkload } = require('../lib/workload');

const { HotStore } = require(path.join(__dirname, '..', '..', 'dist'));

const SPACE = 0;
// Compactions after a 10M-point ingest can run for minutes; the run waits for them (at most this
// long) so bytes on disk and write amplification include them.
const SETTLE_MAX_MS = 15 * 60 * 1000;

/** Bytes this process has caused to be written to the block device (Linux /proc/self/io). */
function osWriteBytes() {
  try {
    const m = /write_bytes:\s*(\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch { return undefined; }
}

/** Total size of the files under `dir` (apparent sizes, as `du -b`). */
function dirBytes(dir) {
  let sum = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    try { sum += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size; } catch { /* deleted meanwhile */ }
  }
  return sum;
}

/** The batches of the whole workload, with a progress line every tenth (a 10M ingest takes minutes). */
function* batches(w, label) {
  const tenth = Math.max(w.B, Math.ceil(w.total / 10 / w.B) * w.B);
  const t0 = Date.now();
  for (let from = 0; from < w.total; from += w.B) {
    if (from > 0 && from % tenth === 0) {
      process.stderr.write(`  ${label}: ${from.toLocaleString('en-US')} points, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
    yield w.batchOf(from, Math.min(from + w.B, w.total));
  }
}

async function ingest(store, w, phase) {
  const figure = `scale.${phase}`;
  let sstAfterLoad = 0;
  await timed(figure, w.total, async () => {
    if (phase === 'putMany') {
      for (const b of batches(w, figure)) await store.putMany(SPACE, b);
    } else {
      const r = await store.bulkLoad(SPACE, batches(w, figure));
      assert(r.loaded === w.total, `bulkLoad wrote ${JSON.stringify(r)}`);
    }
  }, { batch: w.B });
  if (phase === 'bulkLoad') {
    // The ingested table files: bulkLoad writes them outside RocksDB's write counters.
    const cf = store.statsSync().columnFamilies;
    sstAfterLoad = cf.vectors.sstBytes + cf.timelines.sstBytes + cf.default.sstBytes;
  }
  return sstAfterLoad;
}

/** Each call timed alone: p50, p99 and p999 in µs over the sample, after an untimed warm-up pass of other keys. */
async function latency(figure, sample, warm, one) {
  for (const k of warm) await one(k);
  const us = new Float64Array(sample.length);
  await timed(figure, sample.length, async () => {
    for (let i = 0; i < sample.length; i++) {
      const t0 = process.hrtime.bigint();
      await one(sample[i]);
      us[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
    us.sort();
    const at = (q) => us[Math.min(us.length - 1, Math.floor(q * us.length))];
    return { extra: { p50Us: at(0.5), p99Us: at(0.99), p999Us: at(0.999), maxUs: us[us.length - 1] } };
  });
}

runJob(async () => {
  const cfg = jobArgs();
  const w = makeWorkload(cfg);
  const io0 = osWriteBytes();
  const store = HotStore.openSync(cfg.dir, {});
  const sstAfterLoad = await ingest(store, w, cfg.phase);
  const settleSeconds = await settle(cfg.dir, 2000, SETTLE_MAX_MS);
  const io1 = osWriteBytes();
  const s = store.statsSync();
  const disk = dirBytes(cfg.dir);
  // The points' own bytes: a 20-byte key and the vector per point (timelines are ~1 % more).
  const logical = w.total * (20 + 4 * w.D);
  const tables = s.writes.flushBytes + s.writes.compactionBytesWritten + sstAfterLoad;
  emit({
    figure: `scale.${cfg.phase}.space`, points: w.total, settleSeconds, diskBytes: disk, bytesPerPoint: disk / w.total,
    logicalBytes: logical, spaceAmp: disk / logical,
    // The table files alone: the directory also holds the WAL of what is still in the memtables.
    sstBytesPerPoint: Object.values(s.columnFamilies).reduce((a, c) => a + c.sstBytes, 0) / w.total, writes: s.writes, ingestedFileBytes: sstAfterLoad,
    // Table files written (flushes, compactions, ingested files) per logical byte, and the same with the WAL.
    writeAmp: tables / logical, writeAmpWithWal: (tables + s.writes.walBytes) / logical,
    osWriteBytes: io0 === undefined ? undefined : io1 - io0, osWriteAmp: io0 === undefined ? undefined : (io1 - io0) / logical,
  });
  await latency(`scale.${cfg.phase}.getLatency`, w.getSample(), w.warmGetSample(), async ([e, ts]) => {
    assert((await store.get(e, SPACE, ts)) !== undefined, `get of (${e}, ${ts}) found nothing`);
  });
  await latency(`scale.${cfg.phase}.rangeLatency`, w.rangeSample(), w.warmRangeSample(), async (e) => {
    const n = (await store.rangeColumns(e, SPACE, w.firstTs, w.lastTs)).count;
    assert(n === w.P, `rangeColumns of entity ${e} returned ${n} points`);
  });
  await store.close();
});
