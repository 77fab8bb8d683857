// Concurrency and lifetime: close() with work in flight, stores dropped to the GC or left
// open at exit, worker threads (one store per thread, terminated mid-flight or mid-open),
// CVX_LOCKED within and across processes, and exact timelines under concurrent writers.
// Whatever could crash runs in a child process, so a crash is a failed assertion here.
import * as path from 'path';
import { HotStore } from '../lib';
import { runChild, spawnChild } from './helpers/child';
import { tempPath, tempStore } from './helpers/tmp';

function expectClean(r: { code: number | null; signal: string | null; stderr: string; timedOut: boolean }): void {
  expect({ code: r.code, signal: r.signal, timedOut: r.timedOut, stderr: r.stderr }).toEqual({ code: 0, signal: null, timedOut: false, stderr: '' });
}

describe('close() with operations in flight', () => {
  test.each([[0], [3000], [5999]])('6000 mixed async ops, close() issued after %i: all settle as resolved or CVX_NOT_OPEN', async (closeAt) => {
    const r = await runChild('mass_close.ts', [tempPath('mass'), String(closeAt)]);
    expectClean(r);
    const out = JSON.parse(r.stdout);
    let extraCloses = 0; // mass_close adds a repeated close() at every i > closeAt with i % 500 === 0
    for (let i = closeAt + 1; i < 6000; i++) if (i % 500 === 0) extraCloses++;
    expect(out.settled).toBe(6000 + extraCloses);
    expect(Object.keys(out.tally).sort()).toEqual(['CVX_NOT_OPEN', 'resolved']);
    expect(out.tally.resolved).toBeGreaterThanOrEqual(closeAt);
    expect(out.tally.CVX_NOT_OPEN).toBeGreaterThanOrEqual(6000 - closeAt - 1);
    expect(out.verifyOk).toBe(true);
  });

  test.each(['get', 'getMany', 'put', 'putMany', 'delete', 'range', 'rangeColumns', 'getTimeline', 'verify'])(
    'close() waits for 400 pending %s: each resolves with the right answer, later calls get CVX_NOT_OPEN',
    async (op) => {
      const r = await runChild('close_pending.ts', [tempPath(`pending-${op}`), op]);
      expectClean(r);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ ok: 400, wrong: 0, rejected: [], late: 'CVX_NOT_OPEN', isOpen: false });
      if (['put', 'delete'].includes(op)) expect(out.persisted).toBe(400);
      if (op === 'putMany') expect(out.persisted).toBe(800);
    },
  );

  test('every method after close() fails with CVX_NOT_OPEN, sync and async; close is idempotent', async () => {
    const { store } = tempStore();
    store.putSync(0, { entityId: 1, timestamp: 1, vector: [1] });
    await store.close();
    await store.close();
    store.closeSync();
    const calls: Array<[string, unknown[]]> = [
      ['put', [0, { entityId: 1, timestamp: 2, vector: [1] }]], ['putMany', [0, [{ entityId: 1, timestamp: 2, vector: [1] }]]],
      ['get', [1, 0, 1]], ['getMany', [0, [{ entityId: 1, timestamp: 1 }]]], ['range', [1, 0, 0, 5]], ['rangeColumns', [1, 0, 0, 5]], ['delete', [1, 0, 1]],
      ['getTimeline', [1, 0]], ['getAsOf', [1, 0, 1]], ['getLatest', [1, 0]], ['getManyAsOf', [0, [1], 1]], ['verify', []], ['repair', []],
    ];
    const s = store as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const [m, args] of calls) {
      expect(() => s[`${m}Sync`](...args)).toThrow(expect.objectContaining({ code: 'CVX_NOT_OPEN' }));
      await expect(Promise.resolve().then(() => s[m](...args))).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
    }
    expect(store.isOpen).toBe(false);
  });
});

test('every close() resolves only once the directory is free: reopening right after never gets CVX_LOCKED', async () => {
  const dir = tempPath('close-twice');
  for (let round = 0; round < 20; round++) {
    const s = HotStore.openSync(dir);
    s.putManySync(0, Array.from({ length: 500 }, (_, i) => ({ entityId: i, timestamp: round, vector: [1, 2, 3, 4] })));
    if (round % 2 === 0) {
      void s.close();
      await s.close(); // the second caller must wait for the first to release RocksDB
    } else {
      void s.close();
      s.closeSync();
    }
    HotStore.openSync(dir).closeSync();
  }
});

describe('stores that are never closed', () => {
  test('a store dropped without close() is collected by GC (with writes in flight) and releases its lock', async () => {
    const r = await runChild('gc_drop.ts', [tempPath('gc'), 'collect'], ['--expose-gc']);
    expectClean(r);
    expect(r.stdout).toBe('collected');
  });

  test('process.exit() with 2000 writes in flight: no crash, the store reopens consistent', async () => {
    const dir = tempPath('exit');
    const r = await runChild('gc_drop.ts', [dir, 'exit']);
    expectClean(r);
    const s = HotStore.openSync(dir);
    expect(s.getTimelineSync(8, 0)).toMatchObject({ pointCount: 1 });
    expect(s.verifySync().ok).toBe(true);
    s.closeSync();
  });
});

describe('worker threads', () => {
  const base = () => path.dirname(tempPath('workers'));

  test('a writable store runs one writer thread, which close() ends; a read-only store has none', async () => {
    const r = await runChild('writer_threads.ts', [tempPath('writer-threads')]);
    expectClean(r);
    expect(JSON.parse(r.stdout)).toEqual({ base: 0, open: 1, closedSync: 0, openAsync: 1, closedAsync: 0, readOnly: 0, two: 2, closedBoth: 0 });
  });

  test('the addon loads in 4 worker threads at once, one store per thread, and each works', async () => {
    const r = await runChild('workers.ts', [base(), 'own-store']);
    expectClean(r);
    expect(JSON.parse(r.stdout)).toEqual({ results: Array(4).fill({ ok: true }), exitCodes: [0, 0, 0, 0] });
  });

  test('a worker terminated with thousands of ops in flight does not crash; its store reopens consistent', async () => {
    const r = await runChild('workers.ts', [base(), 'terminate-busy']);
    expectClean(r);
    expect(JSON.parse(r.stdout)).toEqual({ verified: [true, true, true, true] });
  });

  test('a worker terminated while its open() runs on the pool does not crash or leak the lock', async () => {
    const r = await runChild('workers.ts', [base(), 'terminate-opening']);
    expectClean(r);
    expect(JSON.parse(r.stdout)).toEqual({ codes: Array(10).fill('ok') });
  });

  test('a directory open in the main thread is CVX_LOCKED in a worker', async () => {
    const r = await runChild('workers.ts', [base(), 'locked']);
    expectClean(r);
    expect(JSON.parse(r.stdout).worker).toMatchObject({ code: 'CVX_LOCKED', message: expect.stringContaining('locked') });
  });
});

describe('one directory, one open store', () => {
  test('a second open in the same process is CVX_LOCKED (sync and async) and the first keeps working', async () => {
    const { dir, store } = tempStore();
    expect(() => HotStore.openSync(dir)).toThrow(expect.objectContaining({ code: 'CVX_LOCKED', message: expect.stringContaining(dir) }));
    await expect(HotStore.open(dir)).rejects.toMatchObject({ code: 'CVX_LOCKED' });
    await expect(HotStore.open(dir, { readOnly: true }).then((s) => s.close())).resolves.toBeUndefined(); // read-only takes no lock
    store.putSync(0, { entityId: 1, timestamp: 1, vector: [1] });
    store.closeSync();
    HotStore.openSync(dir).closeSync(); // and once closed, the lock is free
  });

  test('an open in another process is CVX_LOCKED here, and free again once that process dies', async () => {
    const dir = tempPath('xproc');
    HotStore.openSync(dir).closeSync();
    const holder = spawnChild('hold_open.ts', [dir]);
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.once('data', () => resolve());
      holder.once('exit', (c) => reject(new Error(`holder exited ${c}`)));
    });
    try {
      expect(() => HotStore.openSync(dir)).toThrow(expect.objectContaining({ code: 'CVX_LOCKED' }));
      await expect(HotStore.open(dir)).rejects.toMatchObject({ code: 'CVX_LOCKED' });
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('close', r));
    }
    HotStore.openSync(dir).closeSync();
  });
});

describe('exact timelines under concurrent writers', () => {
  test('thousands of concurrent async puts/putMany on one entity, overwrites included: pointCount is exact', async () => {
    const { store } = tempStore();
    const ps: Promise<unknown>[] = [];
    const distinct = new Set<number>();
    for (let i = 0; i < 4000; i++) {
      const t = (i * 7919) % 1500; // ~2.7 writes per timestamp: most are overwrites
      distinct.add(t);
      if (i % 4 === 0) {
        const t2 = (t + 1) % 1500;
        distinct.add(t2);
        ps.push(store.putMany(0, [{ entityId: 5, timestamp: t, vector: [i, 0] }, { entityId: 5, timestamp: t2, vector: [i, 1] }, { entityId: 5, timestamp: t, vector: [i, 2] }]));
      } else {
        ps.push(store.put(0, { entityId: 5, timestamp: t, vector: [i, 3] }));
      }
    }
    await Promise.all(ps);
    expect(store.getTimelineSync(5, 0)).toMatchObject({ pointCount: distinct.size, firstSeen: Math.min(...distinct), lastSeen: Math.max(...distinct) });
    expect(store.rangeSync(5, 0, 0, 2000)).toHaveLength(distinct.size);
    await store.close();
  });

  test('concurrent puts and deletes on the same keys: the timeline always equals the vectors', async () => {
    const { store } = tempStore();
    for (let round = 0; round < 5; round++) {
      const ps: Promise<unknown>[] = [];
      for (let i = 0; i < 2000; i++) {
        const t = (i * 31 + round) % 97;
        ps.push(i % 3 === 0 ? store.delete(9, 0, t) : store.put(0, { entityId: 9, timestamp: t, vector: [i] }));
      }
      await Promise.all(ps);
      const pts = store.rangeSync(9, 0, -1, 1000);
      const tl = store.getTimelineSync(9, 0);
      if (pts.length === 0) expect(tl).toBeUndefined();
      else expect(tl).toMatchObject({ pointCount: pts.length, firstSeen: pts[0].timestamp, lastSeen: pts[pts.length - 1].timestamp });
      expect(store.verifySync().ok).toBe(true);
    }
    await store.close();
  });
});
