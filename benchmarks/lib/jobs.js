'use strict';
// The job list and how one job runs: every (contender, phase) pair is its own child process with
// a fresh database directory that is deleted afterwards, so peak RSS, caches and background
// compaction never carry from one figure's process into another's.
const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');

const JOBS_DIR = path.join(__dirname, '..', 'jobs');
const PEERS = ['classic-level', 'rocksdb', 'lmdb'];

/**
 * Every job, in run order, with the figures it reports (used by --only). Each of our write jobs
 * runs right after the limit job it is measured against, not minutes later: the machine's speed
 * drifts, and a ratio should not be mostly drift. (Our read figures are paired more tightly
 * still, in jobs/cvx.js.)
 */
function allJobs() {
  const jobs = [
    { id: 'cpp:put', contender: 'cpp', phase: 'put', figures: ['cpp.put'] },
    { id: 'cvx:putSync', contender: 'cvx', phase: 'putSync', figures: ['cvx.putSync'] },
    { id: 'cpp:batch', contender: 'cpp', phase: 'batch', figures: ['cpp.batch', 'cpp.get', 'cpp.getMany', 'cpp.range'] },
    { id: 'cvx:putManySync', contender: 'cvx', phase: 'putManySync', figures: ['cvx.putManySync'] },
    { id: 'cvx:putAsync', contender: 'cvx', phase: 'putAsync', figures: ['cvx.putAsync'] },
    // bulkLoad of the whole workload as columnar batches into an empty store (sorted table files
    // ingested at once), with the event-loop delay during the load.
    { id: 'cvx:bulkLoad', contender: 'cvx', phase: 'bulkLoad', figures: ['cvx.bulkLoad', 'cvx.bulkLoad.eventLoop'] },
    {
      id: 'cvx:putMany', contender: 'cvx', phase: 'putMany',
      figures: ['cvx.putMany', 'cvx.getSync', 'cvx.getManySync', 'cvx.get', 'cvx.getInflight', 'cvx.getLatency', 'cvx.getLatencyDisk', 'cvx.rangeColumnsSync', 'cvx.rangeColumns', 'cvx.rangeSync', 'cvx.range', 'cvx.getManySyncInto', 'cvx.rangeColumnsSyncInto', 'cvx.rssFlat'],
    },
  ];
  for (const p of PEERS) {
    jobs.push({ id: `${p}:put`, contender: p, phase: 'put', figures: [`${p}.put`] });
    jobs.push({ id: `${p}:batch`, contender: p, phase: 'batch', figures: [`${p}.batch`, `${p}.get`, `${p}.range`] });
  }
  // Resource figures (jobs/resources.js): only when named, e.g. --only res or --only res:open.
  jobs.push({ id: 'res:open', contender: 'res', phase: 'open', figures: ['res.open'], optIn: true });
  jobs.push({ id: 'res:stores', contender: 'res', phase: 'stores', figures: ['res.stores'], optIn: true });
  jobs.push({ id: 'res:bloom', contender: 'res', phase: 'bloom', figures: ['res.bloom'], optIn: true });
  // As-of reads, only when named (--only asof runs both): one entity (jobs/as_of.js) and the
  // batch forms (jobs/as_of_many.js), each paired with the C++ limit of native/as_of.cc.
  jobs.push({ id: 'asof:reads', contender: 'asof', phase: 'reads', figures: ['asof.getAsOfSync', 'asof.rangeEmulation', 'asof.getSync'], optIn: true });
  jobs.push({
    id: 'asof:many', contender: 'asof', phase: 'many', optIn: true,
    figures: ['asof.getManyAsOfSync', 'asof.getManyAsOfSyncInto', 'asof.manyGetAsOfSync', 'asof.manyRangeEmulation', 'asof.latestAll', 'asof.latestAllAt',
      'asof.latestAllEmulation', 'asof.latestAllAtEmulation'],
  });
  // Followers (jobs/follow.js): only when named, --only follow.
  jobs.push({ id: 'follow:reads', contender: 'follow', phase: 'reads', figures: ['follow.followerGetSync', 'follow.lag', 'follow.descriptors'], optIn: true });
  // The change feed (jobs/feed.js): only when named, --only feed.
  jobs.push({ id: 'feed:replay', contender: 'feed', phase: 'replay', figures: ['feed.ingest', 'feed.replay', 'feed.liveLag'], optIn: true });
  return jobs;
}

function selectJobs(only) {
  const jobs = allJobs();
  if (!only) return jobs.filter((j) => !j.optIn);
  const picked = jobs.filter((j) => only.some((n) => n === j.id || n === j.contender || j.figures.includes(n)));
  const unknown = only.filter((n) => !jobs.some((j) => n === j.id || n === j.contender || j.figures.includes(n)));
  if (unknown.length) throw new Error(`--only: unknown name(s) ${unknown.join(', ')}; try e.g. cpp, cvx, lmdb, cvx.putSync, cpp:batch`);
  return picked;
}

function commandFor(job, cfg, dir, limitBin, resourcesBin, asOfBin) {
  if (job.contender === 'res') {
    const desc = { phase: job.phase, dir, entities: cfg.entities, points: cfg.points, dim: cfg.dim, batch: cfg.batch, resources: resourcesBin };
    return [process.execPath, ['--expose-gc', path.join(JOBS_DIR, 'resources.js'), JSON.stringify(desc)]];
  }
  if (job.contender === 'asof') {
    const script = job.phase === 'many' ? 'as_of_many.js' : 'as_of.js';
    return [process.execPath, [path.join(JOBS_DIR, script), JSON.stringify({ phase: job.phase, dir, asOf: asOfBin })]];
  }
  if (job.contender === 'scale') {
    const desc = { phase: job.phase, dir, entities: cfg.entities, points: cfg.points, dim: cfg.dim, batch: cfg.batch, gets: cfg.gets, ranges: cfg.ranges };
    return [process.execPath, [path.join(JOBS_DIR, 'scale.js'), JSON.stringify(desc)]];
  }
  if (job.contender === 'follow' || job.contender === 'feed') {
    return [process.execPath, [path.join(JOBS_DIR, `${job.contender}.js`), JSON.stringify({ phase: job.phase, dir })]];
  }
  if (job.contender === 'cpp') {
    const args = ['--phase', job.phase, '--dir', dir, '--entities', cfg.entities, '--points', cfg.points, '--dim', cfg.dim,
      '--batch', cfg.batch, '--gets', cfg.gets, '--ranges', cfg.ranges, '--sync', cfg.sync ? 1 : 0, '--reads', cfg.reads ? 1 : 0];
    return [limitBin, args.map(String)];
  }
  const desc = {
    phase: job.phase, peer: job.contender, dir, entities: cfg.entities, points: cfg.points, dim: cfg.dim, batch: cfg.batch,
    gets: cfg.gets, ranges: cfg.ranges, sync: cfg.sync, reads: cfg.reads, inflight: cfg.inflight, rssCalls: cfg.rssCalls,
    dropCaches: cfg.dropCaches,
    // Our read figures are paired with the limit's reads of the same files (jobs/cvx.js).
    ...(job.contender === 'cvx' && limitBin && { limit: limitBin }),
  };
  const script = path.join(JOBS_DIR, job.contender === 'cvx' ? 'cvx.js' : 'peer.js');
  return [process.execPath, [script, JSON.stringify(desc)]];
}

/**
 * Runs one job; resolves { figures, peakRssMB, error }. Figures are the JSON lines the process
 * printed; its stderr passes through so a failure is visible where it happens.
 */
function runJob(job, cfg, limitBin, resourcesBin, asOfBin) {
  const base = fs.mkdtempSync(path.join(cfg.tmp, `cvx-bench-${job.id.replace(':', '-')}-`));
  const [cmd, args] = commandFor(job, cfg, path.join(base, 'db'), limitBin, resourcesBin, asOfBin);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', (e) => finish(e.message));
    child.on('close', (code, signal) => finish(code === 0 ? null : `exited with ${signal || `code ${code}`}`));
    let done = false;
    function finish(error) {
      if (done) return;
      done = true;
      fs.rmSync(base, { recursive: true, force: true });
      // Write back what the deleted job left dirty now, not during the next job's timing.
      try { execFileSync('sync'); } catch { /* best effort */ }
      const figures = [];
      let peakRssMB;
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const obj = JSON.parse(line);
        if (obj.peakRssMB !== undefined && obj.figure === undefined) peakRssMB = obj.peakRssMB;
        else figures.push(obj);
      }
      // A figure measured in a grandchild process (cvx reads) already carries its own peak RSS.
      for (const f of figures) if (f.peakRssMB === undefined) f.peakRssMB = peakRssMB;
      resolve({ figures, peakRssMB, error });
    }
  });
}

module.exports = { allJobs, selectJobs, runJob, PEERS };
