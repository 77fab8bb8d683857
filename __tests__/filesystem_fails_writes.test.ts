// A filesystem that fails writes (a dying disk, a controller error: ext4 turning itself
// read-only under the store) is an error, not an abort: every write, compaction and
// checkpoint then fails with CVX_IO, reads keep answering, the process lives, close() ends,
// and after the filesystem is repaired the store reopens with every write acknowledged
// before the fault (they were synced: `sync: true`) and takes writes again. With the
// memtables empty when the fault came, RocksDB 7.8's Resume() had nothing to flush and kept
// the write-ahead-log writer whose append had failed; the next write reached it and an
// assertion aborted the process. The store now refuses to write again until it is reopened.
// Runs on a real ext4 on a loop device (helpers/loopfs.ts), so it needs root, as CI has.
import * as readline from 'readline';
import * as path from 'path';
import { spawnChild } from './helpers/child';
import { LoopFs } from './helpers/loopfs';

type Outcome = { at: string; ok: boolean; code?: string; message?: string };

let disk: LoopFs | undefined;
afterEach(() => {
  disk?.release();
  disk = undefined;
});

/** Runs the child's three steps, breaking the filesystem after the first, repairing it after the second. */
async function runScenario(sync: boolean, flushFirst: boolean) {
  disk = LoopFs.create(64);
  const fsys = disk;
  const db = path.join(fsys.mountPoint, 'db');
  const child = spawnChild('fs_fails_writes.ts', [db, String(sync), String(flushFirst)], [], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const acked: number[] = [];
  const results: Record<string, any> = {};
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  try {
    for await (const line of readline.createInterface({ input: child.stdout! })) {
      const [tag, rest] = [line.split(' ')[0], line.slice(line.indexOf(' ') + 1)];
      if (tag === 'A') acked.push(Number(rest));
      else if (tag === 'ready') {
        fsys.fail();
        child.stdin!.write('go\n');
      } else if (tag === 'closed') {
        results.closed = JSON.parse(rest);
        fsys.remount();
        child.stdin!.write('go\n');
      } else if (tag === 'done') results.done = JSON.parse(rest);
    }
  } finally {
    clearTimeout(timer);
  }
  const code = await exited;
  return { code, stderr, acked, ...results } as {
    code: number | null;
    stderr: string;
    acked: number[];
    closed: { failing: Outcome[]; missingWhileFailing: number; close: Outcome };
    done: { missingAfter: number; after: Outcome[]; verifyOk: boolean };
  };
}

describe.each([
  ['sync writes, memtables holding data', true, false],
  ['sync writes, memtables empty when the fault comes', true, true],
])('a filesystem that turns read-only under the store (%s)', (_name, sync, flushFirst) => {
  test('every call fails with CVX_IO, nothing aborts, and after repair every acknowledged write is there', async () => {
    const r = await runScenario(sync, flushFirst);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const failed = r.closed.failing.filter((o) => !o.ok);
    // The filesystem refuses every write; the first few may still land in the page cache
    // and the WAL's buffer, but nothing can be made durable, so every kind fails in time.
    expect(failed.length).toBeGreaterThan(0);
    for (const o of failed) expect({ at: o.at, code: o.code }).toEqual({ at: o.at, code: 'CVX_IO' });
    for (const at of ['compact', 'checkpoint']) expect(r.closed.failing.find((o) => o.at === at)?.ok).toBe(false);
    // Reads answer while the filesystem fails, with everything acknowledged.
    expect(r.closed.missingWhileFailing).toBe(0);
    // close() ends; it may report the fault, and then only as CVX_IO.
    if (!r.closed.close.ok) expect(r.closed.close.code).toBe('CVX_IO');
    // Synced writes acknowledged before the fault survive it; writes resume after a reopen.
    expect(r.done.missingAfter).toBe(0);
    expect(r.done.after.every((o) => o.ok)).toBe(true);
    expect(r.done.verifyOk).toBe(true);
    expect(r.acked.length).toBeGreaterThanOrEqual(20 * 22);
  });
});
