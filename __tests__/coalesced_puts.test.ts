// Puts issued in the same tick are written as one native batch, yet each caller's promise
// settles with its own result and a refused point does not fail its neighbours.
import { native } from '../lib/binding';
import { HotStore } from '../lib';
import { tempPath, tempStore } from './helpers/tmp';

const writesBySelf = (h: Parameters<typeof native.tickers>[0]) => native.tickers(h)['rocksdb.write.self'];

test('1000 puts in one tick become a handful of RocksDB writes, 1000 awaited puts do not', async () => {
  const { store } = tempStore();
  const h = store._handle;
  let before = writesBySelf(h);
  await Promise.all(Array.from({ length: 1000 }, (_, i) => store.put(0, { entityId: i % 37, timestamp: i, vector: [i, 1] })));
  const coalesced = writesBySelf(h) - before;
  expect(coalesced).toBeLessThanOrEqual(5);
  before = writesBySelf(h);
  for (let i = 0; i < 200; i++) await store.put(0, { entityId: 1000, timestamp: i, vector: [i, 1] });
  expect(writesBySelf(h) - before).toBe(200);
  let total = 0;
  for (let e = 0; e < 37; e++) total += (await store.getTimeline(e, 0))!.pointCount;
  expect(total).toBe(1000);
  await store.close();
});

test('a refused point fails only its own promise', async () => {
  const { store } = tempStore();
  await store.put(0, { entityId: 0, timestamp: 0, vector: [0, 0] }); // fixes dim 2
  const ps = Array.from({ length: 100 }, (_, i) => {
    if (i === 17) return store.put(0, { entityId: 1, timestamp: i, vector: [1, 2, 3] }); // wrong dimension
    if (i === 42) return store.put(0, { entityId: 1, timestamp: i, vector: [NaN, 1] }); // non-finite
    return store.put(0, { entityId: 1, timestamp: i, vector: [i, i] });
  });
  const settled = await Promise.allSettled(ps);
  const rejected = settled.map((r, i) => [i, r] as const).filter(([, r]) => r.status === 'rejected');
  expect(rejected.map(([i]) => i)).toEqual([17, 42]);
  expect((rejected[0][1] as PromiseRejectedResult).reason).toMatchObject({ code: 'CVX_DIMENSION_MISMATCH', message: expect.stringContaining('point.vector') });
  expect((rejected[1][1] as PromiseRejectedResult).reason).toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('point.vector[0]') });
  expect(await store.getTimeline(1, 0)).toMatchObject({ pointCount: 98 });
  expect(await store.get(1, 0, 17)).toBeUndefined();
  expect(await store.get(1, 0, 42)).toBeUndefined();
  await store.close();
});

test('a group that creates a space keeps the first dimension and refuses the other', async () => {
  const { store } = tempStore();
  const [a, b, c] = await Promise.allSettled([
    store.put(5, { entityId: 1, timestamp: 1, vector: [1, 2, 3] }),
    store.put(5, { entityId: 2, timestamp: 1, vector: [1, 2] }),
    store.put(6, { entityId: 2, timestamp: 1, vector: [1, 2] }),
  ]);
  expect([a.status, b.status, c.status]).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((b as PromiseRejectedResult).reason).toMatchObject({ code: 'CVX_DIMENSION_MISMATCH' });
  await store.close();
});

test('the same key twice in one group counts once and keeps the later vector', async () => {
  const { store } = tempStore();
  await Promise.all([
    store.put(0, { entityId: 3, timestamp: 9, vector: [1] }),
    store.put(0, { entityId: 3, timestamp: 9, vector: [2] }),
    store.put(0, { entityId: 3, timestamp: 8, vector: [3] }),
  ]);
  expect(await store.getTimeline(3, 0)).toMatchObject({ pointCount: 2, firstSeen: 8, lastSeen: 9 });
  expect(Array.from((await store.get(3, 0, 9))!.vector)).toEqual([2]);
  await store.close();
});

test('a read issued after a put resolves sees it', async () => {
  const { store } = tempStore();
  for (let i = 0; i < 50; i++) {
    const writes = Array.from({ length: 20 }, (_, k) => store.put(0, { entityId: i, timestamp: k, vector: [k] }));
    await Promise.all(writes);
    expect((await store.rangeColumns(i, 0, 0, 100)).count).toBe(20);
  }
  await store.close();
});

test('puts with bigint ids are coalesced too', async () => {
  const { store } = tempStore({ bigint: true });
  const big = (1n << 63n) + 5n;
  await Promise.all([store.put(0, { entityId: big, timestamp: -(1n << 62n), vector: [1] }), store.put(0, { entityId: 1, timestamp: 2, vector: [2] })]);
  expect((await store.get(big, 0, -(1n << 62n)))!.entityId).toBe(big);
  expect(await store.getTimeline(1, 0)).toMatchObject({ pointCount: 1 });
  await store.close();
});

test('a caller may refill its vector as soon as put() returns: each put keeps what it was given', async () => {
  const { store } = tempStore();
  const buf = new Float32Array(4);
  const puts: Array<Promise<void>> = [];
  // One reused buffer across a tick's puts, then a put of a plain array mutated afterwards.
  for (let t = 0; t < 300; t++) {
    buf.fill(t);
    puts.push(store.put(0, { entityId: 1, timestamp: t, vector: buf }));
  }
  buf.fill(-1);
  const alone = [7, 7, 7, 7];
  puts.push(store.put(0, { entityId: 2, timestamp: 0, vector: alone }));
  alone.fill(-1);
  await Promise.all(puts);
  for (let t = 0; t < 300; t++) expect(Array.from(store.getSync(1, 0, t)!.vector)).toEqual([t, t, t, t]);
  expect(Array.from(store.getSync(2, 0, 0)!.vector)).toEqual([7, 7, 7, 7]);
  // And a single put in its own tick.
  const one = new Float32Array([5, 5, 5, 5]);
  const p = store.put(0, { entityId: 3, timestamp: 0, vector: one });
  one.fill(-1);
  await p;
  expect(Array.from(store.getSync(3, 0, 0)!.vector)).toEqual([5, 5, 5, 5]);
  store.closeSync();
});

test('vectors of one to three floats written by every path read back exactly (their bytes move with the job)', async () => {
  const { store } = tempStore();
  for (const dim of [1, 2, 3]) {
    // Non-zero low bytes, so a clobbered or moved byte shows.
    const v = (t: number) => Array.from({ length: dim }, (_, i) => Math.fround(t + 0.1 + i / 8));
    const space = dim;
    await Promise.all([0, 1, 2].map((t) => store.put(space, { entityId: 1, timestamp: t, vector: v(t) })));
    await store.put(space, { entityId: 1, timestamp: 3, vector: v(3) });  // alone in its tick
    await store.putMany(space, [4, 5, 6].map((t) => ({ entityId: 1, timestamp: t, vector: v(t) })));
    await store.putMany(space, { entityIds: new Float64Array([1, 1]), timestamps: new Float64Array([7, 8]), vectors: Float32Array.from([...v(7), ...v(8)]), dim });
    store.putManySync(space, [9, 10].map((t) => ({ entityId: 1, timestamp: t, vector: v(t) })));
    store.putSync(space, { entityId: 1, timestamp: 11, vector: v(11) });
    const got = await store.range(1, space, 0, 11);
    expect(got.map((p) => [p.timestamp, Array.from(p.vector)])).toEqual(Array.from({ length: 12 }, (_, t) => [t, v(t)]));
  }
  store.closeSync();
});

test('async writes to one store apply in the order they were called (one writer thread per store)', async () => {
  const { store } = tempStore();
  const calls: Array<Promise<unknown>> = [];
  for (let t = 0; t < 300; t++) {
    // A coalesced put, then separate native calls (putMany is never coalesced): on a thread
    // pool they could race, and a put queued for the end of the tick would land last.
    calls.push(store.put(0, { entityId: 1, timestamp: t, vector: [0, t] }));
    calls.push(store.putMany(0, [{ entityId: 1, timestamp: t, vector: [1, t] }]));
    calls.push(store.putMany(0, { entityIds: new Float64Array([1]), timestamps: new Float64Array([t]), vectors: new Float32Array([2, t]), dim: 2 }));
    if (t % 3 === 0) calls.push(store.delete(1, 0, t));
  }
  await Promise.all(calls);
  for (let t = 0; t < 300; t++) {
    const got = store.getSync(1, 0, t);
    if (t % 3 === 0) expect(got).toBeUndefined();
    else expect(Array.from(got!.vector)).toEqual([2, t]);
  }
  expect(store.getTimelineSync(1, 0)!.pointCount).toBe(200);
  store.closeSync();
});

test('deleteRange and checkpoint apply after the async writes called before them, awaited or not', async () => {
  const { store } = tempStore();
  const copies: string[] = [];
  const calls: Array<Promise<unknown>> = [];
  const removed: Array<Promise<number>> = [];
  for (let round = 0; round < 20; round++) {
    // Puts wait for the end of the tick and putMany for its native batch: a deleteRange or a
    // checkpoint on the thread pool would overtake both.
    for (let t = 0; t < 10; t++) calls.push(store.put(0, { entityId: round, timestamp: t, vector: [round, t] }));
    calls.push(store.putMany(0, [{ entityId: round, timestamp: 10, vector: [round, 10] }]));
    removed.push(store.deleteRange(round, 0, 0, 4));
    calls.push(store.put(0, { entityId: round, timestamp: 11, vector: [round, 11] }));
    if (round % 5 === 4) {
      copies.push(tempPath('checkpoint'));
      calls.push(store.checkpoint(copies[copies.length - 1]));
      calls.push(store.put(0, { entityId: 1000 + round, timestamp: 0, vector: [0, 0] })); // after: not in the copy
    }
  }
  await Promise.all(calls);
  expect(await Promise.all(removed)).toEqual(Array(20).fill(5));
  for (let round = 0; round < 20; round++) {
    expect(store.rangeSync(round, 0, 0, 100).map((p) => Number(p.timestamp))).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(store.getTimelineSync(round, 0)!.pointCount).toBe(7);
  }
  for (const [i, dir] of copies.entries()) {
    const lastRound = i * 5 + 4;
    const copy = HotStore.openSync(dir, { readOnly: true });
    for (let round = 0; round < 20; round++) {
      const want = round <= lastRound ? [5, 6, 7, 8, 9, 10, 11] : [];
      expect(copy.rangeSync(round, 0, 0, 100).map((p) => Number(p.timestamp))).toEqual(want);
    }
    expect(copy.getTimelineSync(1000 + lastRound, 0)).toBeUndefined();
    if (lastRound > 4) expect(copy.getTimelineSync(1000 + lastRound - 5, 0)!.pointCount).toBe(1);
    copy.closeSync();
  }
  store.closeSync();
});
