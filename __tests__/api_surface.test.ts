// The core API of docs/api.md (open, put/putMany, get, range/rangeColumns, delete, getTimeline,
// close), async and *Sync, including the full i64 timestamp domain, bigint mode, limit/reverse
// and the columnar forms.
import { HotStore } from '../lib';
import { plain, tempPath, tempStore } from './helpers/tmp';

const MIN = -(1n << 63n);
const MAX = (1n << 63n) - 1n;

test('async and sync forms agree on every operation', async () => {
  const { store } = tempStore();
  await store.put(0, { entityId: 1, timestamp: 5, vector: [1, 2] });
  store.putSync(0, { entityId: 1, timestamp: 6, vector: new Float32Array([3, 4]) });
  await store.putMany(0, [{ entityId: 1, timestamp: 7, vector: [5, 6] }]);
  store.putManySync(0, [{ entityId: 1, timestamp: 8, vector: [7, 8] }]);
  expect(plain((await store.get(1, 0, 6))!)).toEqual(plain(store.getSync(1, 0, 6)!));
  expect((await store.range(1, 0, 0, 10)).map(plain)).toEqual(store.rangeSync(1, 0, 0, 10).map(plain));
  const a = await store.rangeColumns(1, 0, 0, 10);
  const b = store.rangeColumnsSync(1, 0, 0, 10);
  expect([a.count, a.dim, Array.from(a.timestamps), Array.from(a.vectors)]).toEqual([4, 2, [5n, 6n, 7n, 8n], [1, 2, 3, 4, 5, 6, 7, 8]]);
  expect([b.count, b.dim, Array.from(b.timestamps), Array.from(b.vectors)]).toEqual([4, 2, [5n, 6n, 7n, 8n], [1, 2, 3, 4, 5, 6, 7, 8]]);
  expect(await store.getTimeline(1, 0)).toEqual(store.getTimelineSync(1, 0));
  expect(await store.delete(1, 0, 5)).toBe(true);
  expect(store.deleteSync(1, 0, 6)).toBe(true);
  expect(store.getTimelineSync(1, 0)).toMatchObject({ pointCount: 2, firstSeen: 7 });
  await store.close();
});

test('range is inclusive of both ends, honours limit and reverse', () => {
  const { store } = tempStore();
  for (let t = 0; t < 10; t++) store.putSync(0, { entityId: 2, timestamp: t * 10, vector: [t] });
  const ts = (pts: { timestamp: unknown }[]) => pts.map((p) => p.timestamp);
  expect(ts(store.rangeSync(2, 0, 20, 50))).toEqual([20, 30, 40, 50]);
  expect(ts(store.rangeSync(2, 0, 21, 49))).toEqual([30, 40]);
  expect(ts(store.rangeSync(2, 0, 20, 50, { reverse: true }))).toEqual([50, 40, 30, 20]);
  expect(ts(store.rangeSync(2, 0, 0, 90, { limit: 3 }))).toEqual([0, 10, 20]);
  expect(ts(store.rangeSync(2, 0, 0, 90, { limit: 3, reverse: true }))).toEqual([90, 80, 70]);
  expect(ts(store.rangeSync(2, 0, 35, 35))).toEqual([]);
  expect(ts(store.rangeSync(2, 0, 40, 40))).toEqual([40]);
  const cols = store.rangeColumnsSync(2, 0, 0, 90, { limit: 2, reverse: true });
  expect(Array.from(cols.timestamps)).toEqual([90n, 80n]);
  expect(Array.from(cols.vectors)).toEqual([9, 8]);
  const empty = store.rangeColumnsSync(2, 0, 1000, 2000);
  expect([empty.count, empty.dim, empty.timestamps.length, empty.vectors.length]).toEqual([0, 0, 0, 0]);
  store.closeSync();
});

test('range covers the full i64 timestamp domain without crossing into neighbours', () => {
  const { store } = tempStore({ bigint: true });
  const times = [MIN, MIN + 1n, -1n, 0n, 1n, MAX - 1n, MAX];
  for (const e of [4n, 5n, 6n]) for (const t of times) store.putSync(0, { entityId: e, timestamp: t, vector: [Number(e)] });
  store.putSync(1, { entityId: 5n, timestamp: 0n, vector: [1, 2] });
  const all = store.rangeSync(5n, 0, MIN, MAX);
  expect(all.map((p) => p.timestamp)).toEqual(times);
  expect(all.every((p) => p.entityId === 5n && p.vector[0] === 5)).toBe(true);
  expect(store.rangeSync(5n, 0, MIN, MAX, { reverse: true }).map((p) => p.timestamp)).toEqual([...times].reverse());
  expect(store.rangeSync(5n, 0, MAX, MAX).map((p) => p.timestamp)).toEqual([MAX]);
  expect(store.rangeSync(5n, 0, MIN, MIN).map((p) => p.timestamp)).toEqual([MIN]);
  expect(store.rangeSync(5n, 0, -1n, 1n).map((p) => p.timestamp)).toEqual([-1n, 0n, 1n]);
  expect(store.getTimelineSync(5n, 0)).toEqual({ entityId: 5n, spaceId: 0, firstSeen: MIN, lastSeen: MAX, pointCount: 7, keyframeInterval: 10 });
  // The largest entity id and space id work too.
  const U64MAX = (1n << 64n) - 1n;
  store.putSync(0xffffffff, { entityId: U64MAX, timestamp: MAX, vector: [7] });
  expect(store.getSync(U64MAX, 0xffffffff, MAX)!.entityId).toBe(U64MAX);
  store.closeSync();
});

test('number mode refuses to round: an id or timestamp beyond 2^53 fails with CVX_UNSAFE_INTEGER', () => {
  const { dir, store } = tempStore({ bigint: true });
  store.putSync(0, { entityId: 1n << 60n, timestamp: 1n << 60n, vector: [1] });
  store.putSync(0, { entityId: 3, timestamp: 1n << 60n, vector: [1] });
  store.closeSync();
  const num = HotStore.openSync(dir);
  expect(() => num.getSync(1n << 60n, 0, 1n << 60n)).toThrow(expect.objectContaining({ code: 'CVX_UNSAFE_INTEGER' }));
  expect(() => num.rangeSync(3, 0, 0, 1n << 61n)).toThrow(expect.objectContaining({ code: 'CVX_UNSAFE_INTEGER' }));
  expect(() => num.getTimelineSync(3, 0)).toThrow(expect.objectContaining({ code: 'CVX_UNSAFE_INTEGER' }));
  // rangeColumns always returns BigInt64Array timestamps, so it has nothing to round.
  expect(Array.from(num.rangeColumnsSync(3, 0, 0, 1n << 61n).timestamps)).toEqual([1n << 60n]);
  num.closeSync();
});

test('vectors go in as Float32Array, number arrays or other typed arrays and come back as Float32Array', () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: 1, vector: [0.5, 1.5] });
  store.putSync(0, { entityId: 1, timestamp: 2, vector: new Float64Array([2.5, 3.5]) });
  store.putSync(0, { entityId: 1, timestamp: 3, vector: new Float32Array([4.5, 5.5]) });
  const got = store.rangeSync(1, 0, 0, 10);
  expect(got.map((p) => Array.from(p.vector))).toEqual([[0.5, 1.5], [2.5, 3.5], [4.5, 5.5]]);
  expect(got.every((p) => Object.prototype.toString.call(p.vector) === '[object Float32Array]')).toBe(true);
  // range returns views over one buffer; each view is exactly its own vector.
  expect(got[1].vector.buffer).toBe(got[0].vector.buffer);
  got[0].vector[1] = 99;
  expect(got[1].vector[0]).toBe(2.5);
  store.closeSync();
});

test('putMany accepts a columnar batch with number or bigint columns', () => {
  const { store } = tempStore({ bigint: true });
  store.putManySync(0, { entityIds: new Float64Array([1, 1, 2]), timestamps: new Float64Array([10, 20, 10]), vectors: new Float32Array([1, 1, 2, 2, 3, 3]), dim: 2 });
  store.putManySync(0, { entityIds: new BigUint64Array([1n << 62n]), timestamps: new BigInt64Array([-(1n << 62n)]), vectors: new Float32Array([4, 4]), dim: 2 });
  store.putManySync(0, { entityIds: [3, 3n], timestamps: [1, 2n], vectors: new Float32Array([5, 5, 6, 6]), dim: 2 });
  expect(store.getTimelineSync(1n, 0)).toMatchObject({ pointCount: 2, firstSeen: 10n, lastSeen: 20n });
  expect(Array.from(store.getSync(1n << 62n, 0, -(1n << 62n))!.vector)).toEqual([4, 4]);
  expect(store.getTimelineSync(3n, 0)).toMatchObject({ pointCount: 2 });
  expect(() => store.putManySync(0, { entityIds: [1], timestamps: [1, 2], vectors: new Float32Array([1, 1]), dim: 2 })).toThrow(/batch.timestamps/);
  expect(() => store.putManySync(0, { entityIds: [1], timestamps: [1], vectors: new Float32Array([1, 1, 1]), dim: 2 })).toThrow(/multiple of batch.dim/);
  store.closeSync();
});

test('an empty putMany is a no-op that still reports a closed store', async () => {
  const { store } = tempStore();
  await store.putMany(0, []);
  store.putManySync(0, []);
  await store.close();
  await expect(store.putMany(0, [])).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
});

test('readOnly opens for reads and refuses writes with CVX_READ_ONLY', async () => {
  const { dir, store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: 1, vector: [1] });
  store.closeSync();
  const ro = await HotStore.open(dir, { readOnly: true });
  expect(ro.getSync(1, 0, 1)).toBeDefined();
  await expect(ro.put(0, { entityId: 1, timestamp: 2, vector: [1] })).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
  expect(() => ro.deleteSync(1, 0, 1)).toThrow(expect.objectContaining({ code: 'CVX_READ_ONLY' }));
  expect(() => ro.putManySync(0, [{ entityId: 1, timestamp: 2, vector: [1] }])).toThrow(expect.objectContaining({ code: 'CVX_READ_ONLY' }));
  expect(ro.getTimelineSync(1, 0)).toMatchObject({ pointCount: 1 });
  await ro.close();
});

test('open creates missing parent directories', async () => {
  const dir = tempPath() + '/a/b/c';
  const store = await HotStore.open(dir);
  store.putSync(0, { entityId: 1, timestamp: 1, vector: [1] });
  await store.close();
  const again = await HotStore.open(dir, { createIfMissing: false });
  expect(again.getSync(1, 0, 1)).toBeDefined();
  await again.close();
});

test('large ranges (handed to JS without a copy) read back exactly, as objects and as columns', async () => {
  const { store } = tempStore();
  const dim = 768;
  const pts = Array.from({ length: 100 }, (_, t) => ({ entityId: 8, timestamp: t, vector: Float32Array.from({ length: dim }, (_, d) => t * 1000 + d) }));
  await store.putMany(0, pts);
  const cols = await store.rangeColumns(8, 0, 0, 99);
  expect(cols.vectors.length).toBe(100 * dim);
  for (let t = 0; t < 100; t++) expect(cols.vectors[t * dim + 5]).toBe(t * 1000 + 5);
  const objs = store.rangeSync(8, 0, 0, 99, { reverse: true });
  expect(objs.map((p) => p.vector[dim - 1])).toEqual(pts.map((p) => p.vector[dim - 1]).reverse());
  await store.close();
});
