// latestAll: a space's state at a moment, as columnar batches in entity-id order. It must
// agree with getAsOf per entity (at a past t, at +∞, at the i64 ends), leave out entities
// whose first point is after `at` and those of other spaces, cut batches at batchSize and
// never yield an empty one, and return bigint columns in either integer mode.
import { HotStore, PointBatch } from '../lib';
import { tempStore } from './helpers/tmp';

const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const U64_MAX = (1n << 64n) - 1n;

type Row = [entityId: bigint, timestamp: bigint, vector: number[]];

async function collect(store: HotStore, spaceId: number, options?: Parameters<HotStore['latestAll']>[1]): Promise<{ rows: Row[]; sizes: number[] }> {
  const rows: Row[] = [];
  const sizes: number[] = [];
  for await (const b of store.latestAll(spaceId, options)) {
    expect(Object.prototype.toString.call(b.entityIds)).toBe('[object BigUint64Array]');
    expect(Object.prototype.toString.call(b.timestamps)).toBe('[object BigInt64Array]');
    expect([b.entityIds.length, b.timestamps.length, b.vectors.length]).toEqual([b.count, b.count, b.count * b.dim]);
    sizes.push(b.count);
    for (let i = 0; i < b.count; i++) rows.push([b.entityIds[i], b.timestamps[i], Array.from(b.vectors.subarray(i * b.dim, (i + 1) * b.dim))]);
  }
  return { rows, sizes };
}

/** The same state from getAsOfSync, entity by entity: what latestAll must equal. */
function expected(store: HotStore, spaceId: number, at: bigint): Row[] {
  const out: Row[] = [];
  for (const tl of store.entitiesSync(spaceId)) {
    const p = store.getAsOfSync(tl.entityId, spaceId, at);
    if (p) out.push([BigInt(p.entityId), BigInt(p.timestamp), Array.from(p.vector)]);
  }
  return out;
}

/** Space 0: 40 entities, entity e with points at e*10 + {0, 100, 200}; entity 7 deleted at 200. */
function fill(store: HotStore): void {
  for (let e = 0; e < 40; e++) {
    store.putManySync(0, [0, 100, 200].map((d) => ({ entityId: e, timestamp: e * 10 + d, vector: [e, d, -1] })));
  }
  store.deleteSync(7, 0, 270);
  // Other spaces with the same ids: never in space 0's state.
  store.putManySync(1, [{ entityId: 3, timestamp: 5, vector: [1] }, { entityId: 100, timestamp: 0, vector: [2] }]);
}

test('agrees with getAsOf per entity at past moments, at +∞ and at the i64 ends', async () => {
  const { store } = tempStore({ bigint: true });
  fill(store);
  for (const at of [I64_MIN, -1n, 0n, 5n, 150n, 209n, 250n, 389n, 590n, I64_MAX]) {
    const { rows } = await collect(store, 0, { at });
    expect({ at, rows }).toEqual({ at, rows: expected(store, 0, at) });
  }
  const latest = await collect(store, 0);
  expect(latest.rows).toEqual(expected(store, 0, I64_MAX));
  expect(latest.rows).toHaveLength(40);
  expect(latest.rows[7]).toEqual([7n, 170n, [7, 100, -1]]); // its newest point was deleted
  expect(latest.rows[39]).toEqual([39n, 590n, [39, 200, -1]]);
  expect((await collect(store, 1)).rows).toEqual([[3n, 5n, [1]], [100n, 0n, [2]]]);
  store.closeSync();
});

test('entities whose first point is after `at` are absent; a moment before every point yields nothing', async () => {
  const { store } = tempStore();
  fill(store);
  const { rows } = await collect(store, 0, { at: 105 });
  // Entity e's first point is at e*10: entities 0..10 have one at or before 105.
  expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 11 }, (_, e) => BigInt(e)));
  expect(rows[10]).toEqual([10n, 100n, [10, 0, -1]]);
  expect(rows[0]).toEqual([0n, 100n, [0, 100, -1]]);
  expect(await collect(store, 0, { at: -1 })).toEqual({ rows: [], sizes: [] });
  store.closeSync();
});

test('an empty store, an unknown space and a space emptied by deletes yield no batch', async () => {
  const { store } = tempStore();
  expect(await collect(store, 0)).toEqual({ rows: [], sizes: [] });
  store.putSync(2, { entityId: 1, timestamp: 1, vector: [1] });
  expect(await collect(store, 9)).toEqual({ rows: [], sizes: [] });
  store.deleteSync(1, 2, 1);
  expect(await collect(store, 2)).toEqual({ rows: [], sizes: [] });
  store.closeSync();
});

test('batches hold at most batchSize entities, in id order, never empty, at every boundary', async () => {
  const { store } = tempStore();
  fill(store); // 40 entities
  const all = expected(store, 0, I64_MAX);
  for (const [batchSize, sizes] of [[1, Array(40).fill(1)], [39, [39, 1]], [40, [40]], [41, [40]], [16, [16, 16, 8]], [65536, [40]]] as Array<[number, number[]]>) {
    const got = await collect(store, 0, { batchSize });
    expect({ batchSize, sizes: got.sizes }).toEqual({ batchSize, sizes });
    expect(got.rows).toEqual(all);
  }
  // At 105 only entities 0..10 qualify: the first id batch of 16 holds 11 points, the others none.
  const past = await collect(store, 0, { at: 105, batchSize: 16 });
  expect(past.sizes).toEqual([11]);
  const few = await collect(store, 0, { at: 105, batchSize: 4 });
  expect(few.sizes).toEqual([4, 4, 3]);
  store.closeSync();
});

test('ids and timestamps at the ends of their domains come back exact, in either integer mode', async () => {
  for (const bigint of [false, true]) {
    const { store } = tempStore({ bigint });
    store.putManySync(0, [
      { entityId: U64_MAX, timestamp: I64_MIN, vector: [1, 2] },
      { entityId: U64_MAX, timestamp: I64_MIN + 1n, vector: [3, 4] },
      { entityId: 0, timestamp: I64_MAX, vector: [5, 6] },
      { entityId: 2n ** 53n + 1n, timestamp: -(2n ** 60n), vector: [7, 8] },
    ]);
    expect((await collect(store, 0)).rows).toEqual([
      [0n, I64_MAX, [5, 6]], [2n ** 53n + 1n, -(2n ** 60n), [7, 8]], [U64_MAX, I64_MIN + 1n, [3, 4]],
    ]);
    expect((await collect(store, 0, { at: I64_MIN })).rows).toEqual([[U64_MAX, I64_MIN, [1, 2]]]);
    expect((await collect(store, 0, { at: -(2n ** 60n) })).rows).toEqual([[2n ** 53n + 1n, -(2n ** 60n), [7, 8]], [U64_MAX, I64_MIN + 1n, [3, 4]]]);
    store.closeSync();
  }
});

test('leaving the loop early releases the walk: close() then finishes', async () => {
  const { store } = tempStore();
  fill(store);
  let first: PointBatch | undefined;
  for await (const b of store.latestAll(0, { batchSize: 3 })) {
    first = b;
    break;
  }
  expect(first?.count).toBe(3);
  await store.close();
  expect(store.isOpen).toBe(false);
});

test('on a closed store, and when the store is closed mid-walk, the step after the batch read ahead fails with CVX_NOT_OPEN', async () => {
  const { store } = tempStore();
  fill(store);
  const it = store.latestAll(0, { batchSize: 3 });
  expect((await it.next()).value?.count).toBe(3);
  await store.close();
  // The batch read ahead before close() (close waits for it) is still delivered; the walk's
  // next step after close() fails.
  expect((await it.next()).value?.count).toBe(3);
  await expect(it.next()).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
  await expect(store.latestAll(0).next()).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
});

test('works on read-only handles: a secondary beside a writer (what `cvx-hot state` opens then) and a plain read-only open', async () => {
  const { dir, store } = tempStore();
  fill(store);
  const want = expected(store, 0, 150n);
  const secondary = HotStore.openSync(dir, { readOnly: true }); // beside this process's writer: a RocksDB secondary
  expect((await collect(secondary, 0, { at: 150 })).rows).toEqual(want);
  secondary.closeSync();
  store.closeSync();
  const ro = HotStore.openSync(dir, { readOnly: true });
  expect((await collect(ro, 0, { at: 150 })).rows).toEqual(want);
  ro.closeSync();
});

test('the whole walk reads one moment: writes, deletes and compaction during it never show', async () => {
  const { store } = tempStore();
  fill(store);
  const before = expected(store, 0, I64_MAX);
  const rows: Row[] = [];
  let step = 0;
  for await (const b of store.latestAll(0, { batchSize: 4 })) {
    for (let i = 0; i < b.count; i++) rows.push([b.entityIds[i], b.timestamps[i], Array.from(b.vectors.subarray(i * b.dim, (i + 1) * b.dim))]);
    if (step++ === 0) {
      // After the first batch: newer points for every entity, a new entity, deletes, compaction.
      for (let e = 0; e < 45; e++) await store.put(0, { entityId: e, timestamp: 10_000, vector: [0, 0, 0] });
      await store.deleteRange(20, 0, -1e6, 1e6);
      await store.compact();
    }
  }
  expect(rows).toEqual(before);
  expect(expected(store, 0, I64_MAX)).not.toEqual(before);
});

test('on a snapshot: the snapshot\'s moment, and the snapshot stays usable after the walk', async () => {
  const { store } = tempStore();
  fill(store);
  const before = expected(store, 0, 250n);
  const snap = store.snapshot();
  store.deleteRangeSync(3, 0, -1e6, 1e6);
  const rows: Row[] = [];
  for await (const b of snap.latestAll(0, { at: 250 })) {
    for (let i = 0; i < b.count; i++) rows.push([b.entityIds[i], b.timestamps[i], Array.from(b.vectors.subarray(i * b.dim, (i + 1) * b.dim))]);
  }
  expect(rows).toEqual(before);
  expect(snap.getLatestSync(3, 0)).toBeDefined();
  snap.release();
  await expect(snap.latestAll(0).next()).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
  store.closeSync();
});
