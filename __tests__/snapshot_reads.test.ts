// snapshot(): a read view that stays at the moment it was taken. Every read method on it, sync
// and async, answers as of then while writes, deletes, deleteRange and compact() go on; its
// lifetime (release() idempotent, CVX_NOT_OPEN after it or after close, close() waiting for its
// reads, reads in flight surviving release(), collection and worker exit); views cannot write;
// views of read-only handles, also beside a writer (a secondary); and a model test with writers
// on other async lanes, each of whose in-flight writes is in the view whole or not at all.
import * as fc from 'fast-check';
import { AsOfColumns, HotStore, StoreSnapshot } from '../lib';
import { native } from '../lib/binding';
import { runChild } from './helpers/child';
import { tempPath, tempStore } from './helpers/tmp';

const RUNS = Number(process.env.CVX_MODEL_RUNS ?? 25);
const vec = (x: number) => [x, x + 0.5];
const liveSnapshots = (s: HotStore) => Number(native.property(s._handle, 'default', 'rocksdb.num-snapshots'));
const plainPoints = (ps: Array<{ timestamp: unknown; vector: ArrayLike<number> } | undefined>) =>
  ps.map((p) => p && [p.timestamp, Array.from(p.vector)]);

/** Everything the read methods say about entities 1..3 of space 0, through both forms. */
async function everything(r: HotStore | StoreSnapshot): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const e of [1, 2, 3]) {
    const range = plainPoints(await r.range(e, 0, -1000, 1000));
    expect(plainPoints(r.rangeSync(e, 0, -1000, 1000))).toEqual(range);
    const cols = await r.rangeColumns(e, 0, -1000, 1000, { reverse: true });
    expect(Array.from(r.rangeColumnsSync(e, 0, -1000, 1000, { reverse: true }).vectors)).toEqual(Array.from(cols.vectors));
    const at = plainPoints([await r.get(e, 0, 10), await r.getAsOf(e, 0, 15), await r.getLatest(e, 0)]);
    expect(plainPoints([r.getSync(e, 0, 10), r.getAsOfSync(e, 0, 15), r.getLatestSync(e, 0)])).toEqual(at);
    const keys = [10, 20, 30].map((timestamp) => ({ entityId: e, timestamp }));
    const many = plainPoints(await r.getMany(0, keys));
    expect(plainPoints(r.getManySync(0, keys))).toEqual(many);
    const tl = await r.getTimeline(e, 0);
    expect(r.getTimelineSync(e, 0)).toEqual(tl);
    out[e] = { range, cols: [Array.from(cols.timestamps), Array.from(cols.vectors)], at, many, tl };
  }
  // getManyAsOf over every entity, a t column, both forms.
  const asOfCols = (c: AsOfColumns) => [c.dim, Array.from(c.found), Array.from(c.timestamps), Array.from(c.vectors)];
  const manyAsOf = asOfCols(await r.getManyAsOf(0, [1, 2, 3, 4], [15, 25, 1000, 5]));
  expect(asOfCols(r.getManyAsOfSync(0, [1, 2, 3, 4], [15, 25, 1000, 5]))).toEqual(manyAsOf);
  out.manyAsOf = manyAsOf;
  const ents: unknown[] = [];
  for await (const tl of r.entities(0)) ents.push(tl);
  expect([...r.entitiesSync(0)]).toEqual(ents);
  const spaces = await r.spaces();
  expect(r.spacesSync()).toEqual(spaces);
  return { ...out, ents, spaces };
}

test('every read method on a snapshot answers as of the moment it was taken', async () => {
  const { store } = tempStore();
  for (const e of [1, 2]) for (const t of [10, 20, 30]) store.putSync(0, { entityId: e, timestamp: t, vector: vec(e * 100 + t) });
  const before = await everything(store);
  const snap = store.snapshot();
  // After it: a new entity, a new space, an overwrite, a delete, a retention pass, compaction.
  store.putSync(0, { entityId: 3, timestamp: 10, vector: vec(3) });
  store.putSync(5, { entityId: 1, timestamp: 10, vector: [1, 2, 3] });
  store.putSync(0, { entityId: 1, timestamp: 20, vector: vec(-1) });
  await store.delete(1, 0, 10);
  await store.deleteRange(2, 0, 0, 25);
  await store.compact();
  expect(await everything(snap)).toEqual(before);
  expect(await everything(store)).not.toEqual(before);
  snap.release();
  store.closeSync();
});

test('a snapshot of a bigint store answers in bigints', async () => {
  const { store } = tempStore({ bigint: true });
  store.putSync(0, { entityId: 2n ** 64n - 1n, timestamp: -(2n ** 63n), vector: [1] });
  const snap = store.snapshot();
  store.deleteSync(2n ** 64n - 1n, 0, -(2n ** 63n));
  expect(snap.getLatestSync(2n ** 64n - 1n, 0)).toMatchObject({ entityId: 2n ** 64n - 1n, timestamp: -(2n ** 63n) });
  expect((await snap.getTimeline(2n ** 64n - 1n, 0))?.pointCount).toBe(1);
  snap.release();
  store.closeSync();
});

test('release(): idempotent, later reads fail with CVX_NOT_OPEN, reads in flight finish', async () => {
  const { store } = tempStore();
  for (let t = 0; t < 2000; t++) store.putSync(0, { entityId: 1, timestamp: t, vector: vec(t) });
  const snap = store.snapshot();
  expect(liveSnapshots(store)).toBe(1);
  const inFlight = [snap.range(1, 0, 0, 5000), snap.getMany(0, [{ entityId: 1, timestamp: 7 }]), snap.getAsOf(1, 0, 1e6)] as const;
  store.deleteRangeSync(1, 0, 0, 5000);
  snap.release();
  snap.release();
  expect(snap.isReleased).toBe(true);
  const [range, many, asOf] = await Promise.all(inFlight);
  expect(range).toHaveLength(2000);
  expect(many[0]?.timestamp).toBe(7);
  expect(asOf?.timestamp).toBe(1999);
  expect(liveSnapshots(store)).toBe(0); // the last read in flight let it go
  for (const read of [() => snap.getSync(1, 0, 7), () => snap.rangeSync(1, 0, 0, 10), () => snap.spacesSync(), () => [...snap.entitiesSync()]]) {
    expect(read).toThrow(expect.objectContaining({ code: 'CVX_NOT_OPEN' }));
  }
  await expect(snap.getLatest(1, 0)).rejects.toMatchObject({ code: 'CVX_NOT_OPEN', message: expect.stringContaining('released') });
  store.closeSync();
});

test('dispose symbols release it (using / await using), where the runtime has them', async () => {
  // In a child: Node's own realm has Symbol.dispose; a test's vm realm does not.
  const r = await runChild('snapshot_lifetime.ts', [tempPath('snap-dispose'), 'dispose'], [], 60_000);
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({ taken: 2, released: [true, true], after: 0 });
});

test('close() waits for reads in flight on snapshots, then ends every snapshot', async () => {
  const { store } = tempStore();
  for (let e = 0; e < 200; e++) store.putManySync(0, Array.from({ length: 50 }, (_, t) => ({ entityId: e, timestamp: t, vector: vec(t) })));
  const snaps = [store.snapshot(), store.snapshot()];
  const reads = snaps.flatMap((s) => Array.from({ length: 200 }, (_, e) => s.range(e, 0, 0, 100)));
  await store.close();
  const settled = await Promise.allSettled(reads);
  expect(settled.every((r) => r.status === 'fulfilled' && r.value.length === 50)).toBe(true);
  expect(() => snaps[0].getSync(1, 0, 1)).toThrow(expect.objectContaining({ code: 'CVX_NOT_OPEN' }));
  await expect(snaps[1].getMany(0, [{ entityId: 1, timestamp: 1 }])).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
  snaps[0].release(); // after close: nothing left to do, and no crash
  expect(() => store.snapshot()).toThrow(expect.objectContaining({ code: 'CVX_NOT_OPEN' }));
});

test('snapshots cannot write: no write methods, and the shim refuses a view handle for writes', () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: 1, vector: [1] });
  const snap = store.snapshot();
  for (const m of ['put', 'putSync', 'putMany', 'delete', 'deleteRange', 'compact', 'checkpoint', 'repair', 'close', 'snapshot']) {
    expect(m in snap).toBe(false);
  }
  const view = native.snapshot(store._handle);
  const asStore = view as unknown as Parameters<typeof native.putSync>[0];
  expect(() => native.putSync(asStore, 0, 1, 2, new Float32Array([1]))).toThrow(expect.objectContaining({ code: 'CVX_READ_ONLY' }));
  expect(() => native.deleteSync(asStore, 1, 0, 1)).toThrow(expect.objectContaining({ code: 'CVX_READ_ONLY' }));
  expect(() => native.compactSync(asStore)).toThrow(expect.objectContaining({ code: 'CVX_READ_ONLY' }));
  native.snapshotRelease(view);
  expect(store.getSync(1, 0, 1)).toBeDefined();
  expect(store.getSync(1, 0, 2)).toBeUndefined();
  snap.release();
  store.closeSync();
});

test('read-only handles: a plain one, and one beside a writer of this process (a secondary)', async () => {
  const dir = tempPath();
  const w = HotStore.openSync(dir);
  w.putSync(0, { entityId: 1, timestamp: 1, vector: [1] });
  w.closeSync();
  const plain = HotStore.openSync(dir, { readOnly: true });
  const ps = plain.snapshot();
  expect(ps.getLatestSync(1, 0)?.timestamp).toBe(1);
  ps.release();
  plain.closeSync();

  const writer = HotStore.openSync(dir);
  writer.putSync(0, { entityId: 1, timestamp: 2, vector: [2] });
  const secondary = HotStore.openSync(dir, { readOnly: true });
  const snap = secondary.snapshot();
  writer.putSync(0, { entityId: 1, timestamp: 3, vector: [3] });
  writer.deleteSync(1, 0, 1);
  expect(plainPoints(await snap.range(1, 0, 0, 10))).toEqual([[1, [1]], [2, [2]]]);
  expect(snap.getLatestSync(1, 0)?.timestamp).toBe(2);
  expect([...snap.entitiesSync(0)].map((t) => t.pointCount)).toEqual([2]);
  snap.release();
  secondary.closeSync();
  writer.closeSync();
});

test('snapshots nobody releases: collected (their reads finish first) and ended by worker exit', async () => {
  const gc = await runChild('snapshot_lifetime.ts', [tempPath('snap-gc'), 'gc'], ['--expose-gc'], 60_000);
  expect(gc.stderr).toBe('');
  expect(JSON.parse(gc.stdout)).toEqual({ taken: 50, after: 0, reads: Array(10).fill(1) });
  const worker = await runChild('snapshot_lifetime.ts', [tempPath('snap-worker'), 'worker'], [], 60_000);
  expect([worker.code, worker.signal]).toEqual([0, null]);
  expect(JSON.parse(worker.stdout)).toEqual({ reopened: true, points: 100 });
}, 130_000);

// The model: writer lanes own disjoint entities and run their writes one after another, some
// awaited, so at the moment a snapshot is taken each lane has at most one write in flight.
// The view must hold each lane's settled state, or that plus the lane's in-flight write: whole
// (a putMany or deleteRange is atomic), never part of it.
type Op =
  | { kind: 'put'; t: number; x: number }
  | { kind: 'putMany'; ts: number[]; x: number }
  | { kind: 'delete'; t: number }
  | { kind: 'deleteRange'; lo: number; hi: number };
type LaneState = Map<number, number>; // timestamp → vector's first float

function apply(s: LaneState, op: Op): LaneState {
  const n = new Map(s);
  if (op.kind === 'put') n.set(op.t, op.x);
  else if (op.kind === 'putMany') op.ts.forEach((t, i) => n.set(t, op.x + i));
  else if (op.kind === 'delete') n.delete(op.t);
  else for (const t of [...n.keys()]) if (t >= op.lo && t <= op.hi) n.delete(t);
  return n;
}

const tsArb = fc.integer({ min: -20, max: 20 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), t: tsArb, x: fc.integer({ min: 0, max: 1000 }) }),
  fc.record({ kind: fc.constant('putMany' as const), ts: fc.uniqueArray(tsArb, { minLength: 1, maxLength: 6 }), x: fc.integer({ min: 0, max: 1000 }) }),
  fc.record({ kind: fc.constant('delete' as const), t: tsArb }),
  fc.tuple(tsArb, tsArb).map(([a, b]) => ({ kind: 'deleteRange' as const, lo: Math.min(a, b), hi: Math.max(a, b) })),
);

function run(store: HotStore, entity: number, op: Op): Promise<unknown> {
  if (op.kind === 'put') return store.put(0, { entityId: entity, timestamp: op.t, vector: [op.x] });
  if (op.kind === 'putMany') return store.putMany(0, op.ts.map((t, i) => ({ entityId: entity, timestamp: t, vector: [op.x + i] })));
  if (op.kind === 'delete') return store.delete(entity, 0, op.t);
  return store.deleteRange(entity, 0, op.lo, op.hi);
}

const stateText = (s: LaneState) => JSON.stringify([...s].sort((a, b) => a[0] - b[0]));

test('model: snapshots taken while three async lanes write hold each lane settled, or plus its one write in flight', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(opArb, { minLength: 1, maxLength: 12 }), { minLength: 3, maxLength: 3 }), fc.array(fc.nat(40), { minLength: 1, maxLength: 4 }), async (lanes, snapAt) => {
      const { store } = tempStore();
      const settled: LaneState[] = lanes.map(() => new Map());
      const inFlight: Array<Op | undefined> = lanes.map(() => undefined);
      const taken: Array<{ snap: StoreSnapshot; allowed: string[][] }> = [];
      let step = 0;
      const maybeSnapshot = () => {
        if (!snapAt.includes(step++)) return;
        const snap = store.snapshot();
        taken.push({ snap, allowed: lanes.map((_, l) => [stateText(settled[l]), ...(inFlight[l] ? [stateText(apply(settled[l], inFlight[l]!))] : [])]) });
      };
      await Promise.all(lanes.map(async (ops, l) => {
        for (const op of ops) {
          inFlight[l] = op;
          const p = run(store, l + 1, op);
          maybeSnapshot();
          await p;
          settled[l] = apply(settled[l], op);
          inFlight[l] = undefined;
          maybeSnapshot();
        }
      }));
      await store.compact(); // what the views can see must survive it
      for (const { snap, allowed } of taken) {
        for (let l = 0; l < lanes.length; l++) {
          const got: LaneState = new Map((await snap.range(l + 1, 0, -100, 100)).map((p) => [p.timestamp as number, p.vector[0]]));
          expect(allowed[l]).toContain(stateText(got));
          const tl = snap.getTimelineSync(l + 1, 0);
          expect(tl?.pointCount ?? 0).toBe(got.size); // the timeline is of the same moment
          const latest = snap.getLatestSync(l + 1, 0);
          expect(latest?.timestamp).toBe(got.size ? Math.max(...got.keys()) : undefined);
        }
        snap.release();
      }
      expect(liveSnapshots(store)).toBe(0);
      store.closeSync();
    }),
    { numRuns: RUNS },
  );
}, 120_000);
