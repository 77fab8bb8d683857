'use strict';
// What the as-of jobs (jobs/as_of.js, jobs/as_of_many.js) share: timing one figure the way their
// C++ limit (native/as_of.cc) times it, running each figure in a child process of its own, and
// bracketing a figure with the limit's same work on the very same store files.
//
// Every figure first runs its work untimed over a sample as large as the timed one, drawn with
// another seed, then times the measured sample (as lib/reads.js does for the other reads). A
// pass returns { found, checksum }: the checksum (sum of the answers' timestamps mod 2^32) is
// computed alike by the limit, so a figure and its limit provably answered the same points.
const { performance } = require('perf_hooks');
const { jsonLinesOf, assert } = require('./child');

const CHECKSUM_MOD = 4294967296;

/** Adds one answer's timestamp (a Number below 2^53) to a running checksum. */
const addToChecksum = (sum, ts) => (sum + ts) % CHECKSUM_MOD;

/**
 * Times `pass(measured)` after an untimed `pass(warm)`. `ops` is what one figure counts (calls
 * for one entity, entities answered for a batch; null: the points the pass found). Returns the
 * figure: ops/s as pointsPerSec (the runner's table column), wall and CPU µs per op.
 */
async function timePass(figure, warm, measured, ops, pass) {
  await pass(warm);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { found, checksum } = await pass(measured);
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const n = ops === null ? found : ops;
  const cpuSeconds = (c.user + c.system) / 1e6;
  return {
    figure, points: n, found, checksum, seconds, pointsPerSec: n / seconds, usPerPoint: (seconds / n) * 1e6,
    cpuSeconds, cpuUsPerPoint: (cpuSeconds / n) * 1e6,
  };
}

/** The C++ limit's figure (native/as_of.cc's JSON line) in the JS figures' terms. */
function limitFigure(bin, args) {
  const lines = jsonLinesOf(`the as-of limit (${args.join(' ')})`, bin, args.map(String));
  const o = lines.find((l) => l.figure !== undefined);
  assert(o, 'the as-of limit printed no figure');
  return { figure: o.figure, points: o.calls ?? o.entities ?? o.points, found: o.found, checksum: o.checksum,
    pointsPerSec: o.perSec, usPerPoint: o.usPer, cpuUsPerPoint: o.cpuUsPer };
}

/**
 * Runs `figure()` (a child process's figure) between two runs of the limit with `args` on the
 * same files (A B A), checks both answered what the figure answered, and attaches their mean as
 * pairedLimit: on this VM the speed drifts by ±30 % within minutes, so a ratio to a reference
 * measured at another moment is mostly drift (benchmarks/README.md, "Paired read figures").
 */
function paired(bin, args, figure) {
  const before = limitFigure(bin, args);
  const fig = figure();
  const after = limitFigure(bin, args);
  for (const l of [before, after]) {
    assert(l.found === fig.found && l.checksum === fig.checksum,
      `${fig.figure} answered ${fig.found} points (checksum ${fig.checksum}), its limit ${l.figure} ${l.found} (checksum ${l.checksum})`);
  }
  const mean = (k) => (before[k] + after[k]) / 2;
  return { ...fig, pairedLimit: { figure: before.figure, pointsPerSec: mean('pointsPerSec'), usPerPoint: mean('usPerPoint'),
    cpuUsPerPoint: mean('cpuUsPerPoint'), brackets: [before.pointsPerSec, after.pointsPerSec] } };
}

/** Runs `script` in a child process as phase 'figure' of `name`; the figure it printed. */
function figureInChild(script, cfg, name) {
  const lines = jsonLinesOf(`figure ${name}`, process.execPath, [script, JSON.stringify({ ...cfg, phase: 'figure', figure: name })]);
  const fig = lines.find((l) => l.figure === name);
  assert(fig, `the child of ${name} printed no figure`);
  return fig;
}

/** A ratio for a summary line, or '?' when either side is missing. */
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : '?');

module.exports = { addToChecksum, timePass, limitFigure, paired, figureInChild, ratio };
