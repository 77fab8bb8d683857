// Power loss, staged for real: a child writes in order on an ext4 filesystem (a loop device,
// helpers/loopfs.ts) and the parent aborts the filesystem's journal under it, which keeps on
// disk exactly what had been made durable, as a power cut does; then it kills the child,
// repairs and remounts the filesystem, and opens the store. Promised (docs/guarantees.md):
// with `sync: true` every acknowledged write is there; with `sync: false` what is there is a
// prefix of the writes in the order they were made (never a later write without an earlier
// one, never part of a putMany batch); either way the store opens without a repair step,
// every timeline agrees with its vectors and verify() is clean. Rounds accumulate on one
// store: CVX_POWER_ROUNDS (default 12 per mode). Needs root, as CI has.
import * as readline from 'readline';
import * as path from 'path';
import { HotStore } from '../lib';
import { spawnChild } from './helpers/child';
import { LoopFs } from './helpers/loopfs';
import { rng } from './helpers/child';
import { pointOf } from './children/disk_full_protocol';

const ROUNDS = Number(process.env.CVX_POWER_ROUNDS ?? 12);

let disk: LoopFs | undefined;
afterEach(() => {
  disk?.release();
  disk = undefined;
});

/** Starts a writer at entity `first`, cuts the power after `delayMs` of writing, kills it; returns the last acknowledged entity. */
async function roundOfWrites(fsys: LoopFs, db: string, sync: boolean, first: number, delayMs: number): Promise<number> {
  const child = spawnChild('power_writer.ts', [db, String(sync), String(first)]);
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let lastAcked = first - 1;
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const cut = new Promise<void>((resolve) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'open') setTimeout(() => { fsys.fail(); resolve(); }, delayMs);
      else if (line.startsWith('A ') && !cutDone) lastAcked = Number(line.slice(2));
    });
  });
  let cutDone = false;
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await cut;
  cutDone = true; // an acknowledgement printed after the cut was not made durable before it
  child.kill('SIGKILL');
  await exited;
  clearTimeout(guard);
  expect(stderr).toBe('');
  return lastAcked;
}

/** Opens the store after the cut: returns the highest entity present, checking the prefix and consistency. */
function checkAfterCut(db: string): number {
  const store = HotStore.openSync(db);
  try {
    const present = new Set<number>();
    for (const t of store.entitiesSync(0)) present.add(Number(t.entityId));
    const top = present.size === 0 ? 0 : Math.max(...present);
    // A prefix, in write order: every entity below the highest present is present.
    expect(present.size).toBe(top);
    const missing: number[] = [];
    for (let e = 1; e <= top; e++) {
      const got = store.getSync(e, 0, pointOf(e).timestamp);
      if (!got || Buffer.compare(Buffer.from(got.vector.buffer, got.vector.byteOffset, got.vector.byteLength), Buffer.from(pointOf(e).vector.buffer)) !== 0) missing.push(e);
    }
    expect({ top, missing }).toEqual({ top, missing: [] });
    expect(store.verifySync().ok).toBe(true);
    return top;
  } finally {
    store.closeSync();
  }
}

describe.each([true, false])('power cut while writing, sync %s', (sync) => {
  test(`${ROUNDS} cuts on one store: it opens each time with a prefix of the writes${sync ? ' holding every acknowledged one' : ''}`, async () => {
    disk = LoopFs.create(64);
    const db = path.join(disk.mountPoint, 'db');
    const random = rng(sync ? 17 : 23);
    let next = 1;
    let lostInAll = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const lastAcked = await roundOfWrites(disk, db, sync, next, 50 + Math.floor(random() * 400));
      disk.remount();
      const top = checkAfterCut(db);
      if (sync) expect(top).toBeGreaterThanOrEqual(lastAcked);
      lostInAll += Math.max(0, lastAcked - top);
      // The next writer carries on after what survived, so the store stays a prefix.
      next = top + 1;
    }
    if (sync) expect(lostInAll).toBe(0);
  });
});
