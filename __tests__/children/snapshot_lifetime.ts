// Snapshots nobody releases (argv[2] = store dir, argv[3] = scenario), in their own process:
//   gc      snapshots dropped unreleased, with reads in flight on some, are collected (run with
//           --expose-gc): RocksDB's count of live snapshots falls back to 0.
//   dispose Symbol.dispose / Symbol.asyncDispose release a snapshot (Node's own realm has the
//           symbols; a test's vm realm does not).
//   worker  a worker thread takes snapshots of its store, starts reads on them and exits
//           without releasing or closing anything; the directory then opens again here.
// Prints one JSON line.
import * as path from 'path';
import { Worker } from 'worker_threads';
import { HotStore } from '../../lib';
import { native } from '../../lib/binding';

const [dir, scenario] = process.argv.slice(2);
const liveSnapshots = (s: HotStore) => Number(native.property(s._handle, 'default', 'rocksdb.num-snapshots'));

async function collected(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const s = HotStore.openSync(dir);
  s.putSync(0, { entityId: 1, timestamp: 1, vector: [1, 2] });
  const reads: Array<Promise<unknown>> = [];
  (() => {
    for (let i = 0; i < 50; i++) {
      const snap = s.snapshot();
      if (i % 5 === 0) reads.push(snap.range(1, 0, 0, 10)); // the read keeps its view alive
    }
  })();
  const taken = liveSnapshots(s);
  const answers = await Promise.all(reads);
  let after = taken;
  for (let round = 0; round < 200 && after > 0; round++) {
    gc();
    await new Promise((r) => setImmediate(r));
    after = liveSnapshots(s);
  }
  s.closeSync();
  console.log(JSON.stringify({ taken, after, reads: answers.map((a) => (a as unknown[]).length) }));
}

async function workerExit(): Promise<void> {
  const code = `
    const { parentPort, workerData } = require('worker_threads');
    require(${JSON.stringify(path.join(__dirname, 'ts-hook.js'))});
    const { HotStore } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'lib'))});
    const s = HotStore.openSync(workerData.dir);
    for (let i = 0; i < 100; i++) s.putSync(0, { entityId: i, timestamp: 1, vector: [i, 1] });
    const snaps = Array.from({ length: 10 }, () => s.snapshot());
    for (const snap of snaps) for (let i = 0; i < 20; i++) void snap.range(i, 0, 0, 10);
    parentPort.postMessage('reading');
    process.exit(0);
  `;
  const w = new Worker(code, { eval: true, workerData: { dir } });
  await new Promise((resolve, reject) => {
    w.once('error', reject);
    w.once('exit', resolve);
  });
  const s = HotStore.openSync(dir);
  const points = s.spacesSync()[0]?.points;
  s.closeSync();
  console.log(JSON.stringify({ reopened: true, points }));
}

async function disposed(): Promise<void> {
  const s = HotStore.openSync(dir);
  const a = s.snapshot();
  const b = s.snapshot();
  const taken = liveSnapshots(s);
  a[Symbol.dispose]();
  await b[Symbol.asyncDispose]();
  console.log(JSON.stringify({ taken, released: [a.isReleased, b.isReleased], after: liveSnapshots(s) }));
  s.closeSync();
}

const scenarios: Record<string, () => Promise<void>> = { gc: collected, worker: workerExit, dispose: disposed };
scenarios[scenario]().catch((e) => {
  console.error(e);
  process.exit(1);
});
