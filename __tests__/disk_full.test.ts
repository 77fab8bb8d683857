// A full disk is an error, not an abort: on a real small filesystem (a tmpfs this test
// mounts, so it must run as root, as CI does), put, putMany and putSync with and without
// `sync`, `cvx-hot ingest` and a writable open fail with CVX_IO saying the disk is full; the
// process lives; once space is freed, writes resume without a reopen (the store calls
// RocksDB's Resume()) or, for a store closed while full, after a reopen; every acknowledged
// point is kept. The risky part runs in a child process (children/disk_full.ts or the CLI),
// so an abort fails the test instead of killing jest.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HotStore } from '../lib';
import { runChild } from './helpers/child';
import { mountTmpfs } from './helpers/tmpfs';
import { CLI, ensureDist } from './helpers/dist';
import { DIM, fillDisk, pointOf } from './children/disk_full_protocol';

type Failure = { at: string; code?: string; message: string };
type Outcome = Record<string, unknown> & { acked: Array<[number, number]>; errors: Failure[] };

beforeAll(() => {
  if (process.getuid?.() !== 0) {
    throw new Error('disk_full.test.ts mounts a tmpfs to fill it and must run as root (CI does); it cannot pass otherwise');
  }
});

/** A fresh 8 MiB tmpfs, its store directory and its filler file (unmounted when the file ends). */
function freshDisk(): { db: string; filler: string; root: string } {
  const { root } = mountTmpfs('8m');
  return { root, db: path.join(root, 'db'), filler: path.join(root, 'filler') };
}

async function child(scenario: string, db: string, filler: string, op = 'put', sync = false): Promise<Outcome> {
  const r = await runChild('disk_full.ts', [scenario, db, filler, op, String(sync)], [], 90_000);
  const context = `exit ${r.code} signal ${r.signal}${r.timedOut ? ' (timed out)' : ''}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  if (r.signal !== null || r.code !== 0 || r.timedOut) throw new Error(`the child did not end normally: ${context}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Outcome;
}

function expectDiskFull(errors: Failure[]): void {
  for (const e of errors) {
    expect(e).toEqual({ at: e.at, code: 'CVX_IO', message: expect.stringMatching(/the disk is full/) });
  }
}

/** Reopens the store (the disk has room again) and checks every acknowledged point, byte for byte. */
function expectAllKept(db: string, acked: Array<[number, number]>): void {
  expect(acked.length).toBeGreaterThan(0);
  const store = HotStore.openSync(db);
  try {
    for (const [e, t] of acked) {
      const got = store.getSync(e, 0, t);
      expect(got && Array.from(got.vector)).toEqual(Array.from(pointOf(e).vector));
    }
    expect(store.verifySync().ok).toBe(true);
  } finally {
    store.closeSync();
  }
}

/** Every info-log file of the store, concatenated. */
function infoLogs(db: string): string {
  return fs.readdirSync(db).filter((f) => f.startsWith('LOG')).map((f) => fs.readFileSync(path.join(db, f), 'utf8')).join('');
}

describe.each(['put', 'putMany', 'putSync'])('%s on a full disk', (op) => {
  test.each([false, true])('sync %s: CVX_IO "the disk is full", the process lives, writes resume once space is freed, every acknowledged point is kept', async (sync) => {
    const { db, filler } = freshDisk();
    const r = await child('write', db, filler, op, sync);
    expect(r).toMatchObject({ failed: true, failedAgain: 3, readWhileFull: true, resumed: true, resumedAgain: true });
    // One failure when the disk filled, three more while it stayed full, none after: no
    // reopen was needed, and closing the resumed store reported nothing.
    expect(r.errors.map((e) => e.at)).toEqual(['full', 'still-full', 'still-full', 'still-full']);
    expectDiskFull(r.errors);
    expectAllKept(db, r.acked);
    // The info log could not write while the disk was full; it said so once it could.
    expect(infoLogs(db)).toMatch(/info-log lines? dropped: No space left on device/);
  });
});

test.each([false, true])('sync %s: a disk that fills on the first write after the memtables were flushed: CVX_IO, no abort once space is freed; writes go on, after a reopen if the store asks for one', async (sync) => {
  // RocksDB 7.8's Resume() has nothing to flush then, so it keeps the write-ahead-log writer
  // whose append failed; writing through it again tripped an assertion (exit 134). The store
  // refuses instead, until it is reopened.
  const { db, filler } = freshDisk();
  const r = await child('first', db, filler, 'put', sync);
  expect(r).toMatchObject({ failed: true, failedAgain: 3, readWhileFull: true, wroteAfterReopen: true });
  expect(r.errors.filter((e) => e.at === 'resumed').length).toBeGreaterThan(0);
  for (const e of r.errors.filter((e) => e.at === 'resumed')) {
    expect(e).toEqual({ at: e.at, code: 'CVX_IO', message: expect.stringMatching(/cannot be written again: close the store and open it again/) });
  }
  // The rest, close included, report the write that failed: the disk was full.
  expectDiskFull(r.errors.filter((e) => e.at !== 'resumed'));
  expectAllKept(db, r.acked);
});

test('a store closed while the disk is full: a writable open on the full disk is CVX_IO "the disk is full"; once space is freed a reopen has every acknowledged point', async () => {
  const { db, filler } = freshDisk();
  const r = await child('close', db, filler, 'putMany');
  expect(r.failed).toBe(true);
  expect(r.errors.map((e) => e.at).filter((at) => at !== 'close')).toEqual(['full']);
  expectDiskFull(r.errors); // close too, if it reported anything
  // Closing gave space back (RocksDB trims the 4 MiB it preallocates for a MANIFEST): fill
  // it again, so the open below finds the disk full.
  fillDisk(filler);
  const open = await child('open', db, filler);
  expect(open.opened).toBe(false);
  expect(open.errors.map((e) => e.at)).toEqual(['open']);
  expectDiskFull(open.errors);
  fs.unlinkSync(filler);
  expectAllKept(db, r.acked);
});

test('a cleanly closed store opened on a full disk, and a new store created on one: CVX_IO "the disk is full"; both open once space is freed', async () => {
  const { root, db, filler } = freshDisk();
  const acked: Array<[number, number]> = [];
  const store = HotStore.openSync(db);
  for (let e = 1; e <= 50; e++) {
    store.putSync(0, pointOf(e));
    acked.push([e, pointOf(e).timestamp]);
  }
  store.closeSync();
  fillDisk(filler);
  const fresh = path.join(root, 'fresh');
  for (const dir of [db, fresh]) {
    const open = await child('open', dir, filler);
    expect(open.opened).toBe(false);
    expect(open.errors.map((e) => e.at)).toEqual(['open']);
    expectDiskFull(open.errors);
  }
  fs.unlinkSync(filler);
  expectAllKept(db, acked);
  const created = HotStore.openSync(fresh);
  created.putSync(0, pointOf(1));
  created.closeSync();
  expectAllKept(fresh, [[1, pointOf(1).timestamp]]);
});

test('cvx-hot ingest into a disk that fills up exits 1 with CVX_IO "the disk is full"; the store keeps whole batches, in input order', async () => {
  ensureDist();
  const { db, filler } = freshDisk();
  const input = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cvx-diskfull-input-')), 'points.ndjson');
  const records = 20_000;
  const lines = Array.from({ length: records }, (_, i) => {
    const p = pointOf(i + 1);
    return JSON.stringify({ entityId: p.entityId, timestamp: p.timestamp, vector: Array.from(p.vector) });
  });
  fs.writeFileSync(input, `${lines.join('\n')}\n`);
  // Room for the store's own files and a few batches, not for all 20,000 points.
  fillDisk(filler);
  fs.truncateSync(filler, fs.statSync(filler).size - 400 * 1024);
  const r = await new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve, reject) => {
    const c = spawn(process.execPath, [CLI, 'ingest', db, input, '--batch', '100', '--no-progress']);
    let stderr = '';
    c.stderr.on('data', (d) => (stderr += d));
    c.on('error', reject);
    c.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  fs.rmSync(path.dirname(input), { recursive: true, force: true });
  expect(r).toEqual({ code: 1, signal: null, stderr: expect.stringMatching(/^cvx-hot: .*the disk is full.*\(CVX_IO\)(; \d+ points? w(as|ere) written before it)?\n$/) });
  fs.unlinkSync(filler);
  const store = HotStore.openSync(db);
  try {
    let kept = 0;
    while (kept < records && store.getSync(kept + 1, 0, pointOf(kept + 1).timestamp)) kept++;
    // Batches are atomic and written in order: some whole batches, then nothing.
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(records);
    expect(kept % 100).toBe(0);
    for (let e = kept + 1; e <= records; e++) expect(store.getSync(e, 0, pointOf(e).timestamp)).toBeUndefined();
    expect(store.spacesSync()).toEqual([expect.objectContaining({ spaceId: 0, dim: DIM })]);
  } finally {
    store.closeSync();
  }
});
