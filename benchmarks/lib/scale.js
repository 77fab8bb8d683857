'use strict';
// The scale run (`npm run bench -- --scale 10m`; benchmarks/README.md, "Scale run"): the same
// workload at 100k points and at the asked size, each ingested once with putMany and once with
// bulkLoad (jobs/scale.js, one store at a time, each deleted before the next starts), then its
// latencies and amplification. Reported as the large size against 100k. It checks free space
// before each store and refuses, saying what it needs, when there is not enough; it never runs
// under CI (a 10M store is about 31 GB).
const fs = require('fs');
const { runJob } = require('./jobs');

const BASE = 100_000;
const PHASES = ['putMany', 'bulkLoad'];
const INGEST_GOAL = 0.7;
// Free space a store needs, per byte of its points (20-byte key + vector): putMany's WAL and a
// compaction's new files beside the old ones; bulkLoad's sorted runs in its staging directory
// beside the table files merged from them.
const HEADROOM = { putMany: 1.5, bulkLoad: 2.3 };

const GB = (b) => `${(b / 1e9).toFixed(1)} GB`;
const needed = (points, dim, phase) => points * (20 + 4 * dim) * HEADROOM[phase];

function freeBytes(dir) {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Throws, saying what it needs and has, when `dir`'s file system lacks the room for `phase` at `points`. */
function checkSpace(cfg, points, phase) {
  const need = needed(points, cfg.dim, phase);
  const free = freeBytes(cfg.tmp);
  if (free < need) {
    throw new Error(`the scale run needs ${GB(need)} free in ${cfg.tmp} for its ${points.toLocaleString('en-US')}-point ${phase} store ` +
      `(${HEADROOM[phase]} × ${(20 + 4 * cfg.dim)} bytes per point), and ${GB(free)} is free: free some space, ` +
      'point --tmp at a larger disk, or ask for a smaller --scale');
  }
  return { need, free };
}

/** Runs the scale jobs; resolves { figures, failures }. `log` prints progress (stderr). */
async function runScale(cfg, log) {
  if (process.env.CI) throw new Error('the scale run writes stores of tens of GB and does not run under CI (CI is set)');
  const sizes = cfg.scaleRun === BASE ? [BASE] : [BASE, cfg.scaleRun];
  // --only scale:putMany or scale:bulkLoad runs one ingest path (a 10M putMany alone takes ~20 min here).
  const phases = cfg.only ? PHASES.filter((p) => cfg.only.includes(`scale:${p}`)) : PHASES;
  if (!phases.length) throw new Error(`--only with --scale <points> takes ${PHASES.map((p) => `scale:${p}`).join(', ')}`);
  const worst = Math.max(...phases.map((p) => needed(cfg.scaleRun, cfg.dim, p)));
  log(`scale run: ${sizes.map((n) => n.toLocaleString('en-US')).join(' and ')} points × dim ${cfg.dim}, ${phases.join(' then ')}, ` +
    `one store at a time in ${cfg.tmp}; the largest needs ${GB(worst)} free, ${GB(freeBytes(cfg.tmp))} is free`);
  for (const p of phases) checkSpace(cfg, cfg.scaleRun, p); // refuse before minutes of work, not after
  const figures = [];
  const failures = [];
  for (const size of sizes) {
    for (const phase of phases) {
      checkSpace(cfg, size, phase); // other work on the disk may have taken room since
      const t0 = Date.now();
      log(`[scale] ${size.toLocaleString('en-US')} points, ${phase} … `);
      const res = await runJob({ id: `scale:${phase}`, contender: 'scale', phase }, { ...cfg, entities: size / 100, points: 100 });
      log(`[scale] ${size.toLocaleString('en-US')} points, ${phase}: ${((Date.now() - t0) / 1000).toFixed(0)} s${res.error ? ` FAILED (${res.error})` : ''}`);
      if (res.error) failures.push(`scale:${phase} at ${size} points: ${res.error}`);
      figures.push(...res.figures.map((f) => ({ ...f, size })));
    }
  }
  return { figures, failures, sizes };
}

const us = (x) => (x === undefined ? '' : x < 100 ? x.toFixed(1) : x.toFixed(0));
const pct = (f) => (f ? `${us(f.p50Us)} / ${us(f.p99Us)} / ${us(f.p999Us)}` : '');
const ratio = (a, b) => (a !== undefined && b ? (a / b).toFixed(2) : '');

/** The scale run's table: each row at 100k, at the large size, and their ratio. */
function scaleTable(figures, failures, sizes) {
  const big = sizes[sizes.length - 1];
  const at = (size, name) => figures.find((f) => f.size === size && f.figure === name);
  const rows = [['figure', `${BASE / 1000}k points`, `${big.toLocaleString('en-US')} points`, 'ratio', 'goal']];
  for (const phase of PHASES.filter((p) => figures.some((f) => f.figure === `scale.${p}`))) {
    const [a, b] = [BASE, big].map((n) => at(n, `scale.${phase}`));
    const r = a && b ? b.pointsPerSec / a.pointsPerSec : undefined;
    rows.push([`${phase} ingest, points/s`, a ? Math.round(a.pointsPerSec).toLocaleString('en-US') : '', b ? Math.round(b.pointsPerSec).toLocaleString('en-US') : '',
      r === undefined ? '' : r.toFixed(2), r === undefined ? `≥ ${INGEST_GOAL}` : `≥ ${INGEST_GOAL} ${r >= INGEST_GOAL ? 'ok' : 'MISS'}`]);
    for (const kind of ['getLatency', 'rangeLatency']) {
      const [x, y] = [BASE, big].map((n) => at(n, `scale.${phase}.${kind}`));
      rows.push([`  after ${phase}: awaited ${kind === 'getLatency' ? 'get' : 'rangeColumns (100 points)'} p50 / p99 / p999 µs`, pct(x), pct(y),
        x && y ? `p99 ${ratio(y.p99Us, x.p99Us)}` : '', '']);
    }
    const [s, t] = [BASE, big].map((n) => at(n, `scale.${phase}.space`));
    const sp = (f) => (f ? `${f.bytesPerPoint.toFixed(0)} B (${f.spaceAmp.toFixed(2)}×), tables ${f.sstBytesPerPoint.toFixed(0)} B` : '');
    rows.push([`  after ${phase}: bytes on disk per point (space amp)`, sp(s), sp(t), s && t ? ratio(t.bytesPerPoint, s.bytesPerPoint) : '', '']);
    const wa = (f) => (f ? `${f.writeAmp.toFixed(2)} / ${f.writeAmpWithWal.toFixed(2)} / ${f.osWriteAmp === undefined ? '?' : f.osWriteAmp.toFixed(2)}` : '');
    rows.push([`  ${phase}: write amp, tables / + WAL / OS write_bytes`, wa(s), wa(t), '', '']);
    rows.push([`  ${phase}: compactions settled after, s`, s ? s.settleSeconds.toFixed(0) : '', t ? t.settleSeconds.toFixed(0) : '', '', '']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  const out = [line(rows[0]), `|${widths.map((w, c) => (c === 0 ? ':' : '-') + '-'.repeat(w) + (c === 0 ? '-' : ':')).join('|')}|`];
  for (const r of rows.slice(1)) out.push(line(r));
  out.push('', 'write amp: bytes RocksDB wrote to table files (flushes + compactions, + the ingested files of bulkLoad) per byte of ' +
    'the points (20-byte key + vector); "+ WAL" adds its write-ahead log; "OS" is /proc/self/io write_bytes of the job process ' +
    '(everything it made the kernel write: WAL, tables, bulkLoad\'s sorted runs), over the ingest and the settling compactions.');
  for (const f of failures) out.push(`FAILED: ${f}`);
  return out.join('\n');
}

module.exports = { runScale, scaleTable, checkSpace, BASE };
