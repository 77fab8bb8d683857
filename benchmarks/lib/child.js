'use strict';
// What every JS job process shares: reading its job description, timing a phase, and
// reporting figures to the runner as JSON lines on stdout (the runner ignores other output).

const { performance } = require('perf_hooks');

/** The job description the runner passed as the single argv argument. */
function jobArgs() {
  return JSON.parse(process.argv[2]);
}

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

/** Times an async or sync phase; emits {figure, points, seconds, pointsPerSec, cpuSeconds, ...extra}. */
async function timed(figure, points, fn, extra = {}) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  // CPU of every thread of the process (JS, libuv pool, RocksDB background): robust to other
  // load on the machine, unlike wall time, so the table shows it next to points/s.
  const cpuSeconds = (c.user + c.system) / 1e6;
  const fig = { figure, points, seconds, pointsPerSec: points / seconds, cpuSeconds, cpuUsPerPoint: (cpuSeconds / points) * 1e6, ...extra, ...(r && r.extra) };
  emit(fig);
  return fig;
}

/** Peak RSS of this process in MB (getrusage: kernel high-water mark, not a sample). */
function peakRssMB() {
  return process.resourceUsage().maxRSS / 1024;
}

/** Runs the job body, then reports peak RSS; any failure exits non-zero with its message. */
function runJob(body) {
  Promise.resolve()
    .then(body)
    .then(() => emit({ peakRssMB: peakRssMB() }))
    .catch((e) => {
      process.stderr.write(`job failed: ${e && e.stack ? e.stack : e}\n`);
      process.exit(1);
    });
}

/** Names and sizes of the files in `dir` (one level), as one comparable string. */
function dirSignature(dir) {
  const fs = require('fs');
  const path = require('path');
  return fs.readdirSync(dir).sort().map((f) => {
    try { return `${f}:${fs.statSync(path.join(dir, f)).size}`; } catch { return f; }
  }).join(',');
}

/**
 * Waits until the database directory has not changed for `quietMs` (at most `maxMs`): after a
 * reopen, RocksDB flushes the replayed WAL and compacts L0 in the background, and reads timed
 * during that would measure whichever compaction state each contender happened to hit. Watching
 * the files works the same for every contender and needs no private API. Returns seconds waited.
 */
async function settle(dir, quietMs = 1000, maxMs = 60000) {
  const t0 = Date.now();
  let sig = dirSignature(dir);
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() - t0 < maxMs) {
    await new Promise((r) => setTimeout(r, 100));
    const now = dirSignature(dir);
    if (now !== sig) { sig = now; since = Date.now(); }
  }
  return (Date.now() - t0) / 1000;
}

/** Runs a child process to its end; its JSON lines, or a throw naming `what`. */
function jsonLinesOf(what, cmd, args) {
  const { spawnSync } = require('child_process');
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${what} failed (${r.error ? r.error.message : r.signal || `exit ${r.status}`})`);
  return r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

function assert(cond, message) {
  if (!cond) throw new Error(`benchmark self-check failed: ${message}`);
}

module.exports = { jobArgs, emit, timed, peakRssMB, runJob, assert, settle, jsonLinesOf };
