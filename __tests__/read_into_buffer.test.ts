// rangeColumnsSync(…, { into }) and getManySync(…, { into }): the vectors are written into the
// caller's Float32Array instead of fresh memory. The answer must equal the one without `into`,
// be a view of that buffer, never write outside it, refuse a buffer too small or of the wrong
// kind by naming options.into, and never be taken by an async read (a pool thread must not write
// into JS memory).
import { native } from '../lib/binding';
import { HotStore } from '../lib';
import { tempStore } from './helpers/tmp';

const DIM = 8;
const vec = (e: number, t: number) => Float32Array.from({ length: DIM }, (_, i) => e * 1000 + t + i / 8);

/** Entity e has 10·(e+1) points, the first half in SST files and the rest in the memtable. */
function seeded(): HotStore {
  const { store } = tempStore();
  const pts = (from: number, to: number) => {
    const out = [];
    for (let e = 0; e < 4; e++) for (let t = from; t < to && t < 10 * (e + 1); t++) out.push({ entityId: e, timestamp: t * 10, vector: vec(e, t * 10) });
    return out;
  };
  store.putManySync(0, pts(0, 5));
  store.compactSync();
  store.putManySync(0, pts(5, 40));
  return store;
}

const same = (a: { count: number; dim: number; timestamps: BigInt64Array; vectors: Float32Array }) => ({
  count: a.count, dim: a.dim, timestamps: Array.from(a.timestamps), vectors: Array.from(a.vectors),
});

test('into answers exactly as a fresh result would, for every entity, direction and limit', () => {
  const store = seeded();
  const into = new Float32Array(40 * DIM);
  for (let e = 0; e < 5; e++) {
    for (const options of [{}, { reverse: true }, { limit: 3 }, { limit: 7, reverse: true }]) {
      for (const [start, end] of [[0, 1000], [25, 95], [500, 600]]) {
        const fresh = store.rangeColumnsSync(e, 0, start, end, options);
        const mine = store.rangeColumnsSync(e, 0, start, end, { ...options, into });
        expect(same(mine)).toEqual(same(fresh));
        expect(mine.vectors.buffer).toBe(into.buffer);
        expect(mine.vectors.byteOffset).toBe(0);
      }
    }
  }
  store.closeSync();
});

test('a reused buffer is overwritten by the next call, and nothing outside it is written', () => {
  const store = seeded();
  const backing = new Float32Array(2 + 40 * DIM + 2).fill(-7);
  const into = backing.subarray(2, 2 + 40 * DIM); // a window with sentinels on both sides
  const first = store.rangeColumnsSync(3, 0, 0, 1000, { into });
  expect(first.count).toBe(40);
  expect(Array.from(first.vectors.subarray(0, DIM))).toEqual(Array.from(vec(3, 0)));
  const second = store.rangeColumnsSync(1, 0, 0, 1000, { into });
  expect(second.count).toBe(20);
  expect(second.vectors.byteOffset).toBe(into.byteOffset);
  expect(Array.from(first.vectors.subarray(0, DIM))).toEqual(Array.from(vec(1, 0))); // same memory
  expect(Array.from(first.vectors.subarray(20 * DIM, 20 * DIM + DIM))).toEqual(Array.from(vec(3, 200))); // beyond: the first call's
  expect([...backing.subarray(0, 2), ...backing.subarray(2 + 40 * DIM)]).toEqual([-7, -7, -7, -7]);
  store.closeSync();
});

test('a buffer too small is refused naming options.into; a limit that fits is answered', () => {
  const store = seeded();
  const into = new Float32Array(10 * DIM + 3); // 10 vectors and a bit
  expect(() => store.rangeColumnsSync(2, 0, 0, 1000, { into })).toThrow(expect.objectContaining({
    code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^options\.into has room for 83 floats.*10 vectors of dim 8 fit.*limit/),
  }));
  const limited = store.rangeColumnsSync(2, 0, 0, 1000, { into, limit: 10 });
  expect(same(limited)).toEqual(same(store.rangeColumnsSync(2, 0, 0, 1000, { limit: 10 })));
  expect(store.rangeColumnsSync(2, 0, 5000, 6000, { into }).count).toBe(0); // an empty range fits anywhere
  expect(store.rangeColumnsSync(2, 0, 5000, 6000, { into }).vectors.length).toBe(0);
  store.closeSync();
});

test('an into that is not a non-empty Float32Array is refused naming it, and only the sync reads take one', async () => {
  const store = seeded();
  const detached = new Float32Array(64);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  const bad: Array<[unknown, RegExp]> = [
    [new Float64Array(64), /^options\.into must be a Float32Array/],
    [Array(64).fill(0), /^options\.into must be a Float32Array/],
    [null, /^options\.into must be a Float32Array, got null/],
    [new Float32Array(0), /^options\.into is empty/],
    [detached, /^options\.into is empty \(or its buffer was detached\)/],
  ];
  for (const [into, message] of bad) {
    expect(() => store.rangeColumnsSync(1, 0, 0, 1000, { into } as never)).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(message) }));
  }
  const into = new Float32Array(64);
  const onlySync = { code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^options\.into is taken by rangeColumnsSync, getManySync and getManyAsOfSync only/) };
  await expect(store.rangeColumns(1, 0, 0, 1000, { into } as never)).rejects.toMatchObject(onlySync);
  await expect(store.range(1, 0, 0, 1000, { into } as never)).rejects.toMatchObject(onlySync);
  expect(() => store.rangeSync(1, 0, 0, 1000, { into } as never)).toThrow(expect.objectContaining(onlySync));
  // The shim itself refuses it for an async read, so no pool thread ever writes JS memory.
  const rawRange = native.range as unknown as (...args: unknown[]) => Promise<unknown>;
  await expect(rawRange(store._handle, 1, 0, 0, 1000, 0, 0, into)).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^options\.into/) });
  expect(Array.from(into)).toEqual(Array(64).fill(0));
  store.closeSync();
});

test('a SharedArrayBuffer-backed into is written like any other', () => {
  const store = seeded();
  const into = new Float32Array(new SharedArrayBuffer(40 * DIM * 4));
  expect(same(store.rangeColumnsSync(3, 0, 0, 1000, { into }))).toEqual(same(store.rangeColumnsSync(3, 0, 0, 1000)));
  store.closeSync();
});

test('getManySync into: key i at element i·dim, absent keys undefined with their slots untouched', () => {
  const store = seeded();
  const keys = [{ entityId: 3, timestamp: 0 }, { entityId: 9, timestamp: 0 }, { entityId: 0, timestamp: 90 }, { entityId: 1, timestamp: 190 }, { entityId: 3, timestamp: 0 }];
  const backing = new Float32Array(2 + keys.length * DIM + 2).fill(-7);
  const into = backing.subarray(2, 2 + keys.length * DIM);
  const fresh = store.getManySync(0, keys);
  const mine = store.getManySync(0, keys, { into });
  expect(mine.map((p) => p && { ...p, vector: Array.from(p.vector) })).toEqual(fresh.map((p) => p && { ...p, vector: Array.from(p.vector) }));
  for (const [i, p] of mine.entries()) {
    if (!p) continue;
    expect(p.vector.buffer).toBe(into.buffer);
    expect(p.vector.byteOffset).toBe(into.byteOffset + i * DIM * 4);
  }
  expect(Array.from(into.subarray(DIM, 2 * DIM))).toEqual(Array(DIM).fill(-7)); // entity 9: absent
  expect([...backing.subarray(0, 2), ...backing.subarray(2 + keys.length * DIM)]).toEqual([-7, -7, -7, -7]);
  // columns, and a batch where nothing is found (dim unknown: nothing written)
  const cols = { entityIds: new Float64Array([1, 2]), timestamps: new Float64Array([10, 20]) };
  expect(store.getManySync(0, cols, { into }).map((p) => p && Array.from(p.vector))).toEqual([Array.from(vec(1, 10)), Array.from(vec(2, 20))]);
  const none = new Float32Array(4).fill(5);
  expect(store.getManySync(0, [{ entityId: 77, timestamp: 1 }], { into: none })).toEqual([undefined]);
  expect(Array.from(none)).toEqual([5, 5, 5, 5]);
  store.closeSync();
});

test('getManySync into too small is refused naming it; async getMany never takes one', async () => {
  const store = seeded();
  const keys = Array.from({ length: 4 }, (_, i) => ({ entityId: i, timestamp: 0 }));
  const into = new Float32Array(4 * DIM - 1);
  expect(() => store.getManySync(0, keys, { into })).toThrow(expect.objectContaining({
    code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^options\.into has room for 31 floats, fewer than 4 keys of dim 8: pass a Float32Array/),
  }));
  expect(() => store.getManySync(0, keys, { into: new Float64Array(64) } as never)).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^options\.into must be a Float32Array/) }));
  expect(() => store.getManySync(0, keys, 5 as never)).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^options must be an object/) }));
  const room = new Float32Array(4 * DIM);
  await expect(store.getMany(0, keys, { into: room })).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^options\.into is taken by rangeColumnsSync, getManySync and getManyAsOfSync only/) });
  const rawGetMany = native.getMany as unknown as (...args: unknown[]) => Promise<unknown>;
  await expect(rawGetMany(store._handle, 0, new Float64Array([1]), new Float64Array([0]), room)).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT' });
  expect(Array.from(room)).toEqual(Array(4 * DIM).fill(0));
  store.closeSync();
});
