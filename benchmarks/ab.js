'use strict';
// A/B of two builds of the native addon, in one process, on one store: for judging a native
// change on a machine whose speed drifts by ±30 % within minutes (this project's shared VM),
// where two benchmark runs minutes apart cannot tell a 5 % change from noise. Both builds open
// the same store read-only (no lock, so both can), then take turns over the same sample in
// ABBA order, so drift and "whoever runs first" effects fall on both alike.
//
//   cp build/Release/cvx_native.node /tmp/before.node      # before the change
//   ... change, npm run build ...
//   node benchmarks/ab.js --a /tmp/before.node --b build/Release/cvx_native.node --op getSync
//
// Ops: getSync (random gets), getAsOfSync (as-of reads between two points), rangeSync (full trajectories, columns), rangePoints (the same
// shaped into one object per point, as HotStore.rangeSync does). The store (--dir, default
// $TMPDIR/cvx-ab-store) is the benchmark workload, written through the library on first use.
// Reads only: a write path cannot be compared this way (both builds would write one store).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { makeWorkload } = require('./lib/workload');
const { settle } = require('./lib/child');

function parseArgs(argv) {
  const a = { a: null, b: null, op: 'getSync', rounds: 10, dir: path.join(os.tmpdir(), 'cvx-ab-store'), n: 20000 };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i].replace(/^--/, ''), argv[i + 1]];
    if (!(k in a) || v === undefined) throw new Error(`usage: ab.js --a A.node --b B.node [--op getSync|getAsOfSync|rangeSync|rangePoints] [--rounds 10] [--n 20000] [--dir DIR]`);
    a[k] = ['rounds', 'n'].includes(k) ? Number(v) : v;
  }
  if (!a.a || !a.b) throw new Error('--a and --b (two builds of cvx_native.node) are required');
  return a;
}

const W = { entities: 1000, points: 100, dim: 768, batch: 1000, gets: 100000, ranges: 2000 };

async function ensureStore(dir, w) {
  if (fs.existsSync(dir)) return;
  const { HotStore } = require('../dist');
  const store = HotStore.openSync(dir);
  for (let from = 0; from < w.total; from += w.B) store.putManySync(0, w.batchOf(from, Math.min(from + w.B, w.total)));
  store.closeSync();
  await settle(dir);
}

function load(file) {
  const addon = require(path.resolve(file));
  addon.setErrorFactory((code, message) => Object.assign(new Error(message), { code }));
  return addon;
}

// A forward, timestamps-as-numbers range in either build's argument form: named flag bits
// (native/flags.h) in current builds, two booleans (reverse, timestampsAsNumbers) before them.
function rangeArgs(m) {
  return m.flags ? [m.flags.timestampsAsNumbers] : [false, true];
}

const OPS = {
  getSync: (m, h, w, n) => {
    const sample = w.getSample().slice(0, n);
    return () => {
      for (const [e, ts] of sample) if (m.getSync(h, e, 0, ts) === undefined) throw new Error('missing point');
      return sample.length;
    };
  },
  // As-of reads between two points (the get sample's keys, 30 s later): one SeekForPrev each.
  getAsOfSync: (m, h, w, n) => {
    const sample = w.getSample().slice(0, n);
    return () => {
      for (const [e, ts] of sample) if (m.getAsOfSync(h, e, 0, ts + 30000) === undefined) throw new Error('missing point');
      return sample.length;
    };
  },
  rangeSync: (m, h, w, n) => {
    const entities = w.rangeSample().slice(0, Math.ceil(n / w.P));
    const flags = rangeArgs(m);
    return () => {
      let points = 0;
      for (const e of entities) points += m.rangeSync(h, e, 0, w.firstTs, w.lastTs, 0, ...flags).count;
      return points;
    };
  },
  rangePoints: (m, h, w, n) => {
    const entities = w.rangeSample().slice(0, Math.ceil(n / w.P));
    const flags = rangeArgs(m);
    return () => {
      let points = 0;
      for (const e of entities) {
        const { count, dim, timestamps, vectors } = m.rangeSync(h, e, 0, w.firstTs, w.lastTs, 0, ...flags);
        const out = new Array(count);
        for (let i = 0; i < count; i++) out[i] = { entityId: e, timestamp: timestamps[i], vector: vectors.subarray(i * dim, (i + 1) * dim) };
        points += out.length;
      }
      return points;
    };
  },
};

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!OPS[args.op]) throw new Error(`unknown --op ${args.op}`);
  const w = makeWorkload(W);
  await ensureStore(args.dir, w);
  const opts = { createIfMissing: false, readOnly: true, sync: false, keyframeInterval: 10, salvage: false };
  const sides = ['a', 'b'].map((name) => {
    const m = load(args[name]);
    const h = m.openSync(args.dir, opts);
    return { name, m, h, pass: OPS[args.op](m, h, w, args.n), ns: [] };
  });
  for (const s of sides) s.pass();  // warm-up: JIT, caches, heap growth
  for (let r = 0; r < args.rounds; r++) {
    for (const s of r % 2 ? [...sides].reverse() : sides) {
      const t0 = process.hrtime.bigint();
      const units = s.pass();
      s.ns.push(Number(process.hrtime.bigint() - t0) / units);
    }
  }
  for (const s of sides) s.m.closeSync(s.h);
  const [a, b] = sides.map((s) => median(s.ns));
  console.log(`${args.op}: A ${a.toFixed(0)} ns, B ${b.toFixed(0)} ns per ${args.op.startsWith('get') ? 'call' : 'point'} (medians of ${args.rounds} rounds, ABBA); B/A = ${(b / a).toFixed(3)}`);
  console.log(`  A rounds: ${sides[0].ns.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  B rounds: ${sides[1].ns.map((x) => x.toFixed(0)).join(' ')}`);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
