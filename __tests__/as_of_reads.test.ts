// getAsOf / getLatest (sync and async): the point with the greatest timestamp ≤ t, within an
// optional tolerance, over the whole i64 domain; deletes and overwrites respected; on
// read-only handles (plain and secondary); and a model test against range(MIN, t).
import * as fc from 'fast-check';
import { HotStore } from '../lib';
import { native } from '../lib/binding';
import { tempPath, tempStore } from './helpers/tmp';

const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const RUNS = Number(process.env.CVX_MODEL_RUNS ?? 40);
const v = (x: number) => [x, x + 0.5];

type Sem = { timestamp: unknown; vector: ArrayLike<number> } | undefined;
const sem = (p: Sem) => p && [p.timestamp, Array.from(p.vector)];

/** Both forms of getAsOf, checked to agree; returns [timestamp, vector] or undefined. */
async function asOf(store: HotStore, e: number | bigint, t: number | bigint, tolerance?: number | bigint): Promise<unknown> {
  const o = tolerance === undefined ? undefined : { tolerance };
  const sync = sem(store.getAsOfSync(e, 0, t, o));
  expect(sem(await store.getAsOf(e, 0, t, o))).toEqual(sync);
  return sync;
}
async function latest(store: HotStore, e: number | bigint): Promise<unknown> {
  const sync = sem(store.getLatestSync(e, 0));
  expect(sem(await store.getLatest(e, 0))).toEqual(sync);
  return sync;
}

test('getAsOf: empty entity, before the first point, on a point, between, after the last', async () => {
  const { store } = tempStore();
  for (const t of [10, 20, 30]) store.putSync(0, { entityId: 1, timestamp: t, vector: v(t) });
  store.putSync(0, { entityId: 0, timestamp: 5, vector: v(99) }); // the neighbour below in key order
  store.putSync(0, { entityId: 2, timestamp: 15, vector: v(98) }); // and above
  expect(await asOf(store, 7, 100)).toBeUndefined();
  expect(await latest(store, 7)).toBeUndefined();
  expect(await asOf(store, 1, 9)).toBeUndefined();
  expect(await asOf(store, 1, 10)).toEqual([10, v(10)]);
  expect(await asOf(store, 1, 25)).toEqual([20, v(20)]);
  expect(await asOf(store, 1, 1000)).toEqual([30, v(30)]);
  expect(await latest(store, 1)).toEqual([30, v(30)]);
  expect(store.getAsOfSync(1, 0, 25)!.entityId).toBe(1);
  expect(store.getAsOfSync(1, 1, 25)).toBeUndefined(); // another space
  store.closeSync();
});

test('getAsOf: negative timestamps and the ends of the i64 domain, bigint store', async () => {
  const { store } = tempStore({ bigint: true });
  for (const t of [I64_MIN, -5n, I64_MAX]) store.putSync(0, { entityId: (1n << 64n) - 1n, timestamp: t, vector: v(Number(t % 1000n)) });
  const e = (1n << 64n) - 1n;
  expect(await asOf(store, e, I64_MIN)).toEqual([I64_MIN, v(Number(I64_MIN % 1000n))]);
  expect(await asOf(store, e, -6n)).toEqual([I64_MIN, v(Number(I64_MIN % 1000n))]);
  expect(await asOf(store, e, -1n)).toEqual([-5n, v(-5)]);
  expect(await asOf(store, e, I64_MAX - 1n)).toEqual([-5n, v(-5)]);
  expect(await asOf(store, e, I64_MAX)).toEqual([I64_MAX, v(Number(I64_MAX % 1000n))]);
  expect(await latest(store, e)).toEqual([I64_MAX, v(Number(I64_MAX % 1000n))]);
  const p = store.getAsOfSync(e, 0, 0n)!;
  expect(p.entityId).toBe(e);
  expect(typeof p.timestamp).toBe('bigint');
  expect(typeof (await store.getAsOf(e, 0, -1))!.timestamp).toBe('bigint'); // a number t, bigint answer
  store.closeSync();
  // In number mode a timestamp outside the safe range is refused, as get/range refuse it.
  const dir = tempPath();
  const n = HotStore.openSync(dir);
  n.putSync(0, { entityId: 1, timestamp: I64_MAX, vector: v(1) });
  n.putSync(0, { entityId: 1, timestamp: -3, vector: v(2) });
  expect(() => n.getLatestSync(1, 0)).toThrow(expect.objectContaining({ code: 'CVX_UNSAFE_INTEGER' }));
  await expect(n.getLatest(1, 0)).rejects.toMatchObject({ code: 'CVX_UNSAFE_INTEGER' });
  expect(n.getAsOfSync(1, 0, 0)).toEqual({ entityId: 1, timestamp: -3, vector: expect.anything() });
  expect(typeof n.getAsOfSync(1, 0, 0)!.timestamp).toBe('number');
  n.closeSync();
});

test('getAsOf: tolerance edges are inclusive; t − tolerance saturates at the i64 minimum', async () => {
  const { store } = tempStore({ bigint: true });
  store.putSync(0, { entityId: 1, timestamp: 100n, vector: v(1) });
  store.putSync(0, { entityId: 2, timestamp: I64_MIN, vector: v(2) });
  expect(await asOf(store, 1, 150n, 50)).toEqual([100n, v(1)]); // 150 − 50 = 100: inclusive
  expect(await asOf(store, 1, 150n, 49)).toBeUndefined();
  expect(await asOf(store, 1, 100n, 0)).toEqual([100n, v(1)]); // tolerance 0: exactly t
  expect(await asOf(store, 1, 101n, 0n)).toBeUndefined();
  expect(await asOf(store, 1, 99n, 1000)).toBeUndefined(); // the point is after t
  expect(await asOf(store, 1, I64_MAX, I64_MAX)).toEqual([100n, v(1)]);
  // The bottom: t − tolerance below −2^63 counts from −2^63, so the point there is found.
  expect(await asOf(store, 2, -1n, I64_MAX)).toEqual([I64_MIN, v(2)]);
  expect(await asOf(store, 2, I64_MIN + 10n, 11n)).toEqual([I64_MIN, v(2)]);
  expect(await asOf(store, 2, I64_MIN, I64_MAX)).toEqual([I64_MIN, v(2)]);
  expect(await asOf(store, 2, I64_MIN + 10n, 9n)).toBeUndefined();
  store.closeSync();
});

test('getAsOf: deletes, deleteRange and overwrites are respected, in memtable and in table files', async () => {
  const { store } = tempStore();
  for (let t = 0; t < 100; t++) store.putSync(0, { entityId: 1, timestamp: t, vector: v(t) });
  store.compactSync();
  store.putSync(0, { entityId: 1, timestamp: 50, vector: v(-50) }); // overwrite, in the memtable
  expect(await asOf(store, 1, 50)).toEqual([50, v(-50)]);
  store.deleteSync(1, 0, 50);
  expect(await asOf(store, 1, 50)).toEqual([49, v(49)]);
  store.deleteRangeSync(1, 0, 20, 49);
  expect(await asOf(store, 1, 55)).toEqual([55, v(55)]);
  expect(await asOf(store, 1, 50)).toEqual([19, v(19)]);
  expect(await asOf(store, 1, 50, 30)).toBeUndefined(); // [20, 50] is all gone
  store.deleteRangeSync(1, 0, 90, 99);
  expect(await latest(store, 1)).toEqual([89, v(89)]);
  store.compactSync();
  expect(await asOf(store, 1, 50)).toEqual([19, v(19)]);
  expect(await latest(store, 1)).toEqual([89, v(89)]);
  store.deleteRangeSync(1, 0, 0, 89);
  expect(await latest(store, 1)).toBeUndefined();
  store.closeSync();
});

test('getAsOf works on read-only handles: a plain read-only open and a secondary beside a writer', async () => {
  const dir = tempPath();
  const w = HotStore.openSync(dir);
  for (const t of [1, 2, 3]) w.putSync(0, { entityId: 4, timestamp: t, vector: v(t) });
  // Beside this process's writer the read-only open is a RocksDB secondary (no snapshots).
  const secondary = HotStore.openSync(dir, { readOnly: true });
  expect(await asOf(secondary, 4, 2)).toEqual([2, v(2)]);
  expect(await latest(secondary, 4)).toEqual([3, v(3)]);
  secondary.closeSync();
  w.closeSync();
  const ro = HotStore.openSync(dir, { readOnly: true });
  expect(await asOf(ro, 4, 2, 0)).toEqual([2, v(2)]);
  expect(await latest(ro, 4)).toEqual([3, v(3)]);
  ro.closeSync();
});

test('getAsOf after close is CVX_NOT_OPEN', async () => {
  const { store } = tempStore();
  store.closeSync();
  expect(() => store.getAsOfSync(1, 0, 1)).toThrow(expect.objectContaining({ code: 'CVX_NOT_OPEN' }));
  await expect(store.getLatest(1, 0)).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
});

// Model: getAsOf(t[, tolerance]) equals the last point of range(MIN, t) (and its window),
// under random puts, overwrites, deletes and deleteRange on a few entities of one space.
const TIMES = [I64_MIN, I64_MIN + 1n, -7n, -1n, 0n, 1n, 3n, 8n, 1n << 60n, I64_MAX - 1n, I64_MAX];
const arbT = fc.oneof(fc.constantFrom(...TIMES), fc.bigInt({ min: -20n, max: 20n }));
const arbE = fc.constantFrom(0n, 1n, (1n << 64n) - 1n);
const arbOp = fc.oneof(
  fc.record({ op: fc.constant('put' as const), e: arbE, t: arbT, x: fc.integer({ min: -99, max: 99 }) }),
  fc.record({ op: fc.constant('del' as const), e: arbE, t: arbT }),
  fc.record({ op: fc.constant('delRange' as const), e: arbE, a: arbT, b: arbT }),
  fc.record({ op: fc.constant('compact' as const) }),
);
const arbQuery = fc.record({ e: arbE, t: arbT, tol: fc.option(fc.oneof(fc.constantFrom(0n, 1n, I64_MAX), fc.bigInt({ min: 0n, max: 30n }))) });

test('model: getAsOf(t) is the last point of range(MIN, t), within the tolerance', async () => {
  const { store } = tempStore({ bigint: true });
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(arbOp, { maxLength: 25 }), fc.array(arbQuery, { minLength: 1, maxLength: 10 }), async (ops, queries) => {
      const space = n++; // a fresh space per run: no state carried between runs
      for (const o of ops) {
        if (o.op === 'put') store.putSync(space, { entityId: o.e, timestamp: o.t, vector: v(o.x) });
        else if (o.op === 'del') store.deleteSync(o.e, space, o.t);
        else if (o.op === 'delRange') store.deleteRangeSync(o.e, space, o.a < o.b ? o.a : o.b, o.a < o.b ? o.b : o.a);
        else store.compactSync();
      }
      for (const { e, t, tol } of queries) {
        const all = store.rangeSync(e, space, I64_MIN, t);
        let want = all.length ? all[all.length - 1] : undefined;
        if (want && tol !== null && (want.timestamp as bigint) < t - tol) want = undefined;
        const o = tol === null ? undefined : { tolerance: tol };
        expect(sem(store.getAsOfSync(e, space, t, o))).toEqual(sem(want));
        expect(sem(await store.getAsOf(e, space, t, o))).toEqual(sem(want));
      }
      const full = store.rangeSync(0n, space, I64_MIN, I64_MAX);
      expect(sem(store.getLatestSync(0n, space))).toEqual(sem(full[full.length - 1]));
    }),
    { numRuns: RUNS },
  );
  store.closeSync();
});

test('the shim\'s timestamp slot: a sync read answers the bare vector, its timestamp in slot[0]; async ignores it; a bad slot is refused', async () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: -7, vector: v(3) });
  const h = store._handle;
  const slot = new BigInt64Array([99n]);
  const got = native.getAsOfSync(h, 1, 0, 0, undefined, slot);
  expect(Object.prototype.toString.call(got)).toBe('[object Float32Array]'); // jest's realm has another Float32Array
  expect(Array.from(got!)).toEqual(v(3));
  expect(slot[0]).toBe(-7n);
  slot[0] = 99n;
  expect(native.getAsOfSync(h, 1, 0, -8, undefined, slot)).toBeUndefined();
  expect(slot[0]).toBe(99n); // nothing found: the slot is left alone
  // An async read is shaped after other JS may have run: it answers the object, slot untouched.
  const getAsOfWithSlot = native.getAsOf as (...a: unknown[]) => Promise<unknown>;
  expect(await getAsOfWithSlot(h, 1, 0, 0, undefined, slot)).toEqual({ timestamp: -7, vector: expect.anything() });
  expect(slot[0]).toBe(99n);
  for (const bad of [new Float64Array(1), new BigInt64Array(0), [0n], 5n]) {
    expect(() => native.getAsOfSync(h, 1, 0, 0, undefined, bad as never)).toThrow(expect.objectContaining({
      code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('timestampSlot'),
    }));
  }
  store.closeSync();
});
