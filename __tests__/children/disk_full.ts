// Full-disk child: drives a store on a small filesystem the parent mounted, so an abort
// (exit 134) fails the test instead of killing jest. argv: <scenario> <db> <filler> <op> <sync>.
//   write   open, write points, fill the disk with <filler>, write until a write fails, try
//           again while full (and read), free the disk, write again: the store resumes
//           without a reopen. Then close.
//   first   the same, with the memtables empty when the disk fills; if the store cannot
//           resume, reopen it and write again.
//   close   open, write, fill, write until one fails, close while the disk is still full.
//   open    only open the store (writable), with the disk as the parent left it.
// <op> is put, putMany or putSync; <sync> is the open option `sync` (true/false).
// Prints one JSON line: the acknowledged points' [entity, timestamp], every error seen
// ({ at, code, message }), and what the scenario observed.
import * as fs from 'fs';
import { HotStore } from '../../lib';
import { fillDisk, pointOf } from './disk_full_protocol';

const [scenario, dir, filler, op, syncText] = process.argv.slice(2);
const sync = syncText === 'true';

type Failure = { at: string; code?: string; message: string };
const acked: Array<[number, number]> = [];
const errors: Failure[] = [];
let next = 1;

function failure(at: string, e: unknown): Failure {
  const err = e as { code?: string; message?: string };
  return { at, code: err.code, message: String(err.message ?? e) };
}

// One operation of the kind under test, on fresh points; resolves true when acknowledged.
async function writeOnce(store: HotStore, at: string): Promise<boolean> {
  const n = op === 'putMany' ? 10 : 1;
  const keys = Array.from({ length: n }, () => next++);
  const points = keys.map((e) => pointOf(e));
  try {
    if (op === 'put') await store.put(0, points[0]);
    else if (op === 'putSync') store.putSync(0, points[0]);
    else await store.putMany(0, points);
  } catch (e) {
    errors.push(failure(at, e));
    return false;
  }
  for (const p of points) acked.push([p.entityId, p.timestamp]);
  return true;
}

// Writes until one write fails (the disk is full); bounded so a store that never fails ends.
async function writeUntilFull(store: HotStore): Promise<boolean> {
  for (let i = 0; i < 100_000; i++) {
    if (!(await writeOnce(store, 'full'))) return true;
  }
  return false;
}

async function main(): Promise<Record<string, unknown>> {
  if (scenario === 'open') {
    try {
      HotStore.openSync(dir, { sync }).closeSync();
      return { opened: true };
    } catch (e) {
      errors.push(failure('open', e));
      return { opened: false };
    }
  }
  const store = HotStore.openSync(dir, { sync });
  for (let i = 0; i < 20; i++) if (!(await writeOnce(store, 'before'))) throw new Error('write failed before the disk was full');
  // 'first': the memtables are empty when the disk fills (compaction flushes them), so the
  // write that fails is the first since the write-ahead log was started.
  if (scenario === 'first') store.compactSync();
  fillDisk(filler);
  const failed = await writeUntilFull(store);
  if (scenario === 'close') {
    try {
      store.closeSync();
    } catch (e) {
      errors.push(failure('close', e));
    }
    return { failed };
  }
  // Still full: writes keep failing (each tries to resume the store once), reads still work.
  let failedAgain = 0;
  for (let i = 0; i < 3; i++) if (!(await writeOnce(store, 'still-full'))) failedAgain++;
  const first = acked[0];
  const readWhileFull = store.getSync(first[0], 0, first[1]) !== undefined;
  fs.unlinkSync(filler);
  const resumed = await writeOnce(store, 'resumed');
  const resumedAgain = await writeOnce(store, 'resumed');
  try {
    await store.close();
  } catch (e) {
    errors.push(failure('close', e));
  }
  if (scenario !== 'first') return { failed, failedAgain, readWhileFull, resumed, resumedAgain };
  const reopened = HotStore.openSync(dir, { sync });
  const wroteAfterReopen = await writeOnce(reopened, 'reopened');
  reopened.closeSync();
  return { failed, failedAgain, readWhileFull, resumed, resumedAgain, wroteAfterReopen };
}

main().then(
  (r) => process.stdout.write(`${JSON.stringify({ ...r, acked, errors })}\n`),
  (e) => {
    process.stdout.write(`${JSON.stringify({ fatal: String(e?.stack ?? e), acked, errors })}\n`);
    process.exitCode = 3;
  },
);
