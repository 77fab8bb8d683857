// Async gets issued in the same tick on the same store (or the same snapshot) are read in one
// RocksDB MultiGet, yet each caller's promise settles with its own answer, a refused argument
// rejects only its own promise, and gets on different read targets are never merged.
import { native } from '../lib/binding';
import { HotStore } from '../lib';
import { tempPath, tempStore } from './helpers/tmp';

type Handle = Parameters<typeof native.tickers>[0];
const multiGets = (h: Handle) => native.tickers(h)['rocksdb.number.multiget.get'];
const singleGets = (h: Handle) => native.tickers(h)['rocksdb.number.keys.read'];
const vec = (e: number, t: number) => [e, t];

async function filled(n: number): Promise<{ dir: string; store: HotStore }> {
  const { dir, store } = tempStore();
  store.putManySync(0, Array.from({ length: n }, (_, i) => ({ entityId: i, timestamp: 10, vector: vec(i, 10) })));
  return { dir, store };
}

test('1000 gets in one tick are a handful of MultiGets, each promise its own answer (found or not)', async () => {
  const { store } = await filled(500);
  const h = store._handle;
  const m0 = multiGets(h);
  const s0 = singleGets(h);
  // Even ids 0..998: half of them (>= 500) are not stored; odd ones ask a timestamp never written.
  const got = await Promise.all(Array.from({ length: 1000 }, (_, i) => store.get(i, 0, i % 2 ? 11 : 10)));
  expect(multiGets(h) - m0).toBeLessThanOrEqual(4); // groups of 256
  expect(singleGets(h) - s0).toBe(0);
  got.forEach((p, i) => {
    if (i % 2 || i >= 500) expect(p).toBeUndefined();
    else expect({ e: p!.entityId, t: p!.timestamp, v: Array.from(p!.vector) }).toEqual({ e: i, t: 10, v: vec(i, 10) });
  });
  // Awaited one at a time, each get is its own read.
  const m1 = multiGets(h);
  for (let i = 0; i < 20; i++) expect((await store.get(i, 0, 10))!.entityId).toBe(i);
  expect(multiGets(h) - m1).toBe(0);
  await store.close();
});

test('a refused argument rejects only its own promise and is never sent', async () => {
  const { store } = await filled(10);
  const h = store._handle;
  const m0 = multiGets(h);
  const settled = await Promise.allSettled([
    store.get(1, 0, 10),
    store.get(-1, 0, 10),
    store.get(2, 0, 10),
    store.get(3, 0, 'soon' as never),
    store.get(4, 1.5, 10),
    store.get(99, 0, 10),
  ]);
  expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
  expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('entityId') });
  expect((settled[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('timestamp') });
  expect((settled[4] as PromiseRejectedResult).reason).toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('spaceId') });
  expect((settled[0] as PromiseFulfilledResult<{ entityId: number }>).value.entityId).toBe(1);
  expect((settled[2] as PromiseFulfilledResult<{ entityId: number }>).value.entityId).toBe(2);
  expect((settled[5] as PromiseFulfilledResult<unknown>).value).toBeUndefined();
  expect(multiGets(h) - m0).toBe(1); // the three valid gets, together
  await store.close();
});

test('gets of several spaces (of different dimensions) in one tick each read their own space', async () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: 5, vector: [1, 2] });
  store.putSync(1, { entityId: 1, timestamp: 5, vector: [1, 2, 3] });
  store.putSync(2, { entityId: 1, timestamp: 5, vector: [4] });
  const [a, b, c, d, e] = await Promise.all([store.get(1, 0, 5), store.get(1, 1, 5), store.get(1, 0, 6), store.get(1, 1, 5), store.get(1, 2, 5)]);
  expect([a, b, c, d, e].map((p) => p && Array.from(p.vector))).toEqual([[1, 2], [1, 2, 3], undefined, [1, 2, 3], [4]]);
  await store.close();
});

test('large ids and timestamps (bigint mode) survive the packed columns', async () => {
  const { store } = tempStore({ bigint: true });
  const big = 2n ** 64n - 1n;
  const t = -(2n ** 63n);
  store.putSync(0, { entityId: big, timestamp: t, vector: [7] });
  store.putSync(0, { entityId: 1n, timestamp: 2n ** 63n - 1n, vector: [8] });
  const [a, b, c] = await Promise.all([store.get(big, 0, t), store.get(1n, 0, 2n ** 63n - 1n), store.get(big, 0, t + 1n)]);
  expect([a!.entityId, a!.timestamp, Array.from(a!.vector)]).toEqual([big, t, [7]]);
  expect(Array.from(b!.vector)).toEqual([8]);
  expect(c).toBeUndefined();
  await store.close();
});

test('gets on a snapshot and on the store in one tick are never merged: each reads its own moment', async () => {
  const { store } = await filled(10);
  const snap = store.snapshot();
  store.putSync(0, { entityId: 1, timestamp: 10, vector: [100, 100] }); // overwrites after the snapshot
  store.deleteSync(2, 0, 10);
  store.putSync(0, { entityId: 3, timestamp: 11, vector: [3, 11] }); // new after the snapshot
  const [s1, n1, s2, n2, s3, n3, s4] = await Promise.all([
    snap.get(1, 0, 10), store.get(1, 0, 10), snap.get(2, 0, 10), store.get(2, 0, 10), snap.get(3, 0, 11), store.get(3, 0, 11), snap.get(4, 0, 10),
  ]);
  expect(Array.from(s1!.vector)).toEqual([1, 10]);
  expect(Array.from(n1!.vector)).toEqual([100, 100]);
  expect(s2 && Array.from(s2.vector)).toEqual([2, 10]);
  expect(n2).toBeUndefined();
  expect(s3).toBeUndefined();
  expect(Array.from(n3!.vector)).toEqual([3, 11]);
  expect(Array.from(s4!.vector)).toEqual([4, 10]);
  // Two snapshots of different moments, in one tick.
  const snap2 = store.snapshot();
  store.putSync(0, { entityId: 1, timestamp: 10, vector: [200, 200] });
  const [a, b] = await Promise.all([snap.get(1, 0, 10), snap2.get(1, 0, 10)]);
  expect([Array.from(a!.vector), Array.from(b!.vector)]).toEqual([[1, 10], [100, 100]]);
  snap.release();
  snap2.release();
  await store.close();
});

test('gets issued before close() or release() in the same tick are answered; later ones are CVX_NOT_OPEN', async () => {
  const { store } = await filled(300);
  const inFlight = Promise.allSettled(Array.from({ length: 600 }, (_, i) => store.get(i % 300, 0, 10)));
  const snap = store.snapshot();
  const onSnap = Promise.allSettled(Array.from({ length: 50 }, (_, i) => snap.get(i, 0, 10)));
  snap.release();
  // Settled at once, so a rejection is handled before the awaits below.
  const late = Promise.allSettled([snap.get(1, 0, 10)]);
  const closing = store.close();
  const afterClose = Promise.allSettled([store.get(1, 0, 10), store.get(2, 0, 10), store.get(3, 0, 10)]);
  const ids = (rs: PromiseSettledResult<{ entityId: unknown } | undefined>[]) => rs.map((r) => (r.status === 'fulfilled' ? r.value!.entityId : r.reason.code));
  expect(ids(await inFlight)).toEqual(Array.from({ length: 600 }, (_, i) => i % 300));
  expect(ids(await onSnap)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  for (const r of [...(await late), ...(await afterClose)]) {
    expect(r).toMatchObject({ status: 'rejected', reason: { code: 'CVX_NOT_OPEN' } });
  }
  await closing;
  await expect(store.get(1, 0, 10)).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
  await expect(Promise.all([store.get(1, 0, 10), store.get(2, 0, 10)])).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
});

test('closeSync() in the tick of many gets answers them', async () => {
  const { store } = await filled(100);
  const inFlight = Promise.allSettled(Array.from({ length: 300 }, (_, i) => store.get(i % 100, 0, 10)));
  store.closeSync();
  const got = (await inFlight).map((r) => (r.status === 'fulfilled' ? r.value!.entityId : r.reason.code));
  expect(got).toEqual(Array.from({ length: 300 }, (_, i) => i % 100));
});

test('coalesced gets on a read-only store and on a follower beside the writer', async () => {
  const dir = tempPath();
  const writer = HotStore.openSync(dir);
  writer.putManySync(0, Array.from({ length: 100 }, (_, i) => ({ entityId: i, timestamp: 1, vector: [i] })));
  const follower = HotStore.openSync(dir, { follower: true });
  const got = await Promise.all(Array.from({ length: 200 }, (_, i) => follower.get(i, 0, 1)));
  got.forEach((p, i) => (i < 100 ? expect(Array.from(p!.vector)).toEqual([i]) : expect(p).toBeUndefined()));
  follower.closeSync();
  writer.closeSync();
  const ro = HotStore.openSync(dir, { readOnly: true });
  const h = ro._handle;
  const m0 = multiGets(h);
  const again = await Promise.all(Array.from({ length: 200 }, (_, i) => ro.get(i, 0, 1)));
  expect(multiGets(h) - m0).toBe(1);
  again.forEach((p, i) => (i < 100 ? expect(Array.from(p!.vector)).toEqual([i]) : expect(p).toBeUndefined()));
  ro.closeSync();
});

describe('getAsOf / getLatest in one tick', () => {
  type Handle2 = Parameters<typeof native.tickers>[0];
  const iterators = (h: Handle2) => native.tickers(h)['rocksdb.num.iterator.created'];

  async function histories(): Promise<HotStore> {
    const { store } = tempStore();
    // Entity e has points at 10, 20, ..., 10 * (e % 5 + 1).
    const points = [];
    for (let e = 0; e < 50; e++) for (let k = 1; k <= (e % 5) + 1; k++) points.push({ entityId: e, timestamp: 10 * k, vector: [e, k] });
    store.putManySync(0, points);
    return store;
  }

  test('are one getManyAsOf per space and tolerance, each with the answer getAsOfSync gives', async () => {
    const store = await histories();
    const h = store._handle;
    const calls: Array<[number, number, number | undefined]> = [];
    for (let e = 0; e < 60; e++) calls.push([e, 5 + (e % 7) * 6, e % 3 === 0 ? 4 : undefined]);
    const it0 = iterators(h);
    const got = await Promise.all([
      ...calls.map(([e, t, tol]) => store.getAsOf(e, 0, t, tol === undefined ? undefined : { tolerance: tol })),
      store.getLatest(4, 0), store.getLatest(99, 0), store.getAsOf(3, 0, -(2n ** 63n) + 5n, { tolerance: 100 }), // its window saturates at the i64 minimum
    ]);
    expect(iterators(h) - it0).toBeLessThanOrEqual(3); // no tolerance, tolerance 4, and the saturated window
    const want = [
      ...calls.map(([e, t, tol]) => store.getAsOfSync(e, 0, t, tol === undefined ? undefined : { tolerance: tol })),
      store.getLatestSync(4, 0), store.getLatestSync(99, 0), undefined,
    ];
    const shape = (p: { timestamp: unknown; vector: Float32Array } | undefined) => p && [p.timestamp, Array.from(p.vector)];
    expect(got.map(shape)).toEqual(want.map(shape));
    expect(got.filter(Boolean).length).toBeGreaterThan(20);
    expect(got.filter((p) => p === undefined).length).toBeGreaterThan(5);
    await store.close();
  });

  test('a refused argument rejects only its own call; a snapshot and the store are never merged', async () => {
    const store = await histories();
    const snap = store.snapshot();
    store.putSync(0, { entityId: 1, timestamp: 15, vector: [1, 15] });
    const settled = await Promise.allSettled([
      snap.getAsOf(1, 0, 16), store.getAsOf(1, 0, 16), store.getAsOf(1, 0, 16, { tolerance: -1 }), snap.getLatest(1, 0), store.getAsOf(2, 0, 25),
    ]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const value = (i: number) => (settled[i] as PromiseFulfilledResult<{ timestamp: number } | undefined>).value;
    expect(value(0)!.timestamp).toBe(10); // the snapshot's moment
    expect(value(1)!.timestamp).toBe(15);
    expect((settled[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('options.tolerance') });
    expect(value(3)!.timestamp).toBe(20);
    expect(value(4)!.timestamp).toBe(20);
    const late = Promise.allSettled([store.getAsOf(1, 0, 16), store.getLatest(2, 0)]);
    snap.release();
    const closing = store.close();
    expect((await late).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    await closing;
    await expect(store.getAsOf(1, 0, 16)).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
  });
});
