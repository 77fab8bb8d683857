'use strict';
// Turns the figures of one or more runs into ratios, a table and JSON lines. Every ratio is taken
// within one run and only then the median over runs, so a slow run does not pair with a fast one.
// A write figure is divided by the limit's job run just before it; a read figure of ours by the
// limit's reads of the same files run just before and after it (its pairedLimit, jobs/cvx.js).
// The limit's own rows (cpp.get, cpp.range) are its reads of the store it wrote itself.
const { PEERS } = require('./jobs');

// Which C++ figure each figure is measured against, the project's aim for that ratio, and which
// peer figure its "× best peer" column compares with (writes aim at 2× the best peer). The aims
// and the reason for each: docs/performance.md, "Aims".
const RULES = {
  'cvx.putSync': { ref: 'cpp.put', target: 0.8, peer: 'put', peerTarget: 2 },
  'cvx.putAsync': { ref: 'cpp.batch', target: 0.7, peer: 'put', peerTarget: 2, alsoRef: 'cpp.put' },
  'cvx.putMany': { ref: 'cpp.batch', target: 0.9, peer: 'batch', peerTarget: 2 },
  'cvx.putManySync': { ref: 'cpp.batch', peer: 'batch', peerTarget: 2 },
  // Aims (bulk-load issue): ≥ 2× lmdb's batched writes and ≥ 3× putMany, in the same run.
  'cvx.bulkLoad': { ref: 'cpp.batch', peer: 'batch', peerTarget: 2, alsoRef: 'cvx.putMany', alsoTarget: 3, lmdbTarget: 2 },
  'cvx.getSync': { ref: 'cpp.get', target: 0.7, peer: 'get' },
  'cvx.getManySync': { ref: 'cpp.getMany', peer: 'get' },
  'cvx.get': { ref: 'cpp.get', peer: 'get' },
  // The async-reads issue's aims: 1000 get() promises in flight ≥ 0.60 of the limit's MultiGet,
  // and an awaited get ≥ 0.5 of getSync's rate (GET_VS_SYNC_TARGET, a line below the table).
  'cvx.getInflight': { ref: 'cpp.getMany', target: 0.6, peer: 'get' },
  'cvx.getLatency': { ref: 'cpp.getLatency' },
  'cvx.getLatencyDisk': { ref: 'cpp.getLatencyDisk' },
  'cvx.rangeColumnsSync': { ref: 'cpp.range', target: 0.85, peer: 'range' },
  'cvx.rangeColumns': { ref: 'cpp.range', peer: 'range' },
  'cvx.rangeSync': { ref: 'cpp.range', target: 0.6, peer: 'range' },
  'cvx.range': { ref: 'cpp.range', peer: 'range' },
  'cvx.getManySyncInto': { ref: 'cpp.getMany', peer: 'get' },
  'cvx.rangeColumnsSyncInto': { ref: 'cpp.range', peer: 'range' },
};
// As-of figures (jobs/as_of.js, jobs/as_of_many.js), each paired with native/as_of.cc on the same
// files; the aims come from the temporal-reads issue (docs/performance.md, "As-of reads").
Object.assign(RULES, {
  'asof.getAsOfSync.10': { ref: 'cpp.asof.one', target: 0.65 },
  'asof.getAsOfSync.100000': { ref: 'cpp.asof.one', target: 0.65 },
  'asof.getAsOfSync.100000.last10': { ref: 'cpp.asof.one' },
  'asof.getManyAsOfSync': { ref: 'cpp.asof.many', target: 0.65 },
  'asof.getManyAsOfSyncInto': { ref: 'cpp.asof.many', target: 0.85 },
  'asof.manyGetAsOfSync': { ref: 'cpp.asof.many' },
  'asof.manyRangeEmulation': { ref: 'cpp.asof.many' },
  'asof.latestAll': { ref: 'cpp.asof.latest' },
  'asof.latestAllEmulation': { ref: 'cpp.asof.latest' },
  'asof.latestAllAt': { ref: 'cpp.asof.latest' },
  'asof.latestAllAtEmulation': { ref: 'cpp.asof.latest' },
});
for (const p of PEERS) {
  for (const [phase, ref] of [['put', 'cpp.put'], ['batch', 'cpp.batch'], ['get', 'cpp.get'], ['range', 'cpp.range']]) {
    RULES[`${p}.${phase}`] = { ref };
  }
}
const ORDER = [
  'cpp.put', 'cpp.batch', 'cpp.get', 'cpp.getMany', 'cpp.range',
  'cvx.putSync', 'cvx.putAsync', 'cvx.putMany', 'cvx.putManySync', 'cvx.bulkLoad', 'cvx.getSync', 'cvx.getManySync', 'cvx.get',
  'cvx.getInflight', 'cvx.getLatency', 'cvx.getLatencyDisk', 'cvx.rangeColumnsSync', 'cvx.rangeColumns', 'cvx.rangeSync', 'cvx.range', 'cvx.getManySyncInto', 'cvx.rangeColumnsSyncInto',
  ...PEERS.flatMap((p) => ['put', 'batch', 'get', 'range'].map((f) => `${p}.${f}`)),
  ...[10, 100000].flatMap((n) => [`asof.getAsOfSync.${n}`, `asof.rangeEmulation.${n}`, `asof.getSync.${n}`]), 'asof.getAsOfSync.100000.last10',
  'asof.getManyAsOfSyncInto', 'asof.getManyAsOfSync', 'asof.manyGetAsOfSync', 'asof.manyRangeEmulation', 'asof.latestAll', 'asof.latestAllEmulation', 'asof.latestAllAt', 'asof.latestAllAtEmulation',
];
const EVENT_LOOP_TARGET_MS = 10;
const GET_VS_SYNC_TARGET = 0.5;

const median = (xs) => {
  const s = xs.filter((x) => x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!s.length) return undefined;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Ratios of one run: fills ratio (vs C++) and vsBestPeer on each throughput figure. */
function annotateRun(figures) {
  const pps = new Map(figures.filter((f) => f.pointsPerSec !== undefined).map((f) => [f.figure, f.pointsPerSec]));
  for (const f of figures) {
    const rule = RULES[f.figure];
    if (!rule || f.pointsPerSec === undefined) continue;
    f.ref = rule.ref;
    if (f.pairedLimit) {
      f.ref = `${rule.ref} ⇄`;
      f.ratio = f.pointsPerSec / f.pairedLimit.pointsPerSec;
    } else if (pps.has(rule.ref)) {
      f.ratio = f.pointsPerSec / pps.get(rule.ref);
    }
    if (rule.alsoRef && pps.has(rule.alsoRef)) f.ratioToAlsoRef = f.pointsPerSec / pps.get(rule.alsoRef);
    if (rule.lmdbTarget && pps.has('lmdb.batch')) f.vsLmdbBatch = f.pointsPerSec / pps.get('lmdb.batch');
    if (f.figure === 'cvx.get' && pps.has('cvx.getSync')) f.ratioToGetSync = f.pointsPerSec / pps.get('cvx.getSync');
    if (rule.target !== undefined) f.target = rule.target;
    if (rule.peer) {
      let best;
      for (const p of PEERS) {
        const v = pps.get(`${p}.${rule.peer}`);
        if (v !== undefined && (!best || v > best.v)) best = { name: `${p}.${rule.peer}`, v };
      }
      if (best) {
        f.bestPeer = best.name;
        f.vsBestPeer = f.pointsPerSec / best.v;
      }
      if (rule.peerTarget !== undefined) f.peerTarget = rule.peerTarget;
    }
  }
  return figures;
}

/** Medians over runs of every numeric field, per figure name. */
function combineRuns(runs) {
  const byName = new Map();
  for (const figures of runs) {
    for (const f of figures) {
      if (!byName.has(f.figure)) byName.set(f.figure, []);
      byName.get(f.figure).push(f);
    }
  }
  const out = [];
  for (const [name, list] of byName) {
    // Union of the runs' fields: a field only some runs have (a peer missing from one run)
    // still gets the median of the runs that have it.
    const merged = Object.assign({}, ...list, { runs: list.length });
    for (const k of Object.keys(merged)) {
      if (typeof merged[k] === 'number' && k !== 'runs') merged[k] = median(list.map((f) => f[k]));
    }
    if (list.length > 1 && merged.pointsPerSec !== undefined) merged.perRunPointsPerSec = list.map((f) => f.pointsPerSec);
    // The spread of a ratio over runs, not only its median: on a shared machine that is the news.
    if (list.length > 1 && merged.ratio !== undefined) merged.perRunRatios = list.map((f) => f.ratio);
    const paired = list.map((f) => f.pairedLimit).filter(Boolean);
    if (paired.length) {
      merged.pairedLimit = {
        figure: paired[0].figure,
        pointsPerSec: median(paired.map((p) => p.pointsPerSec)),
        cpuUsPerPoint: median(paired.map((p) => p.cpuUsPerPoint)),
        brackets: paired.map((p) => p.brackets),
        p50Us: median(paired.map((p) => p.p50Us)),
        p99Us: median(paired.map((p) => p.p99Us)),
      };
    }
    if (name === 'cvx.rssFlat') merged.rssSamplesMB = list[list.length - 1].rssSamplesMB;
    if (merged.target !== undefined && merged.ratio !== undefined) merged.meetsTarget = merged.ratio >= merged.target;
    if (merged.peerTarget !== undefined && merged.vsBestPeer !== undefined) merged.meetsPeerTarget = merged.vsBestPeer >= merged.peerTarget;
    if (name.endsWith('.eventLoop') && Number.isFinite(merged.eventLoopP99Ms)) merged.meetsTarget = merged.eventLoopP99Ms < EVENT_LOOP_TARGET_MS;
    out.push(merged);
  }
  const rank = (n) => (ORDER.indexOf(n) < 0 ? ORDER.length : ORDER.indexOf(n));
  return out.sort((a, b) => rank(a.figure) - rank(b.figure));
}

const fmtInt = (n) => (n === undefined ? '' : Math.round(n).toLocaleString('en-US'));
const fmtRatio = (r) => (r === undefined ? '' : `${r.toFixed(2)}`);
const mark = (ok) => (ok === undefined ? '' : ok ? ' ok' : ' MISS');
// Histograms of a phase shorter than their 1 ms resolution are empty (NaN, null in JSON).
const fmtMs = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${x.toFixed(2)} ms` : 'n/a (phase too short)');

function table(figures, failures) {
  const rows = [['figure', 'points/s', 'vs C++', 'C++ ref', 'target', 'vs best peer', 'best peer', 'CPU µs/pt', 'peak RSS MB']];
  for (const f of figures) {
    if (f.pointsPerSec === undefined) continue;
    rows.push([
      f.figure,
      fmtInt(f.pointsPerSec),
      f.figure.startsWith('cpp.') ? '1.00' : fmtRatio(f.ratio),
      f.figure.startsWith('cpp.') ? '' : f.ref || '',
      f.target !== undefined ? `≥ ${f.target.toFixed(2)}${mark(f.meetsTarget)}` : '',
      f.vsBestPeer !== undefined ? `${f.vsBestPeer.toFixed(2)}×${f.peerTarget ? mark(f.meetsPeerTarget) : ''}` : '',
      f.bestPeer || '',
      f.cpuUsPerPoint !== undefined ? f.cpuUsPerPoint.toFixed(1) : '',
      f.peakRssMB !== undefined ? f.peakRssMB.toFixed(0) : '',
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => `| ${r.map((cell, c) => (c === 0 || c === 3 || c === 6 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  // A run of resource jobs only has no throughput rows: no empty table then.
  const out = rows.length === 1 ? [] : [line(rows[0]), `|${widths.map((w, c) => (c === 0 || c === 3 || c === 6 ? ':' : '-') + '-'.repeat(w) + (c === 0 || c === 3 || c === 6 ? '-' : ':')).join('|')}|`];
  for (const r of rows.slice(1)) out.push(line(r));
  if (rows.length > 1) out.push('');
  if (figures.some((f) => f.pairedLimit)) {
    out.push('⇄ the limit\'s reads of the same store files, run just before and just after the figure (ratio to their mean)');
  }
  const loop = figures.find((f) => f.figure === 'cvx.putAsync.eventLoop');
  if (loop) {
    out.push(`event-loop delay during async put: p99 ${fmtMs(loop.eventLoopP99Ms)}, max ${fmtMs(loop.eventLoopMaxMs)}, ` +
      `mean ${fmtMs(loop.eventLoopMeanMs)} (target p99 < ${EVENT_LOOP_TARGET_MS} ms:${mark(loop.meetsTarget)})` +
      (loop.idleLoopP99Ms !== undefined ? `; idle loop p99 on this machine: ${fmtMs(loop.idleLoopP99Ms)}` : ''));
  }
  const bulkLoop = figures.find((f) => f.figure === 'cvx.bulkLoad.eventLoop');
  if (bulkLoop) {
    out.push(`event-loop delay during bulkLoad: p99 ${fmtMs(bulkLoop.eventLoopP99Ms)}, max ${fmtMs(bulkLoop.eventLoopMaxMs)}, ` +
      `mean ${fmtMs(bulkLoop.eventLoopMeanMs)} (target p99 < ${EVENT_LOOP_TARGET_MS} ms:${mark(bulkLoop.meetsTarget)})` +
      (bulkLoop.idleLoopP99Ms !== undefined ? `; idle loop p99 on this machine: ${fmtMs(bulkLoop.idleLoopP99Ms)}` : ''));
  }
  const bulk = figures.find((f) => f.figure === 'cvx.bulkLoad');
  if (bulk && (bulk.ratioToAlsoRef !== undefined || bulk.vsLmdbBatch !== undefined)) {
    out.push(`bulkLoad vs putMany (same run): ${fmtRatio(bulk.ratioToAlsoRef)}× (target ≥ 3:${mark(bulk.ratioToAlsoRef === undefined ? undefined : bulk.ratioToAlsoRef >= 3)}); ` +
      `vs lmdb.batch: ${fmtRatio(bulk.vsLmdbBatch)}× (target ≥ 2:${mark(bulk.vsLmdbBatch === undefined ? undefined : bulk.vsLmdbBatch >= 2)})`);
  }
  const get = figures.find((f) => f.figure === 'cvx.get');
  if (get && get.ratioToGetSync !== undefined) {
    out.push(`awaited get vs getSync: ${get.ratioToGetSync.toFixed(2)} (target ≥ ${GET_VS_SYNC_TARGET}:${mark(get.ratioToGetSync >= GET_VS_SYNC_TARGET)})`);
  }
  for (const f of figures.filter((x) => x.p50Us !== undefined && x.figure.startsWith('cvx.'))) {
    const lim = f.pairedLimit && f.pairedLimit.p50Us !== undefined ? ` (the limit's: ${f.pairedLimit.p50Us.toFixed(1)} / ${f.pairedLimit.p99Us.toFixed(1)} µs)` : '';
    out.push(`${f.figure}: awaited get p50 ${f.p50Us.toFixed(1)} µs, p99 ${f.p99Us.toFixed(1)} µs${lim}`);
  }
  const loops = figures.filter((f) => f.eventLoopP99Ms !== undefined && f.figure !== 'cvx.putAsync.eventLoop' && f.figure !== 'cvx.bulkLoad.eventLoop');
  if (loops.length) {
    out.push(`event-loop delay p99 in the async reads (target < ${EVENT_LOOP_TARGET_MS} ms): ` +
      loops.map((f) => `${f.figure} ${fmtMs(f.eventLoopP99Ms)}${mark(Number.isFinite(f.eventLoopP99Ms) ? f.eventLoopP99Ms < EVENT_LOOP_TARGET_MS : undefined)}` +
        (f.idleLoopP99Ms !== undefined ? ` (idle ${fmtMs(f.idleLoopP99Ms)})` : '')).join(', '));
  }
  const asyncPut = figures.find((f) => f.figure === 'cvx.putAsync');
  if (asyncPut && asyncPut.ratioToAlsoRef !== undefined) {
    out.push(`async put vs the C++ per-point limit (cpp.put): ${asyncPut.ratioToAlsoRef.toFixed(2)}`);
  }
  const rss = figures.find((f) => f.figure === 'cvx.rssFlat');
  if (rss) {
    out.push(`RSS across ${fmtInt(rss.calls)} repeated range() calls (MB, every 10%): ${rss.rssSamplesMB.join(' ')} ` +
      `→ growth ${rss.rssGrowthMB} MB after the first tenth`);
  }
  const spread = figures.filter((f) => f.perRunRatios && f.pairedLimit && f.figure.startsWith('asof.'));
  if (spread.length) {
    out.push('ratios to the C++ limit per run: ' +
      spread.map((f) => `${f.figure} ${f.perRunRatios.map((r) => (r === undefined ? '?' : r.toFixed(2))).join(' / ')}`).join('; '));
  }
  // Resource and as-of figures (jobs/resources.js, jobs/as_of*.js) carry their own one-line
  // summary (with several runs: the last run's).
  for (const f of figures) if (f.summary) out.push(f.summary);
  for (const f of failures) out.push(`FAILED: ${f}`);
  return out.join('\n');
}

module.exports = { annotateRun, combineRuns, table, RULES };
