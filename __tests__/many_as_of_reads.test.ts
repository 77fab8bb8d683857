// getManyAsOf / getManyAsOfSync: getAsOf for many entities of one space in one native call,
// answered as columns. Each row agrees with getAsOf of that entity (a model test over random
// stores with negative and extreme timestamps, tolerance edges, per-entity t, unknown entities,
// deletes, deleteRange and compactions); the sync form with and without `into` and the async
// form give the same answer; `into` is reused, refused when too small and left untouched then;
// damage is CVX_CORRUPTION; the answer is from one moment of the store.
import * as fc from 'fast-check';
import { AsOfColumns, HotStore } from '../lib';
import { encodeKey, encodePrefix } from '../lib';
import { rawPut } from './helpers/raw';
import { tempStore } from './helpers/tmp';

const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const U64_MAX = (1n << 64n) - 1n;
const RUNS = Number(process.env.CVX_MODEL_RUNS ?? 40);
const v = (x: number) => [x, x + 0.5];

type Row = [timestamp: bigint, vector: number[]] | undefined;

/** The answer's rows, checking the columns' shape on the way. */
function rows(c: AsOfColumns, n: number): Row[] {
  expect(c.count).toBe(n);
  expect([c.found.length, c.timestamps.length, c.vectors.length]).toEqual([n, n, n * c.dim]);
  const out: Row[] = [];
  for (let i = 0; i < n; i++) {
    const vec = Array.from(c.vectors.subarray(i * c.dim, (i + 1) * c.dim));
    if (c.found[i] === 1) {
      out.push([c.timestamps[i], vec]);
    } else {
      expect(c.found[i]).toBe(0);
      expect(c.timestamps[i]).toBe(0n);
      expect(vec.every((x) => x === 0)).toBe(true); // zeros where not found
      out.push(undefined);
    }
  }
  return out;
}

/** Every form of the call (sync, sync into a dirty reused matrix, async), checked to agree. */
async function many(
  store: HotStore, space: number, ids: Array<number | bigint>, t: number | bigint | Array<number | bigint>, tolerance?: number | bigint,
): Promise<Row[]> {
  const o = tolerance === undefined ? undefined : { tolerance };
  const sync = rows(store.getManyAsOfSync(space, ids, t, o), ids.length);
  const into = new Float32Array(ids.length * 2 + 3).fill(NaN); // what a previous call left in it
  const withInto = store.getManyAsOfSync(space, ids, t, { ...o, into });
  expect(withInto.vectors.buffer).toBe(into.buffer); // a view of the caller's matrix
  expect(withInto.vectors.byteOffset).toBe(0);
  expect(rows(withInto, ids.length)).toEqual(sync);
  expect(rows(await store.getManyAsOf(space, ids, t, o), ids.length)).toEqual(sync);
  return sync;
}

/** getAsOf of each entity, as rows. */
function oneByOne(store: HotStore, space: number, ids: Array<number | bigint>, t: number | bigint | Array<number | bigint>, tolerance?: number | bigint): Row[] {
  const o = tolerance === undefined ? undefined : { tolerance };
  return ids.map((e, i) => {
    const p = store.getAsOfSync(e, space, Array.isArray(t) ? t[i] : t, o);
    return p && [BigInt(p.timestamp), Array.from(p.vector)];
  });
}

test('getManyAsOf answers each entity as getAsOf does: before, on, between, after; unknown entities; duplicates', async () => {
  const { store } = tempStore();
  for (const t of [10, 20, 30]) store.putSync(0, { entityId: 1, timestamp: t, vector: v(t) });
  store.putSync(0, { entityId: 0, timestamp: 5, vector: v(99) }); // the neighbour below in key order
  store.putSync(0, { entityId: 2, timestamp: 15, vector: v(98) }); // and above
  store.putSync(1, { entityId: 1, timestamp: 1, vector: [7, 7, 7] }); // another space, another dim
  const ids = [1, 7, 0, 2, 1];
  expect(await many(store, 0, ids, 25)).toEqual([[20n, v(20)], undefined, [5n, v(99)], [15n, v(98)], [20n, v(20)]]);
  expect(await many(store, 0, ids, 9)).toEqual([undefined, undefined, [5n, v(99)], undefined, undefined]);
  expect(await many(store, 0, ids, [10, 10, 4, 1000, 30])).toEqual([[10n, v(10)], undefined, undefined, [15n, v(98)], [30n, v(30)]]);
  for (const t of [0, 10, 15, 29, 30, 1000]) expect(await many(store, 0, ids, t)).toEqual(oneByOne(store, 0, ids, t));
  const other = store.getManyAsOfSync(1, [1, 2], 5);
  expect([other.dim, Array.from(other.found), Array.from(other.vectors)]).toEqual([3, [1, 0], [7, 7, 7, 0, 0, 0]]);
  store.closeSync();
});

test('getManyAsOf: an empty list, a space never written, and the typed and iterable forms of its columns', async () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 3, timestamp: -4, vector: v(3) });
  store.putSync(0, { entityId: 4, timestamp: 8, vector: v(4) });
  const empty = store.getManyAsOfSync(0, [], 5);
  expect([empty.count, empty.dim, empty.found.length, empty.timestamps.length, empty.vectors.length]).toEqual([0, 2, 0, 0, 0]);
  const emptyAsync = await store.getManyAsOf(0, new Float64Array(0), new Float64Array(0));
  expect([emptyAsync.count, emptyAsync.vectors.length]).toEqual([0, 0]);
  for (const c of [store.getManyAsOfSync(9, [3, 4], 100), await store.getManyAsOf(9, [3, 4], 100)]) {
    expect([c.count, c.dim, Array.from(c.found), Array.from(c.timestamps), c.vectors.length]).toEqual([2, 0, [0, 0], [0n, 0n], 0]);
  }
  const want = [[-4n, v(3)], [8n, v(4)], undefined];
  const idForms: Array<Iterable<number | bigint> | Float64Array | BigUint64Array> = [
    [3, 4, 5], [3n, 4n, 5n], new Float64Array([3, 4, 5]), new BigUint64Array([3n, 4n, 5n]), new Set([3, 4, 5]),
    (function* () { yield 3; yield 4n; yield 5; })(),
  ];
  for (const ids of idForms) expect(rows(store.getManyAsOfSync(0, ids, 10n), 3)).toEqual(want);
  const tForms = [[0, 10, 10], [0n, 10n, 10n], new Float64Array([0, 10, 10]), new BigInt64Array([0n, 10n, 10n]), new Set([0, 10, 11])];
  for (const t of tForms) expect(rows(await store.getManyAsOf(0, [3, 4, 5], t), 3)).toEqual(want);
  // Number mode answers timestamps in a BigInt64Array too, as rangeColumns does.
  const { timestamps } = store.getManyAsOfSync(0, [3], 0);
  expect([Object.prototype.toString.call(timestamps), Array.from(timestamps)]).toEqual(['[object BigInt64Array]', [-4n]]);
  store.closeSync();
});

test('getManyAsOf: negative timestamps, the ends of the i64 domain and the u64 ids, bigint store', async () => {
  const { store } = tempStore({ bigint: true });
  const e = U64_MAX;
  for (const t of [I64_MIN, -5n, I64_MAX]) store.putSync(0, { entityId: e, timestamp: t, vector: v(Number(t % 1000n)) });
  store.putSync(0, { entityId: 0n, timestamp: 0n, vector: v(0) });
  const ids = [e, 0n, e - 1n];
  for (const t of [I64_MIN, I64_MIN + 1n, -6n, -5n, -1n, 0n, I64_MAX - 1n, I64_MAX]) {
    expect(await many(store, 0, ids, t)).toEqual(oneByOne(store, 0, ids, t));
  }
  expect(await many(store, 0, ids, I64_MAX)).toEqual([[I64_MAX, v(Number(I64_MAX % 1000n))], [0n, v(0)], undefined]);
  expect(await many(store, 0, ids, [I64_MIN, I64_MIN, I64_MAX])).toEqual([[I64_MIN, v(Number(I64_MIN % 1000n))], undefined, undefined]);
  store.closeSync();
});

test('getManyAsOf: tolerance edges are inclusive; t − tolerance saturates at the i64 minimum', async () => {
  const { store } = tempStore({ bigint: true });
  store.putSync(0, { entityId: 1n, timestamp: 100n, vector: v(1) });
  store.putSync(0, { entityId: 2n, timestamp: I64_MIN, vector: v(2) });
  const ids = [1n, 2n];
  const cases: Array<[Array<bigint>, bigint, Row[]]> = [
    [[150n, -1n], 50n, [[100n, v(1)], undefined]], // 150 − 50 = 100: inclusive
    [[150n, I64_MIN + 10n], 49n, [undefined, [I64_MIN, v(2)]]], // I64_MIN + 10 − 49 saturates
    [[100n, I64_MIN], 0n, [[100n, v(1)], [I64_MIN, v(2)]]], // tolerance 0: exactly t
    [[101n, I64_MIN + 1n], 0n, [undefined, undefined]],
    [[I64_MAX, -1n], I64_MAX, [[100n, v(1)], [I64_MIN, v(2)]]], // the bottom: −1 − (2^63−1) < −2^63 counts from −2^63
    [[99n, I64_MIN + 10n], 10n, [undefined, [I64_MIN, v(2)]]],
    [[99n, I64_MIN + 10n], 9n, [undefined, undefined]],
  ];
  for (const [t, tol, want] of cases) {
    expect(await many(store, 0, ids, t, tol)).toEqual(want);
    expect(oneByOne(store, 0, ids, t, tol)).toEqual(want);
  }
  store.closeSync();
});

test('getManyAsOf: deletes, deleteRange and overwrites, in the memtable and in table files', async () => {
  const { store } = tempStore();
  for (let e = 0; e < 3; e++) for (let t = 0; t < 100; t++) store.putSync(0, { entityId: e, timestamp: t, vector: v(e * 1000 + t) });
  store.compactSync();
  store.putSync(0, { entityId: 1, timestamp: 50, vector: v(-50) });
  store.deleteSync(0, 0, 50);
  store.deleteRangeSync(2, 0, 20, 60);
  store.deleteRangeSync(1, 0, 90, 99);
  const ids = [0, 1, 2, 3];
  const check = async () => {
    for (const t of [0, 19, 20, 49, 50, 55, 60, 61, 89, 95, 1000]) {
      for (const tol of [undefined, 0, 5, 30]) expect(await many(store, 0, ids, t, tol)).toEqual(oneByOne(store, 0, ids, t, tol));
    }
  };
  await check();
  expect(await many(store, 0, ids, 50)).toEqual([[49n, v(49)], [50n, v(-50)], [19n, v(2019)], undefined]);
  expect(await many(store, 0, ids, 50, 29)).toEqual([[49n, v(49)], [50n, v(-50)], undefined, undefined]);
  store.compactSync();
  await check();
  store.deleteRangeSync(0, 0, 0, 99);
  expect(await many(store, 0, ids, 1000)).toEqual([undefined, [89n, v(1089)], [99n, v(2099)], undefined]);
  store.closeSync();
});

test('getManyAsOfSync into: rows at i * dim, the rest of the matrix untouched; too small is refused, leaving it as it was', async () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: 1, vector: [1, 2, 3] });
  store.putSync(0, { entityId: 3, timestamp: 1, vector: [4, 5, 6] });
  const into = new Float32Array(10).fill(-1);
  const c = store.getManyAsOfSync(0, [3, 2, 1], 1, { into });
  expect(Array.from(c.found)).toEqual([1, 0, 1]);
  expect(Array.from(into)).toEqual([4, 5, 6, 0, 0, 0, 1, 2, 3, -1]); // element 9 is past count * dim
  expect(c.vectors.length).toBe(9);
  // Reused: the next answer overwrites the rows.
  store.getManyAsOfSync(0, [1], 1, { into });
  expect(Array.from(into.subarray(0, 3))).toEqual([1, 2, 3]);
  const small = new Float32Array(8).fill(7);
  expect(() => store.getManyAsOfSync(0, [3, 2, 1], 1, { into: small })).toThrow(expect.objectContaining({
    code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^options\.into has room for 8 floats, fewer than 3 entities of dim 3/),
  }));
  expect(Array.from(small)).toEqual(new Array(8).fill(7));
  // A space never written needs no room at all.
  expect(store.getManyAsOfSync(5, [1, 2], 1, { into: new Float32Array(1) }).vectors.length).toBe(0);
  await expect(store.getManyAsOf(0, [1], 1, { into } as never)).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^options\.into/) });
  store.closeSync();
});

test('getManyAsOf: CVX_CORRUPTION for a vector not of the space dimension and a foreign key inside an entity prefix', async () => {
  const { store } = tempStore();
  for (let t = 0; t < 3; t++) store.putSync(0, { entityId: 4, timestamp: t, vector: [t, t] });
  store.putSync(0, { entityId: 5, timestamp: 0, vector: [1, 1] });
  rawPut(store, 'vectors', encodeKey(5, 0, 9), new Uint8Array(new Float32Array([1, 2, 3]).buffer)); // dim 3 in a dim-2 space
  store.deleteSync(4, 0, 0);
  rawPut(store, 'vectors', Buffer.concat([encodePrefix(4, 0), Buffer.from([0x80])]), new Uint8Array(8)); // 13 bytes
  for (const call of [() => store.getManyAsOfSync(0, [5], 9), () => store.getManyAsOf(0, [5], 9)]) {
    await expect(Promise.resolve().then(call)).rejects.toMatchObject({
      code: 'CVX_CORRUPTION', message: expect.stringContaining('getManyAsOf: stored vector of entity 5 at timestamp 9 has 12 bytes, expected 8'),
    });
  }
  await expect(store.getManyAsOf(0, [4], 0)).rejects.toMatchObject({ code: 'CVX_CORRUPTION', message: expect.stringMatching(/13-byte key inside the prefix of entity 4/) });
  expect(rows(store.getManyAsOfSync(0, [5, 4], [8, 2]), 2)).toEqual([[0n, [1, 1]], [2n, [2, 2]]]); // seeks that never meet them answer
  store.closeSync();
});

test('getManyAsOf works on read-only handles: a plain read-only open and a secondary beside a writer', async () => {
  const { dir, store: w } = tempStore();
  for (const t of [1, 2, 3]) w.putSync(0, { entityId: 4, timestamp: t, vector: v(t) });
  w.putSync(0, { entityId: 5, timestamp: 9, vector: v(9) });
  const want = [[2n, v(2)], undefined, undefined];
  // Beside this process's writer the read-only open is a RocksDB secondary (no snapshots).
  const secondary = HotStore.openSync(dir, { readOnly: true });
  expect(await many(secondary, 0, [4, 5, 6], 2)).toEqual(want);
  secondary.closeSync();
  w.closeSync();
  const ro = HotStore.openSync(dir, { readOnly: true });
  expect(await many(ro, 0, [4, 5, 6], 2)).toEqual(want);
  expect(await many(ro, 0, [4, 5, 6], [3, 9, 9], 0)).toEqual([[3n, v(3)], [9n, v(9)], undefined]);
  ro.closeSync();
});

test('getManyAsOf answers from one moment while a writer moves entities on', async () => {
  // The async read runs on the pool while this thread moves every entity forward, one put at a
  // time, in a shuffled order. From one moment, the entities seen moved are the first k of that
  // order. A read that took a fresh view per entity would see an entity moved while one moved
  // before it was not, as soon as the writer puts behind the reader's position and then ahead of it.
  const { store } = tempStore();
  const N = 5000;
  const ids = Float64Array.from({ length: N }, (_, i) => i);
  store.putManySync(0, { entityIds: ids, timestamps: new Float64Array(N).fill(1), vectors: new Float32Array(N), dim: 1 });
  store.compactSync();
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 2; round < 8; round++) {
    const order = Array.from(ids);
    for (let i = N - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const read = store.getManyAsOf(0, ids, I64_MAX);
    for (const e of order) store.putSync(0, { entityId: e, timestamp: round, vector: [round] });
    const { timestamps } = await read;
    const k = order.findIndex((e) => timestamps[e] !== BigInt(round));
    const seen = k === -1 ? N : k;
    const moved = order.filter((e) => timestamps[e] === BigInt(round)).length;
    expect(moved).toBe(seen); // exactly the first `seen` of the order, none after them
  }
  store.closeSync();
});

// Model: on random stores (puts, overwrites, deletes, deleteRange, compactions over a few
// entities at negative, small and extreme timestamps), every row of getManyAsOf equals getAsOf
// of its entity, for one t or a column of them, with or without a tolerance.
const TIMES = [I64_MIN, I64_MIN + 1n, -7n, -1n, 0n, 1n, 3n, 8n, 1n << 60n, I64_MAX - 1n, I64_MAX];
const arbT = fc.oneof(fc.constantFrom(...TIMES), fc.bigInt({ min: -20n, max: 20n }));
const arbE = fc.constantFrom(0n, 1n, 2n, U64_MAX);
const arbOp = fc.oneof(
  fc.record({ op: fc.constant('put' as const), e: arbE, t: arbT, x: fc.integer({ min: -99, max: 99 }) }),
  fc.record({ op: fc.constant('del' as const), e: arbE, t: arbT }),
  fc.record({ op: fc.constant('delRange' as const), e: arbE, a: arbT, b: arbT }),
  fc.record({ op: fc.constant('compact' as const) }),
);
const arbIds = fc.array(fc.oneof(arbE, fc.constantFrom(3n, U64_MAX - 1n)), { maxLength: 8 }); // 3n, U64_MAX − 1n: never written
const arbQuery = fc.record({
  ids: arbIds,
  t: fc.oneof(arbT, fc.array(arbT, { minLength: 8, maxLength: 8 })),
  tol: fc.option(fc.oneof(fc.constantFrom(0n, 1n, I64_MAX), fc.bigInt({ min: 0n, max: 30n }))),
});

test('model: each row of getManyAsOf is getAsOf of its entity', async () => {
  const { store } = tempStore({ bigint: true });
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(arbOp, { maxLength: 25 }), fc.array(arbQuery, { minLength: 1, maxLength: 6 }), async (ops, queries) => {
      const space = n++; // a fresh space per run
      for (const o of ops) {
        if (o.op === 'put') store.putSync(space, { entityId: o.e, timestamp: o.t, vector: v(o.x) });
        else if (o.op === 'del') store.deleteSync(o.e, space, o.t);
        else if (o.op === 'delRange') store.deleteRangeSync(o.e, space, o.a < o.b ? o.a : o.b, o.a < o.b ? o.b : o.a);
        else store.compactSync();
      }
      for (const { ids, t, tol } of queries) {
        const at = Array.isArray(t) ? t.slice(0, ids.length) : t;
        const tolerance = tol ?? undefined;
        expect(await many(store, space, ids, at, tolerance)).toEqual(oneByOne(store, space, ids, at, tolerance));
      }
    }),
    { numRuns: RUNS },
  );
  store.closeSync();
});
