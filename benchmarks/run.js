'use strict';
// `npm run bench`: the benchmark suite (its aims and results: docs/performance.md). Builds the C++
// limit if needed, runs every job (contender × phase) in its own child process on a fresh
// temporary database, then prints a table (or JSON lines with --json) of points/s, ratios to the
// C++ limit of the same run, ratios to the best Node peer, peak RSS, event-loop delay and the
// RSS-flat check. `--scale <points>` runs the scale run instead (lib/scale.js).
// benchmarks/README.md explains each figure and option.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { parseOptions } = require('./lib/options');
const { selectJobs, runJob } = require('./lib/jobs');
const { annotateRun, combineRuns, table } = require('./lib/report');
const { buildLimit, buildResources, buildAsOf } = require('./native/build');
const { runScale, scaleTable } = require('./lib/scale');

const root = path.join(__dirname, '..');

function checkLibraryBuilt() {
  const missing = [path.join(root, 'dist', 'index.js'), path.join(root, 'build', 'Release', 'cvx_native.node')]
    .filter((f) => !fs.existsSync(f));
  if (missing.length) {
    throw new Error(`cvx-storage is not built (${missing.map((f) => path.relative(root, f)).join(', ')} missing): run \`npm run build\``);
  }
}

function machine() {
  let rocksdb = '';
  try { rocksdb = execFileSync('pkg-config', ['--modversion', 'rocksdb'], { encoding: 'utf8' }).trim(); } catch { /* unknown */ }
  const cpus = os.cpus();
  return {
    cpu: cpus[0] && cpus[0].model, cores: cpus.length, memGB: Math.round(os.totalmem() / 2 ** 30), node: process.version, rocksdb,
    kernel: os.release(), loadAvgAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

/** `--scale <points>`: the scale run alone (lib/scale.js), its own table or JSON lines. */
async function scaleMain(cfg, log) {
  checkLibraryBuilt();
  const m = machine();
  log(`machine: ${m.cpu} × ${m.cores}, ${m.memGB} GB, Node ${m.node}, RocksDB ${m.rocksdb}, Linux ${m.kernel}`);
  const { figures, failures, sizes } = await runScale(cfg, log);
  m.loadAvgAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
  const lines = figures.map((f) => JSON.stringify({ ...f, dim: cfg.dim, machine: m })).join('\n') + '\n';
  if (cfg.save) fs.writeFileSync(cfg.save, lines);
  if (cfg.json) {
    process.stdout.write(lines);
  } else {
    console.log(`\ncvx-storage scale run — ${sizes.map((n) => n.toLocaleString('en-US')).join(' vs ')} points × dim ${cfg.dim}, batch ${cfg.batch}, ` +
      `${cfg.gets} gets, ${cfg.ranges} ranges`);
    console.log(`${m.cpu} × ${m.cores} cores, ${m.memGB} GB, Node ${m.node}, RocksDB ${m.rocksdb}; ` +
      `load average ${m.loadAvgAtStart[0]} at start, ${m.loadAvgAtEnd[0]} at end\n`);
    console.log(scaleTable(figures, failures, sizes));
  }
  if (failures.length) process.exitCode = 1;
}

async function main() {
  const cfg = parseOptions(process.argv);
  if (cfg.scaleRun) return scaleMain(cfg, (s) => process.stderr.write(`${s}\n`));
  const jobs = selectJobs(cfg.only);
  const log = (s) => process.stderr.write(`${s}\n`);
  if (jobs.some((j) => ['cvx', 'res', 'asof'].includes(j.contender))) checkLibraryBuilt();
  // The limit runs its own jobs and also brackets each of our read figures (jobs/cvx.js).
  const limitBin = jobs.some((j) => j.contender === 'cpp' || j.contender === 'cvx') ? buildLimit() : null;
  const resourcesBin = jobs.some((j) => j.contender === 'res') ? buildResources() : null;
  const asOfBin = jobs.some((j) => j.contender === 'asof') ? buildAsOf() : null;
  const total = cfg.entities * cfg.points;
  const workload = { entities: cfg.entities, points: cfg.points, dim: cfg.dim, total, batch: cfg.batch, inflight: cfg.inflight,
    gets: cfg.gets, ranges: cfg.ranges, sync: cfg.sync, runs: cfg.runs };
  const m = machine();
  log(`workload: ${cfg.entities} entities × ${cfg.points} points × dim ${cfg.dim} = ${total.toLocaleString('en-US')} points ` +
    `(${(total * cfg.dim * 4 / 1e6).toFixed(0)} MB of vectors), batch ${cfg.batch}, ${cfg.inflight} in flight, ` +
    `${cfg.gets} gets, ${cfg.ranges} ranges, sync ${cfg.sync}, ${cfg.runs} run(s)`);
  log(`machine: ${m.cpu} × ${m.cores}, ${m.memGB} GB, Node ${m.node}, RocksDB ${m.rocksdb}, Linux ${m.kernel}`);

  const runs = [];
  const failures = [];
  for (let r = 0; r < cfg.runs; r++) {
    const figures = [];
    for (const [k, job] of jobs.entries()) {
      const t0 = Date.now();
      process.stderr.write(`[run ${r + 1}/${cfg.runs}, ${k + 1}/${jobs.length}] ${job.id} … `);
      const res = await runJob(job, cfg, limitBin, resourcesBin, asOfBin);
      log(`${((Date.now() - t0) / 1000).toFixed(1)} s${res.error ? ` FAILED (${res.error})` : ''}`);
      if (res.error) failures.push(`${job.id} (run ${r + 1}): ${res.error}`);
      figures.push(...res.figures.map((f) => ({ ...f, run: r + 1 })));
    }
    runs.push(annotateRun(figures));
  }
  const combined = combineRuns(runs);
  // Other processes on the machine change wall-clock figures (not CPU µs/pt); say how busy it was.
  m.loadAvgAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
  const lines = combined.map((f) => JSON.stringify({ ...f, workload, machine: m })).join('\n') + '\n';
  if (cfg.save) fs.writeFileSync(cfg.save, lines);
  if (cfg.json) {
    process.stdout.write(lines);
  } else {
    console.log(`\ncvx-storage benchmark — ${cfg.entities} × ${cfg.points} × dim ${cfg.dim} (${total.toLocaleString('en-US')} points), ` +
      `batch ${cfg.batch}, ${cfg.inflight} in flight, sync ${cfg.sync}, ${cfg.runs === 1 ? '1 run' : `median of ${cfg.runs} runs`}`);
    console.log(`${m.cpu} × ${m.cores} cores, ${m.memGB} GB, Node ${m.node}, RocksDB ${m.rocksdb}; ` +
      `load average ${m.loadAvgAtStart[0]} at start, ${m.loadAvgAtEnd[0]} at end\n`);
    console.log(table(combined, failures));
  }
  if (failures.length) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`bench: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
