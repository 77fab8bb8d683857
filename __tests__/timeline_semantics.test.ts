// The write semantics of docs/api.md ("Semantics"): exact timelines under overwrite, delete and concurrent writers,
// one dimension per space, and refusals that write nothing.
import { HotStore } from '../lib';
import { tempStore } from './helpers/tmp';

const v = (x: number, dim = 3) => new Float32Array(dim).fill(x);

test('overwriting a timestamp replaces the vector and does not change the count', () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: 10, vector: v(1) });
  store.putSync(0, { entityId: 1, timestamp: 10, vector: v(2) });
  store.putManySync(0, [
    { entityId: 1, timestamp: 10, vector: v(3) },
    { entityId: 1, timestamp: 10, vector: v(4) },
    { entityId: 1, timestamp: 20, vector: v(5) },
  ]);
  expect(Array.from(store.getSync(1, 0, 10)!.vector)).toEqual([4, 4, 4]);
  expect(store.getTimelineSync(1, 0)).toMatchObject({ pointCount: 2, firstSeen: 10, lastSeen: 20 });
  store.closeSync();
});

test('delete decrements the count and recomputes firstSeen/lastSeen when an end point goes', () => {
  const { store } = tempStore();
  for (const t of [-50, 0, 30, 70]) store.putSync(0, { entityId: 9, timestamp: t, vector: v(t) });
  expect(store.deleteSync(9, 0, -50)).toBe(true);
  expect(store.getTimelineSync(9, 0)).toMatchObject({ pointCount: 3, firstSeen: 0, lastSeen: 70 });
  expect(store.deleteSync(9, 0, 70)).toBe(true);
  expect(store.getTimelineSync(9, 0)).toMatchObject({ pointCount: 2, firstSeen: 0, lastSeen: 30 });
  expect(store.deleteSync(9, 0, 15)).toBe(false); // absent: nothing changes
  expect(store.getTimelineSync(9, 0)).toMatchObject({ pointCount: 2, firstSeen: 0, lastSeen: 30 });
  store.closeSync();
});

test('deleting the last point removes the timeline', async () => {
  const { store } = tempStore();
  await store.put(0, { entityId: 3, timestamp: 1, vector: v(1) });
  await store.put(0, { entityId: 3, timestamp: 2, vector: v(1) });
  expect(await store.delete(3, 0, 1)).toBe(true);
  expect(await store.delete(3, 0, 2)).toBe(true);
  expect(await store.getTimeline(3, 0)).toBeUndefined();
  expect(await store.range(3, 0, -1000, 1000)).toHaveLength(0);
  await store.close();
});

test('neighbouring entities and spaces do not disturb bound recomputation', () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 5, timestamp: 100, vector: v(1) });
  store.putSync(0, { entityId: 5, timestamp: 200, vector: v(1) });
  store.putSync(0, { entityId: 6, timestamp: 50, vector: v(1) });
  store.putSync(0, { entityId: 4, timestamp: 300, vector: v(1) });
  store.putSync(1, { entityId: 5, timestamp: 150, vector: v(1, 2) });
  store.deleteSync(5, 0, 100);
  expect(store.getTimelineSync(5, 0)).toMatchObject({ pointCount: 1, firstSeen: 200, lastSeen: 200 });
  store.putSync(0, { entityId: 5, timestamp: 100, vector: v(1) });
  store.deleteSync(5, 0, 200);
  expect(store.getTimelineSync(5, 0)).toMatchObject({ pointCount: 1, firstSeen: 100, lastSeen: 100 });
  expect(store.getTimelineSync(5, 1)).toMatchObject({ pointCount: 1, firstSeen: 150, lastSeen: 150 });
  store.closeSync();
});

test('pointCount stays exact under concurrent async writers on one entity, overwrites included', async () => {
  const { store } = tempStore();
  const ops: Promise<unknown>[] = [];
  for (let i = 0; i < 2000; i++) {
    const ts = i % 700; // every timestamp written two or three times, from interleaved callers
    ops.push(i % 3 === 0
      ? store.putMany(0, [{ entityId: 77, timestamp: ts, vector: v(i) }, { entityId: 77, timestamp: (ts + 350) % 700, vector: v(i) }])
      : store.put(0, { entityId: 77, timestamp: ts, vector: v(i) }));
  }
  await Promise.all(ops);
  const tl = await store.getTimeline(77, 0);
  expect(tl).toMatchObject({ pointCount: 700, firstSeen: 0, lastSeen: 699 });
  expect((await store.rangeColumns(77, 0, 0, 10_000)).count).toBe(700);
  // Concurrent deletes of every other point, some twice.
  const dels = await Promise.all(Array.from({ length: 700 }, (_, i) => store.delete(77, 0, (i * 2) % 700)));
  expect(dels.filter(Boolean)).toHaveLength(350);
  expect(await store.getTimeline(77, 0)).toMatchObject({ pointCount: 350, firstSeen: 1, lastSeen: 699 });
  await store.close();
});

test('the first write fixes a space dimension; another dimension is refused and nothing is written', () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: 1, vector: v(1, 4) });
  expect(() => store.putSync(0, { entityId: 1, timestamp: 2, vector: v(1, 5) })).toThrow(
    expect.objectContaining({ code: 'CVX_DIMENSION_MISMATCH', message: expect.stringContaining('point.vector') }),
  );
  expect(() => store.putManySync(0, [
    { entityId: 2, timestamp: 1, vector: v(1, 4) },
    { entityId: 2, timestamp: 2, vector: v(1, 3) },
  ])).toThrow(expect.objectContaining({ code: 'CVX_DIMENSION_MISMATCH', message: expect.stringContaining('points[1].vector') }));
  expect(() => store.putManySync(0, [{ entityId: 2, timestamp: 1, vector: v(1, 6) }])).toThrow(
    expect.objectContaining({ code: 'CVX_DIMENSION_MISMATCH' }),
  );
  expect(store.getSync(1, 0, 2)).toBeUndefined();
  expect(store.getTimelineSync(2, 0)).toBeUndefined();
  expect(store.getTimelineSync(1, 0)).toMatchObject({ pointCount: 1 });
  // Another space has its own dimension.
  store.putSync(1, { entityId: 1, timestamp: 1, vector: v(1, 2) });
  expect(store.getSync(1, 1, 1)!.vector.length).toBe(2);
  store.closeSync();
});

test('a space dimension survives reopen', () => {
  const { dir, store } = tempStore();
  store.putSync(3, { entityId: 1, timestamp: 1, vector: v(1, 4) });
  store.closeSync();
  const again = HotStore.openSync(dir);
  expect(() => again.putSync(3, { entityId: 9, timestamp: 1, vector: v(1, 3) })).toThrow(expect.objectContaining({ code: 'CVX_DIMENSION_MISMATCH' }));
  again.closeSync();
});

test('NaN, Infinity and empty vectors are refused and a batch holding one writes nothing', () => {
  const { store } = tempStore();
  for (const bad of [[NaN, 1, 1], [1, Infinity, 1], [1, 1, -Infinity], [], [1e39, 0, 0]]) {
    expect(() => store.putSync(0, { entityId: 1, timestamp: 1, vector: bad })).toThrow(
      expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('point.vector') }),
    );
  }
  expect(() => store.putManySync(0, [
    { entityId: 1, timestamp: 1, vector: [1, 2, 3] },
    { entityId: 1, timestamp: 2, vector: [1, NaN, 3] },
  ])).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('points[1].vector[1]') }));
  expect(store.getSync(1, 0, 1)).toBeUndefined();
  expect(store.getTimelineSync(1, 0)).toBeUndefined();
  // The refused first write must not have fixed the space's dimension either.
  store.putSync(0, { entityId: 1, timestamp: 1, vector: [1, 2] });
  expect(store.getTimelineSync(1, 0)).toMatchObject({ pointCount: 1 });
  store.closeSync();
});

test('putMany is one atomic batch folding timelines of many entities', async () => {
  const { store } = tempStore();
  const pts = [];
  for (let e = 0; e < 20; e++) for (let t = 0; t < 10; t++) pts.push({ entityId: e, timestamp: 1000 - t * 7, vector: v(e * 100 + t) });
  await store.putMany(0, pts);
  for (let e = 0; e < 20; e++) {
    expect(await store.getTimeline(e, 0)).toEqual({ entityId: e, spaceId: 0, firstSeen: 937, lastSeen: 1000, pointCount: 10, keyframeInterval: 10 });
  }
  await store.close();
});

test('keyframeInterval is written into new timelines', () => {
  const { store } = tempStore({ keyframeInterval: 25 });
  store.putSync(0, { entityId: 1, timestamp: 1, vector: v(1) });
  expect(store.getTimelineSync(1, 0)!.keyframeInterval).toBe(25);
  store.closeSync();
});
