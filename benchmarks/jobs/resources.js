'use strict';
// Job process for the resource figures (docs/performance.md, "Resources"): what opening a store
// costs in time and memory, measured against plain RocksDB with the store's own options (the C++
// program benchmarks/native/resources.cc), and what the memtable prefix bloom's size does to
// reads. These jobs run only when named: `npm run bench -- --only res` (or one of them). Phases:
//   open    – a store of the workload (written with putManySync, closed, reopened and settled),
//             and an empty one: HotStore.openSync and openSync+closeSync against the C++
//             program's DB::Open (+ Close) of the same directory, in alternating rounds; and
//             the format probe our open does first, alone.
//   stores  – 200 empty stores opened and kept open: total time and the RSS they add, and the
//             same in C++ (the baseline for the library: 1.5 GB, 13.8 s).
//   bloom   – C++ only: prefix scans and point gets on a memtable-resident store with the
//             memtable prefix bloom at ratio 0, 0.01 (the store's) and 0.1 (its old value), for
//             a workload of few prefixes (1 000 entities × 10 points, dim 768) and of many
//             (500 000 entities × 1 point, dim 2), each ratio in its own process, in rounds.
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
const { spawnSync } = require('child_process');
const { jobArgs, emit, runJob, assert, settle } = require('../lib/child');
const { makeWorkload } = require('../lib/workload');

const { HotStore } = require(path.join(__dirname, '..', '..', 'dist'));

const ROUNDS = 5;
const OPENS_PER_ROUND = 10;
const STORES = 200;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function rss() {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
}

/** Runs the C++ program; its one JSON line. */
function cpp(bin, args) {
  const r = spawnSync(bin, args.map(String), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  assert(r.status === 0, `${path.basename(bin)} ${args.join(' ')} exited with ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** Medians of `opens` openSync (and openSync+closeSync) times of `dir`, in ms. */
function cvxOpens(dir, opens) {
  const open = [];
  const total = [];
  for (let i = 0; i < opens; i++) {
    const t0 = performance.now();
    const s = HotStore.openSync(dir);
    const t1 = performance.now();
    s.closeSync();
    open.push(t1 - t0);
    total.push(performance.now() - t0);
  }
  return { openMs: median(open), openCloseMs: median(total) };
}

async function openPhase(cfg) {
  const w = makeWorkload(cfg);
  const full = cfg.dir;
  let s = HotStore.openSync(full);
  for (let from = 0; from < w.total; from += w.B) s.putManySync(0, w.batchOf(from, Math.min(from + w.B, w.total)));
  s.closeSync();
  s = HotStore.openSync(full);
  await settle(full);
  s.closeSync();
  const empty = `${cfg.dir}-empty`;
  HotStore.openSync(empty).closeSync();
  cvxOpens(empty, 3);  // the addon's first open in this process pays for loading code
  for (const [label, dir] of [['empty', empty], ['workload', full]]) {
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      // C++, ours, C++: each of our rounds is compared with the mean of the two around it.
      const before = cpp(cfg.resources, ['--phase', 'open', '--dir', dir, '--repeat', OPENS_PER_ROUND]);
      const ours = cvxOpens(dir, OPENS_PER_ROUND);
      const after = cpp(cfg.resources, ['--phase', 'open', '--dir', dir, '--repeat', OPENS_PER_ROUND]);
      const ref = (k) => (before[k] + after[k]) / 2;
      rounds.push({ ours, cppOpenMs: ref('openMs'), cppOpenCloseMs: ref('openCloseMs'),
        openRatio: ours.openMs / ref('openMs'), openCloseRatio: ours.openCloseMs / ref('openCloseMs') });
    }
    const m = (f) => median(rounds.map(f));
    // What the store's open does before its DB::Open (list the column families, the read-only
    // probe of the format marker), in plain C++: the part of the gap that is not the binding.
    const probe = cpp(cfg.resources, ['--phase', 'probe', '--dir', dir, '--repeat', OPENS_PER_ROUND]);
    const fig = {
      figure: `res.open.${label}`, store: label === 'empty' ? 'empty' : `${w.total} points × dim ${w.D}`,
      openMs: m((r) => r.ours.openMs), cppOpenMs: m((r) => r.cppOpenMs), openRatio: m((r) => r.openRatio),
      openCloseMs: m((r) => r.ours.openCloseMs), cppOpenCloseMs: m((r) => r.cppOpenCloseMs),
      openCloseRatio: m((r) => r.openCloseRatio), cppProbeMs: probe.probeMs, perRoundOpenRatio: rounds.map((r) => Number(r.openRatio.toFixed(3))),
    };
    fig.summary = `open (${fig.store}): openSync ${fig.openMs.toFixed(2)} ms vs C++ DB::Open ${fig.cppOpenMs.toFixed(2)} ms = ` +
      `${fig.openRatio.toFixed(2)}× (target ≤ 1.5×); open+close ${fig.openCloseMs.toFixed(2)} vs ${fig.cppOpenCloseMs.toFixed(2)} ms = ` +
      `${fig.openCloseRatio.toFixed(2)}×; per round ${fig.perRoundOpenRatio.join(' ')}; the format probe alone (C++): ` +
      `${fig.cppProbeMs.toFixed(2)} ms`;
    emit(fig);
  }
}

function storesPhase(cfg) {
  fs.mkdirSync(cfg.dir, { recursive: true });
  const warm = HotStore.openSync(path.join(cfg.dir, 'warm'));
  global.gc?.();
  const before = rss();
  const t0 = performance.now();
  const stores = [];
  for (let i = 0; i < STORES; i++) stores.push(HotStore.openSync(path.join(cfg.dir, `s${i}`)));
  const seconds = (performance.now() - t0) / 1000;
  global.gc?.();
  const grown = rss() - before;
  for (const s of stores) s.closeSync();
  warm.closeSync();
  const c = cpp(cfg.resources, ['--phase', 'stores', '--dir', `${cfg.dir}-cpp`, '--count', STORES]);
  const fig = {
    figure: 'res.stores', count: STORES, seconds, rssGrowthMB: grown / 1e6, rssPerStoreMiB: grown / STORES / 2 ** 20,
    cppSeconds: c.seconds, cppRssGrowthMB: c.rssGrowthMB, cppRssPerStoreMiB: c.rssPerStoreMiB,
  };
  fig.summary = `${STORES} empty stores: ${seconds.toFixed(1)} s to open, +${fig.rssGrowthMB.toFixed(0)} MB RSS ` +
    `(${fig.rssPerStoreMiB.toFixed(2)} MiB each, target ≤ 2); C++ ${c.seconds.toFixed(1)} s, +${c.rssGrowthMB.toFixed(0)} MB ` +
    `(${c.rssPerStoreMiB.toFixed(2)} MiB each); before this round: 13.8 s, 1.5 GB`;
  emit(fig);
}

function bloomPhase(cfg) {
  const shapes = [
    { label: 'few prefixes', entities: 1000, points: 10, dim: 768 },
    { label: 'many prefixes', entities: 500000, points: 1, dim: 2 },
  ];
  const ratios = [0, 0.01, 0.1];
  for (const shape of shapes) {
    const runs = new Map(ratios.map((r) => [r, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const ratio of ratios) {
        const dir = `${cfg.dir}-bloom-${ratio}-${round}`;
        runs.get(ratio).push(cpp(cfg.resources, ['--phase', 'bloom', '--dir', dir, '--ratio', ratio, '--entities', shape.entities,
          '--points', shape.points, '--dim', shape.dim, '--reads', 100000]));
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    for (const ratio of ratios) {
      const list = runs.get(ratio);
      const m = (k) => median(list.map((x) => x[k]));
      const fig = { figure: `res.bloom.${shape.entities}x${shape.points}.r${ratio}`, ...shape, ratio,
        scanHitNs: m('scanHitNs'), scanMissNs: m('scanMissNs'), getHitNs: m('getHitNs'), getMissNs: m('getMissNs') };
      fig.summary = `memtable bloom ${ratio} (${shape.label}: ${shape.entities} × ${shape.points}, dim ${shape.dim}): ` +
        `scan ${fig.scanHitNs} ns present / ${fig.scanMissNs} ns absent; get ${fig.getHitNs} / ${fig.getMissNs} ns`;
      emit(fig);
    }
  }
}

runJob(async () => {
  const cfg = jobArgs();
  if (cfg.phase === 'open') await openPhase(cfg);
  else if (cfg.phase === 'stores') storesPhase(cfg);
  else if (cfg.phase === 'bloom') bloomPhase(cfg);
  else throw new Error(`unknown phase ${cfg.phase}`);
});
