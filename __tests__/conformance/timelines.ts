// The write semantics of docs/api.md ("Semantics") against any TemporalStore: exact timelines
// under overwrite, delete, deleteRange and concurrent writers, one dimension per space,
// inclusive ranges with limit/reverse, the full 64-bit domains, and refusals that write nothing.
import type { Backend } from './backend';

const v = (x: number, dim = 3) => new Float32Array(dim).fill(x);
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const U64_MAX = (1n << 64n) - 1n;

export function timelineCases(b: Backend): void {
  test('overwriting a timestamp replaces the vector and does not change the count', async () => {
    const store = await b.open();
    await store.put(0, { entityId: 1, timestamp: 10, vector: v(1) });
    await store.put(0, { entityId: 1, timestamp: 10, vector: v(2) });
    await store.putMany(0, [
      { entityId: 1, timestamp: 10, vector: v(3) },
      { entityId: 1, timestamp: 10, vector: v(4) },
      { entityId: 1, timestamp: 20, vector: v(5) },
    ]);
    expect(Array.from((await store.get(1, 0, 10))!.vector)).toEqual([4, 4, 4]);
    expect(await store.getTimeline(1, 0)).toMatchObject({ pointCount: 2, firstSeen: 10, lastSeen: 20 });
    await store.close();
  });

  test('delete decrements the count and recomputes firstSeen/lastSeen when an end point goes', async () => {
    const store = await b.open();
    for (const t of [-50, 0, 30, 70]) await store.put(0, { entityId: 9, timestamp: t, vector: v(t) });
    expect(await store.delete(9, 0, -50)).toBe(true);
    expect(await store.getTimeline(9, 0)).toMatchObject({ pointCount: 3, firstSeen: 0, lastSeen: 70 });
    expect(await store.delete(9, 0, 70)).toBe(true);
    expect(await store.getTimeline(9, 0)).toMatchObject({ pointCount: 2, firstSeen: 0, lastSeen: 30 });
    expect(await store.delete(9, 0, 15)).toBe(false);
    expect(await store.getTimeline(9, 0)).toMatchObject({ pointCount: 2, firstSeen: 0, lastSeen: 30 });
    await store.close();
  });

  test('deleting the last point removes the timeline', async () => {
    const store = await b.open();
    await store.put(0, { entityId: 3, timestamp: 1, vector: v(1) });
    await store.put(0, { entityId: 3, timestamp: 2, vector: v(1) });
    expect(await store.delete(3, 0, 1)).toBe(true);
    expect(await store.delete(3, 0, 2)).toBe(true);
    expect(await store.getTimeline(3, 0)).toBeUndefined();
    expect(await store.range(3, 0, -1000, 1000)).toHaveLength(0);
    await store.close();
  });

  test('deleteRange is inclusive, counts what it removed and keeps the timeline exact', async () => {
    const store = await b.open({ bigint: true });
    for (const t of [I64_MIN, -3n, 0n, 5n, 9n, I64_MAX]) await store.put(0, { entityId: U64_MAX, timestamp: t, vector: v(1) });
    expect(await store.deleteRange(U64_MAX, 0, -3n, 5n)).toBe(3);
    expect(await store.getTimeline(U64_MAX, 0)).toEqual({ entityId: U64_MAX, spaceId: 0, firstSeen: I64_MIN, lastSeen: I64_MAX, pointCount: 3, keyframeInterval: 10 });
    expect(await store.deleteRange(U64_MAX, 0, I64_MAX, I64_MAX)).toBe(1);
    expect(await store.getTimeline(U64_MAX, 0)).toMatchObject({ firstSeen: I64_MIN, lastSeen: 9n, pointCount: 2 });
    expect(await store.deleteRange(U64_MAX, 0, 10n, 100n)).toBe(0);
    expect(await store.deleteRange(U64_MAX, 0, I64_MIN, I64_MAX)).toBe(2);
    expect(await store.getTimeline(U64_MAX, 0)).toBeUndefined();
    await store.close();
  });

  test('ranges are inclusive, ordered over the whole i64 domain, with limit and reverse', async () => {
    const store = await b.open({ bigint: true });
    const ts = [I64_MIN, I64_MIN + 1n, -256n, -1n, 0n, 1n, 255n, 256n, (1n << 53n) + 1n, I64_MAX - 1n, I64_MAX];
    await store.putMany(7, ts.map((t, i) => ({ entityId: 5n, timestamp: t, vector: v(i, 2) })));
    const all = await store.rangeColumns(5n, 7, I64_MIN, I64_MAX);
    expect(Array.from(all.timestamps)).toEqual(ts);
    expect(all.dim).toBe(2);
    expect((await store.range(5n, 7, -1n, 256n)).map((p) => p.timestamp)).toEqual([-1n, 0n, 1n, 255n, 256n]);
    expect((await store.range(5n, 7, -1n, 256n, { reverse: true, limit: 2 })).map((p) => p.timestamp)).toEqual([256n, 255n]);
    expect((await store.range(5n, 7, I64_MIN, I64_MAX, { limit: 1 })).map((p) => p.timestamp)).toEqual([I64_MIN]);
    expect(Array.from((await store.rangeColumns(5n, 7, I64_MIN, I64_MAX, { reverse: true, limit: 3 })).timestamps)).toEqual([I64_MAX, I64_MAX - 1n, (1n << 53n) + 1n]);
    expect(await store.rangeColumns(5n, 7, 2n, 254n)).toMatchObject({ count: 0, dim: 0 });
    expect(await store.getAsOf(5n, 7, 254n)).toMatchObject({ timestamp: 1n });
    expect(await store.getAsOf(5n, 7, 254n, { tolerance: 253n })).toMatchObject({ timestamp: 1n });
    expect(await store.getAsOf(5n, 7, 254n, { tolerance: 252n })).toBeUndefined();
    expect(await store.getAsOf(5n, 7, I64_MIN, { tolerance: I64_MAX })).toMatchObject({ timestamp: I64_MIN });
    expect(await store.getLatest(5n, 7)).toMatchObject({ timestamp: I64_MAX });
    await store.close();
  });

  test('numbers mode refuses an unsafe stored value with CVX_UNSAFE_INTEGER, bigint mode reads it', async () => {
    let store = await b.open({ bigint: true });
    await store.put(0, { entityId: 1, timestamp: I64_MAX, vector: v(1) });
    store = await b.reopen(store);
    await expect(store.getLatest(1, 0)).rejects.toMatchObject({ code: 'CVX_UNSAFE_INTEGER' });
    store = await b.reopen(store, { bigint: true });
    expect(await store.getLatest(1, 0)).toMatchObject({ timestamp: I64_MAX });
    await store.close();
  });

  test('getMany and getManyAsOf answer in the order asked', async () => {
    const store = await b.open();
    await store.putMany(0, [{ entityId: 1, timestamp: 1000, vector: [1, 2] }, { entityId: 2, timestamp: 3000, vector: [3, 4] }]);
    const got = await store.getMany(0, [{ entityId: 2, timestamp: 3000 }, { entityId: 1, timestamp: 999 }, { entityId: 1, timestamp: 1000 }]);
    expect(got.map((p) => p && [p.entityId, p.timestamp, Array.from(p.vector)])).toEqual([[2, 3000, [3, 4]], undefined, [1, 1000, [1, 2]]]);
    const cols = await store.getManyAsOf(0, [1, 2, 3], 2000);
    expect({ ...cols, found: Array.from(cols.found), timestamps: Array.from(cols.timestamps), vectors: Array.from(cols.vectors) })
      .toEqual({ count: 3, dim: 2, found: [1, 0, 0], timestamps: [1000n, 0n, 0n], vectors: [1, 2, 0, 0, 0, 0] });
    const per = await store.getManyAsOf(0, [1, 2], [1500, 3500], { tolerance: 1000 });
    expect(Array.from(per.found)).toEqual([1, 1]);
    expect(await store.getManyAsOf(9, [1], 5)).toMatchObject({ count: 1, dim: 0 });
    await store.close();
  });

  test('neighbouring entities and spaces do not disturb bound recomputation', async () => {
    const store = await b.open();
    await store.put(0, { entityId: 5, timestamp: 100, vector: v(1) });
    await store.put(0, { entityId: 5, timestamp: 200, vector: v(1) });
    await store.put(0, { entityId: 6, timestamp: 50, vector: v(1) });
    await store.put(0, { entityId: 4, timestamp: 300, vector: v(1) });
    await store.put(1, { entityId: 5, timestamp: 150, vector: v(1, 2) });
    await store.delete(5, 0, 100);
    expect(await store.getTimeline(5, 0)).toMatchObject({ pointCount: 1, firstSeen: 200, lastSeen: 200 });
    await store.put(0, { entityId: 5, timestamp: 100, vector: v(1) });
    await store.delete(5, 0, 200);
    expect(await store.getTimeline(5, 0)).toMatchObject({ pointCount: 1, firstSeen: 100, lastSeen: 100 });
    expect(await store.getTimeline(5, 1)).toMatchObject({ pointCount: 1, firstSeen: 150, lastSeen: 150 });
    await store.close();
  });

  test('pointCount stays exact under concurrent async writers on one entity, overwrites included', async () => {
    const store = await b.open();
    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < 2000; i++) {
      const ts = i % 700;
      ops.push(i % 3 === 0
        ? store.putMany(0, [{ entityId: 77, timestamp: ts, vector: v(i) }, { entityId: 77, timestamp: (ts + 350) % 700, vector: v(i) }])
        : store.put(0, { entityId: 77, timestamp: ts, vector: v(i) }));
    }
    await Promise.all(ops);
    expect(await store.getTimeline(77, 0)).toMatchObject({ pointCount: 700, firstSeen: 0, lastSeen: 699 });
    expect((await store.rangeColumns(77, 0, 0, 10_000)).count).toBe(700);
    const dels = await Promise.all(Array.from({ length: 700 }, (_, i) => store.delete(77, 0, (i * 2) % 700)));
    expect(dels.filter(Boolean)).toHaveLength(350);
    expect(await store.getTimeline(77, 0)).toMatchObject({ pointCount: 350, firstSeen: 1, lastSeen: 699 });
    expect(await store.verify()).toMatchObject({ ok: true, vectorsScanned: 350, series: 1 });
    await store.close();
  });

  test('a put, then a delete of the same point, called without waiting, apply in call order', async () => {
    const store = await b.open();
    const a = store.put(4, { entityId: 1, timestamp: 1, vector: v(1) }); // the space's first write
    const d = store.delete(1, 4, 1);
    await a;
    expect(await d).toBe(true);
    expect(await store.getTimeline(1, 4)).toBeUndefined();
    await store.close();
  });

  test('the first write fixes a space dimension; another dimension is refused and nothing is written', async () => {
    const store = await b.open();
    await store.put(0, { entityId: 1, timestamp: 1, vector: v(1, 4) });
    await expect(store.put(0, { entityId: 1, timestamp: 2, vector: v(1, 5) })).rejects.toMatchObject({ code: 'CVX_DIMENSION_MISMATCH', message: expect.stringContaining('point.vector') });
    await expect(store.putMany(0, [{ entityId: 2, timestamp: 1, vector: v(1, 4) }, { entityId: 2, timestamp: 2, vector: v(1, 3) }]))
      .rejects.toMatchObject({ code: 'CVX_DIMENSION_MISMATCH', message: expect.stringContaining('points[1].vector') });
    await expect(store.putMany(0, [{ entityId: 2, timestamp: 1, vector: v(1, 6) }])).rejects.toMatchObject({ code: 'CVX_DIMENSION_MISMATCH' });
    expect(await store.get(1, 0, 2)).toBeUndefined();
    expect(await store.getTimeline(2, 0)).toBeUndefined();
    expect(await store.getTimeline(1, 0)).toMatchObject({ pointCount: 1 });
    await store.put(1, { entityId: 1, timestamp: 1, vector: v(1, 2) });
    expect((await store.get(1, 1, 1))!.vector.length).toBe(2);
    await store.close();
  });

  test('first writers of a space racing with different dimensions: exactly one dimension wins', async () => {
    const store = await b.open();
    const results = await Promise.allSettled([
      store.put(11, { entityId: 1, timestamp: 1, vector: v(1, 2) }),
      store.put(11, { entityId: 2, timestamp: 1, vector: v(1, 3) }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['CVX_DIMENSION_MISMATCH']);
    await store.close();
  });

  test('a space dimension survives reopen', async () => {
    let store = await b.open();
    await store.put(3, { entityId: 1, timestamp: 1, vector: v(1, 4) });
    store = await b.reopen(store);
    await expect(store.put(3, { entityId: 9, timestamp: 1, vector: v(1, 3) })).rejects.toMatchObject({ code: 'CVX_DIMENSION_MISMATCH' });
    await store.close();
  });

  test('NaN, Infinity and empty vectors are refused and a batch holding one writes nothing', async () => {
    const store = await b.open();
    for (const bad of [[NaN, 1, 1], [1, Infinity, 1], [1, 1, -Infinity], [], [1e39, 0, 0]]) {
      await expect(store.put(0, { entityId: 1, timestamp: 1, vector: bad })).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('point.vector') });
    }
    await expect(store.putMany(0, [{ entityId: 1, timestamp: 1, vector: [1, 2, 3] }, { entityId: 1, timestamp: 2, vector: [1, NaN, 3] }]))
      .rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('points[1].vector[1]') });
    expect(await store.get(1, 0, 1)).toBeUndefined();
    expect(await store.getTimeline(1, 0)).toBeUndefined();
    await store.put(0, { entityId: 1, timestamp: 1, vector: [1, 2] }); // the refusals fixed no dimension
    expect(await store.getTimeline(1, 0)).toMatchObject({ pointCount: 1 });
    await store.close();
  });

  test('putMany folds the timelines of many entities', async () => {
    const store = await b.open();
    const pts = [];
    for (let e = 0; e < 20; e++) for (let t = 0; t < 10; t++) pts.push({ entityId: e, timestamp: 1000 - t * 7, vector: v(e * 100 + t) });
    await store.putMany(0, pts);
    for (let e = 0; e < 20; e++) {
      expect(await store.getTimeline(e, 0)).toEqual({ entityId: e, spaceId: 0, firstSeen: 937, lastSeen: 1000, pointCount: 10, keyframeInterval: 10 });
    }
    await store.close();
  });

  test('keyframeInterval is written into new timelines', async () => {
    const store = await b.open({ keyframeInterval: 25 });
    await store.put(0, { entityId: 1, timestamp: 1, vector: v(1) });
    expect((await store.getTimeline(1, 0))!.keyframeInterval).toBe(25);
    await store.close();
  });

  test('calls on a closed store fail with CVX_NOT_OPEN; close is idempotent', async () => {
    const store = await b.open();
    await store.close();
    await store.close();
    await expect(store.get(1, 0, 1)).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
    await expect(store.put(0, { entityId: 1, timestamp: 1, vector: [1] })).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
  });
}
