// getMany / getManySync: many point reads of one space in one native call (MultiGet),
// answered in key order, exactly as the same gets one by one would answer.
import { HotStore } from '../lib';
import { plain, tempPath, tempStore } from './helpers/tmp';

const DIM = 8;
const vec = (e: number, t: number) => Float32Array.from({ length: DIM }, (_, i) => e * 1000 + t + i / 8);

/** A store with points in SST files and in the memtable, and one deleted point. */
function seeded(): HotStore {
  const { store } = tempStore();
  const pts = [];
  for (let e = 0; e < 20; e++) for (let t = 0; t < 10; t++) pts.push({ entityId: e, timestamp: t * 100, vector: vec(e, t * 100) });
  store.putManySync(0, pts.slice(0, 100));
  store.compactSync(); // the first half now lives in SST files
  store.putManySync(0, pts.slice(100));
  store.deleteSync(3, 0, 200);
  return store;
}

function keyMix(): Array<{ entityId: number; timestamp: number }> {
  const keys = [];
  for (let e = 0; e < 22; e++) for (const t of [0, 200, 250, 900]) keys.push({ entityId: e, timestamp: t });
  keys.push({ entityId: 5, timestamp: 0 }, { entityId: 5, timestamp: 0 }); // duplicates answer twice
  return keys;
}

test('getMany answers every key in key order as get would, undefined where nothing is stored', async () => {
  const store = seeded();
  const keys = keyMix();
  const expected = keys.map((k) => store.getSync(k.entityId, 0, k.timestamp));
  expect(expected.filter((p) => p === undefined).length).toBeGreaterThan(10); // absent, deleted, unknown entity
  for (const got of [store.getManySync(0, keys), await store.getMany(0, keys)]) {
    expect(got).toHaveLength(keys.length);
    got.forEach((p, i) => {
      if (expected[i] === undefined) expect(p).toBeUndefined();
      else expect(plain(p!)).toEqual(plain(expected[i]!));
    });
  }
  expect(store.getManySync(0, [{ entityId: 3, timestamp: 200 }])).toEqual([undefined]); // the deleted point
  store.closeSync();
});

test('getMany takes key columns, and bigint columns and ids in bigint mode', async () => {
  const dir = tempPath();
  const big = 2n ** 60n;
  const s = HotStore.openSync(dir, { bigint: true });
  s.putManySync(1, [{ entityId: big, timestamp: -5n, vector: vec(1, 1) }, { entityId: 7n, timestamp: 9n, vector: vec(7, 9) }]);
  const cols = { entityIds: new BigUint64Array([7n, big, big]), timestamps: new BigInt64Array([9n, -5n, -6n]) };
  for (const got of [s.getManySync(1, cols), await s.getMany(1, cols)]) {
    expect(got.map((p) => p && plain(p))).toEqual([
      { entityId: 7n, timestamp: 9n, vector: Array.from(vec(7, 9)) },
      { entityId: big, timestamp: -5n, vector: Array.from(vec(1, 1)) },
      undefined,
    ]);
  }
  s.closeSync();

  const n = HotStore.openSync(dir);
  const got = n.getManySync(1, { entityIds: new Float64Array([7, 8]), timestamps: [9, 9] });
  expect(got.map((p) => p && plain(p))).toEqual([{ entityId: 7, timestamp: 9, vector: Array.from(vec(7, 9)) }, undefined]);
  // A stored id beyond 2^53 is not rounded into a number.
  expect(() => n.getManySync(1, [{ entityId: big, timestamp: -5 }])).toThrow(expect.objectContaining({ code: 'CVX_UNSAFE_INTEGER' }));
  n.closeSync();
});

test('getMany reads only its space; no keys give an empty answer', async () => {
  const store = seeded();
  expect(store.getManySync(1, [{ entityId: 1, timestamp: 0 }])).toEqual([undefined]);
  expect(store.getManySync(0, [])).toEqual([]);
  expect(await store.getMany(0, { entityIds: [], timestamps: [] })).toEqual([]);
  store.closeSync();
});

test('a getMany larger than a result slab comes back whole, sync and async', async () => {
  const { store } = tempStore();
  const pts = [];
  for (let e = 0; e < 3000; e++) pts.push({ entityId: e, timestamp: 1, vector: vec(e, 1) });
  store.putManySync(0, pts);
  const keys = pts.map((p) => ({ entityId: p.entityId, timestamp: 1 }));
  for (const got of [store.getManySync(0, keys), await store.getMany(0, keys)]) {
    expect(got).toHaveLength(3000);
    expect(got.every((p, i) => p !== undefined && p.entityId === i && p.vector[0] === vec(i, 1)[0] && p.vector[DIM - 1] === vec(i, 1)[DIM - 1])).toBe(true);
    // Each vector is a small result like get's, not a view pinning one buffer for the whole batch.
    expect(got[0]!.vector.buffer.byteLength).toBeLessThanOrEqual(64 * 1024);
  }
  store.closeSync();
});

test('getMany refuses bad keys with CVX_INVALID_ARGUMENT naming the argument', async () => {
  const store = seeded();
  const bad: Array<[unknown, RegExp]> = [
    [undefined, /^keys must be an iterable/],
    [42, /^keys must be an iterable/],
    ['abc', /^keys must be an iterable/],
    [[{ entityId: 1, timestamp: 0 }, null], /^keys\[1\] must be an object/],
    [[{ entityId: -1, timestamp: 0 }], /^keys\[0\]\.entityId must be an integer/],
    [[{ entityId: 1, timestamp: 1.5 }], /^keys\[0\]\.timestamp must be an integer/],
    [[{ entityId: 1 }], /^keys\[0\]\.timestamp must be an integer/],
    [{ entityIds: [1, 2], timestamps: [1] }, /^keys\.timestamps must have 2 elements/],
    [{ entityIds: 5, timestamps: [1] }, /^keys\.entityIds must be an array/],
    [{ entityIds: new Float64Array([0.5]), timestamps: [1] }, /^keys\[0\]\.entityId must be a non-negative safe integer/],
    [{ entityIds: [1], timestamps: new Float64Array([2 ** 60]) }, /^keys\[0\]\.timestamp must be a safe integer/],
  ];
  for (const [keys, message] of bad) {
    expect(() => store.getManySync(0, keys as never)).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(message) }));
    await expect(store.getMany(0, keys as never)).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(message) });
  }
  expect(() => store.getManySync(-1, [])).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^spaceId/) }));
  store.closeSync();
});

test('getMany after close fails with CVX_NOT_OPEN', async () => {
  const store = seeded();
  await store.close();
  expect(() => store.getManySync(0, [{ entityId: 1, timestamp: 0 }])).toThrow(expect.objectContaining({ code: 'CVX_NOT_OPEN' }));
  await expect(store.getMany(0, [{ entityId: 1, timestamp: 0 }])).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
});
