'use strict';
// Command-line and environment options of `npm run bench` (benchmarks/README.md lists them).
// Flags win over environment variables, which win over the defaults below.
const os = require('os');
const { Command, InvalidArgumentError } = require('commander');

function positiveInt(v) {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** A point count such as 100k, 2m, 10m or 250000: a positive multiple of 100 (100 points per entity). */
function pointCount(v) {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(String(v).trim());
  const n = m ? Math.round(Number(m[1]) * { '': 1, k: 1e3, m: 1e6 }[m[2].toLowerCase()]) : NaN;
  if (!Number.isSafeInteger(n) || n < 100 || n % 100 !== 0) {
    throw new InvalidArgumentError('must be a point count that is a multiple of 100, e.g. 100k, 2m or 10m');
  }
  return n;
}

function env(name, fallback) {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : positiveInt(v);
}

function parseOptions(argv) {
  const program = new Command('bench')
    .description('cvx-storage benchmark: our library vs a C++ program on the same RocksDB (the limit) vs Node peers')
    .option('-E, --entities <n>', 'entities (env CVX_BENCH_ENTITIES)', positiveInt, env('CVX_BENCH_ENTITIES', 1000))
    .option('-P, --points <n>', 'points per entity (env CVX_BENCH_POINTS)', positiveInt, env('CVX_BENCH_POINTS', 100))
    .option('-D, --dim <n>', 'vector dimension (env CVX_BENCH_DIM)', positiveInt, env('CVX_BENCH_DIM', 768))
    .option('--scale [points]', 'alone: the whole suite on 1M points (10 000 entities × 100); with a count (100k, 2m, 10m): ' +
      'the scale run, ingest, latency and amplification at that count against 100k (benchmarks/README.md)')
    .option('--batch <n>', 'points per putMany / WriteBatch', positiveInt, env('CVX_BENCH_BATCH', 1000))
    .option('--inflight <n>', 'outstanding promises in the async put figure', positiveInt, env('CVX_BENCH_INFLIGHT', 1000))
    .option('--gets <n>', 'random point gets per read figure', positiveInt, env('CVX_BENCH_GETS', 100000))
    .option('--ranges <n>', 'full-trajectory ranges (random entities) per range figure', positiveInt, env('CVX_BENCH_RANGES', 2000))
    .option('--rss-calls <n>', 'repeated range() calls of the RSS-flat check', positiveInt, env('CVX_BENCH_RSS_CALLS', 10000))
    .option('--runs <n>', 'repeat every job; the table shows medians', positiveInt, env('CVX_BENCH_RUNS', 1))
    .option('--sync', 'durable writes: fsync the WAL (cvx sync:true, C++ WriteOptions.sync, peers likewise)', process.env.CVX_BENCH_SYNC === '1')
    .option('--only <names>', 'comma-separated jobs, contenders or figures to run (e.g. cpp,cvx or cvx.putSync,cpp.put)')
    .option('--no-reads', 'skip the read figures after the batched ingest')
    .option('--json', 'print one JSON object per figure per line instead of the table')
    .option('--save <file>', 'also write the JSON lines to this file (the table still prints)')
    .option('--drop-caches', 'run cvx.getLatencyDisk: empties the OS page cache (root only) before its timed gets')
    .option('--tmp <dir>', 'where the fresh per-job database directories go', process.env.CVX_BENCH_TMP || os.tmpdir())
    .parse(argv);
  const o = program.opts();
  if (o.scale === true) {
    o.entities = 10000;
    o.points = 100;
  } else if (o.scale !== undefined) {
    // The scale run (lib/scale.js): 100 points per entity, as the default workload.
    try {
      o.scaleRun = pointCount(o.scale);
    } catch (e) {
      program.error(`error: option '--scale [points]' argument '${o.scale}' is invalid. ${e.message}`);
    }
    o.points = 100;
    o.entities = o.scaleRun / 100;
  }
  o.only = o.only ? o.only.split(',').map((s) => s.trim()).filter(Boolean) : null;
  o.sync = Boolean(o.sync);
  o.dropCaches = Boolean(o.dropCaches);
  return o;
}

module.exports = { parseOptions, pointCount };
