// bulkLoad (sorted table files ingested at once): exact timelines against a model and against
// putMany of the same points (byte for byte, every column family), overwrite and duplicate
// counting, input larger than the memory cap, hostile arguments leaving the store unchanged,
// and the ordering with async writes issued while a load runs.
import * as fs from 'fs';
import * as path from 'path';
import { HotStore, HotStoreError } from '../lib';
import { rng } from './helpers/child';
import { dump } from './helpers/raw';
import { tempStore } from './helpers/tmp';

type P = { entityId: number; timestamp: number; vector: Float32Array };
const DIM = 8;

function points(seed: number, n: number, entities: number, tsDomain: number): P[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => ({
    entityId: Math.floor(r() * entities),
    timestamp: Math.floor(r() * tsDomain) - 5,
    vector: Float32Array.from({ length: DIM }, () => Math.fround(r() * 2 - 1)),
  }));
}

/** The model: last write per key wins; timelines from the keys. */
function model(...batches: P[][]): Map<string, P> {
  const m = new Map<string, P>();
  for (const b of batches) for (const p of b) m.set(`${p.entityId}:${p.timestamp}`, p);
  return m;
}

async function expectMatchesModel(store: HotStore, m: Map<string, P>, space = 0): Promise<void> {
  const byEntity = new Map<number, number[]>();
  for (const p of m.values()) byEntity.set(p.entityId, [...(byEntity.get(p.entityId) ?? []), p.timestamp]);
  for (const [e, tss] of byEntity) {
    const tl = await store.getTimeline(e, space);
    expect({ e, count: tl?.pointCount, first: tl?.firstSeen, last: tl?.lastSeen })
      .toEqual({ e, count: tss.length, first: Math.min(...tss), last: Math.max(...tss) });
  }
  const got = await store.getMany(space, [...m.values()].map((p) => ({ entityId: p.entityId, timestamp: p.timestamp })));
  got.forEach((g, i) => expect(Array.from(g!.vector)).toEqual(Array.from([...m.values()][i].vector)));
  expect((await store.verify()).ok).toBe(true);
}

const stagingOf = (store: HotStore) => path.join(store.path, 'cvx-bulk');

async function* slowly<T>(items: T[]): AsyncGenerator<T> {
  for (const x of items) {
    await new Promise((r) => setImmediate(r));
    yield x;
  }
}

describe('bulkLoad: exact timelines', () => {
  test('into a store already holding half the keys: equal to the model, and byte for byte to putMany of the same points', async () => {
    const all = points(1, 6000, 60, 200); // duplicates within the load: last one wins
    const half = all.filter((_, i) => i % 2 === 0).map((p) => ({ ...p, vector: p.vector.map((x) => x + 1) }));
    const a = tempStore().store;
    const b = tempStore().store;
    await a.putMany(0, half);
    await b.putMany(0, half);
    const res = await a.bulkLoad(0, slowly(all), { memoryBytes: 1 << 20 });
    await b.putMany(0, all);
    const m = model(half, all);
    const before = model(half);
    expect(res).toEqual({
      loaded: model(all).size,
      overwritten: [...model(all).keys()].filter((k) => before.has(k)).length,
    });
    expect(res.overwritten).toBeGreaterThan(0);
    await expectMatchesModel(a, m);
    expect(dump(a)).toEqual(dump(b));
    expect(fs.existsSync(stagingOf(a))).toBe(false);
    a.closeSync();
    b.closeSync();
  });

  test('loading the same points again counts nothing twice; a new space gets its dimension record in the load', async () => {
    const { store } = tempStore();
    const pts = points(2, 500, 10, 50);
    const first = await store.bulkLoad(7, pts);
    expect(first.overwritten).toBe(0);
    expect(await store.spaces()).toMatchObject([{ spaceId: 7, dim: DIM }]);
    const again = await store.bulkLoad(7, pts);
    expect(again).toEqual({ loaded: first.loaded, overwritten: first.loaded });
    await expectMatchesModel(store, model(pts), 7);
    await expect(store.put(7, { entityId: 1, timestamp: 1, vector: [1, 2] })).rejects.toMatchObject({ code: 'CVX_DIMENSION_MISMATCH' });
    store.closeSync();
    const reopened = HotStore.openSync(store.path);
    expect(reopened.spacesSync()).toMatchObject([{ spaceId: 7, dim: DIM }]);
    reopened.closeSync();
  });

  test('columnar batches and async sources; an empty source writes nothing', async () => {
    const { store } = tempStore();
    const pts = points(3, 300, 5, 100);
    const batch = {
      entityIds: Float64Array.from(pts, (p) => p.entityId),
      timestamps: Float64Array.from(pts, (p) => p.timestamp),
      vectors: new Float32Array(pts.flatMap((p) => Array.from(p.vector))),
      dim: DIM,
    };
    expect(await store.bulkLoad(0, [])).toEqual({ loaded: 0, overwritten: 0 });
    await store.bulkLoad(0, slowly([batch]));
    await expectMatchesModel(store, model(pts));
    store.closeSync();
  });
});

describe('bulkLoad: input larger than the memory cap', () => {
  test('sorted in runs (1 MiB cap, ~6 MB of shuffled points with duplicates), merged exactly, staging removed', async () => {
    const { store } = tempStore();
    const r = rng(4);
    const big: P[] = [];
    for (let i = 0; i < 24_000; i++) {
      big.push({ entityId: Math.floor(r() * 300), timestamp: Math.floor(r() * 400), vector: Float32Array.from({ length: 64 }, () => Math.fround(r())) });
    }
    let peakStaged = 0;
    const src = (function* () {
      for (const [i, p] of big.entries()) {
        if (i % 2000 === 0 && fs.existsSync(stagingOf(store))) {
          const runs = fs.readdirSync(stagingOf(store)).flatMap((d) => fs.readdirSync(path.join(stagingOf(store), d)));
          peakStaged = Math.max(peakStaged, runs.length);
        }
        yield p;
      }
    })();
    const res = await store.bulkLoad(0, src, { memoryBytes: 1 << 20 });
    expect(peakStaged).toBeGreaterThanOrEqual(4); // runs were spilled, not held in memory
    expect(res.loaded).toBe(model(big).size);
    const m = model(big);
    const byEntity = new Map<number, number>();
    for (const p of m.values()) byEntity.set(p.entityId, (byEntity.get(p.entityId) ?? 0) + 1);
    for (const [e, n] of byEntity) expect((await store.getTimeline(e, 0))?.pointCount).toBe(n);
    const sample = [...m.values()].filter((_, i) => i % 97 === 0);
    const got = await store.getMany(0, sample);
    got.forEach((g, i) => expect(Array.from(g!.vector)).toEqual(Array.from(sample[i].vector)));
    expect((await store.verify()).ok).toBe(true);
    expect(fs.existsSync(stagingOf(store))).toBe(false);
    store.closeSync();
  });
});

describe('bulkLoad: hostile arguments leave the store unchanged', () => {
  const good = (i: number) => ({ entityId: i, timestamp: i, vector: [1, 2, 3] });
  const cases: Array<[string, (s: HotStore) => Promise<unknown>, string, RegExp]> = [
    ['spaceId', (s) => s.bulkLoad(-1, [good(1)]), 'CVX_INVALID_ARGUMENT', /spaceId/],
    ['not iterable', (s) => s.bulkLoad(0, 42 as never), 'CVX_INVALID_ARGUMENT', /source must be an iterable/],
    ['null source', (s) => s.bulkLoad(0, null as never), 'CVX_INVALID_ARGUMENT', /source/],
    ['bad point late', (s) => s.bulkLoad(0, [good(1), good(2), { entityId: -1, timestamp: 0, vector: [1, 2, 3] }]), 'CVX_INVALID_ARGUMENT', /source\[2\]\.entityId/],
    ['NaN in a vector', (s) => s.bulkLoad(0, [good(1), { entityId: 3, timestamp: 0, vector: [1, NaN, 3] }]), 'CVX_INVALID_ARGUMENT', /^source\[1\]\.vector\[1\] is not finite/],
    ['NaN in a batch', (s) => s.bulkLoad(0, [good(1), { entityIds: [1, 2], timestamps: [1, 2], vectors: new Float32Array([1, 2, 3, 4, Infinity, 6]), dim: 3 }]), 'CVX_INVALID_ARGUMENT', /^source\[1\]\[1\]\.vector\[1\] is not finite/],
    ['dimension change', (s) => s.bulkLoad(0, [good(1), { entityId: 3, timestamp: 0, vector: [1, 2] }]), 'CVX_DIMENSION_MISMATCH', /source\[1\]\.vector/],
    ['space dimension', (s) => s.bulkLoad(0, [{ entityId: 3, timestamp: 0, vector: [1, 2] }]), 'CVX_DIMENSION_MISMATCH', /space 0 holds vectors of dimension 3/],
    ['bad batch', (s) => s.bulkLoad(0, [good(1), { entityIds: [1], timestamps: [1], vectors: [1, 2, 3], dim: 3 }] as never), 'CVX_INVALID_ARGUMENT', /source\[1\].*vectors/],
    ['source throws', (s) => s.bulkLoad(0, (function* () { yield good(1); throw new Error('boom'); })()), 'CVX_INVALID_ARGUMENT', /source\[1\] could not be read: boom/],
    ['async source rejects', (s) => s.bulkLoad(0, (async function* () { yield good(1); throw new Error('late'); })()), 'CVX_INVALID_ARGUMENT', /late/],
    ['options', (s) => s.bulkLoad(0, [good(1)], { memoryBytes: 5 }), 'CVX_INVALID_ARGUMENT', /options\.memoryBytes/],
    ['options type', (s) => s.bulkLoad(0, [good(1)], 'x' as never), 'CVX_INVALID_ARGUMENT', /options/],
  ];
  test.each(cases)('%s', async (_name, call, code, message) => {
    const { store } = tempStore();
    await store.putMany(0, [good(10), good(11)]);
    const before = dump(store);
    const err = await call(store).then(() => undefined, (e) => e);
    expect(err).toBeInstanceOf(HotStoreError);
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toMatch(message);
    expect(dump(store)).toEqual(before);
    expect(fs.existsSync(stagingOf(store))).toBe(false);
    store.closeSync();
  });

  test('a closed or read-only store refuses it', async () => {
    const { store } = tempStore();
    await store.put(0, good(1));
    store.closeSync();
    await expect(store.bulkLoad(0, [good(2)])).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
    const ro = HotStore.openSync(store.path, { readOnly: true });
    await expect(ro.bulkLoad(0, [good(2)])).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
    ro.closeSync();
  });
});

describe('bulkLoad: ordered with the other async writes', () => {
  test('writes issued before apply before it; puts, putMany, delete and deleteRange issued while it runs apply after it', async () => {
    const { store } = tempStore();
    const v = (x: number) => Float32Array.from({ length: DIM }, () => x);
    void store.put(0, { entityId: 1, timestamp: 1, vector: v(-1) }); // before: the load overwrites it
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const loadPts = [1, 2, 3, 4].flatMap((e) => Array.from({ length: 20 }, (_, t) => ({ entityId: e, timestamp: t, vector: v(100 + e) })));
    const load = store.bulkLoad(0, (async function* () {
      yield* loadPts.slice(0, 10);
      await held;
      yield* loadPts.slice(10);
    })());
    await new Promise((r) => setTimeout(r, 20)); // the load is reading its source
    const during = [
      store.put(0, { entityId: 2, timestamp: 5, vector: v(7) }),
      store.putMany(0, [{ entityId: 3, timestamp: 6, vector: v(8) }]),
      store.delete(4, 0, 7),
      store.deleteRange(1, 0, 0, 9),
    ];
    release();
    expect(await load).toEqual({ loaded: 80, overwritten: 1 });
    const [, , deleted, removed] = await Promise.all(during);
    expect(deleted).toBe(true);
    expect(removed).toBe(10);
    expect(await store.get(1, 0, 1)).toBeUndefined(); // the load's point, range-deleted after it
    expect(Array.from((await store.get(2, 0, 5))!.vector)).toEqual(Array.from(v(7)));
    expect(Array.from((await store.get(3, 0, 6))!.vector)).toEqual(Array.from(v(8)));
    expect(await store.get(4, 0, 7)).toBeUndefined();
    expect((await store.getTimeline(1, 0))?.pointCount).toBe(10);
    expect((await store.getTimeline(4, 0))?.pointCount).toBe(19);
    expect((await store.verify()).ok).toBe(true);
    store.closeSync();
  });

  test('two loads issued together apply in issue order', async () => {
    const { store } = tempStore();
    const mk = (x: number) => Array.from({ length: 50 }, (_, t) => ({ entityId: 1, timestamp: t, vector: [x, x] }));
    const [a, b] = await Promise.all([store.bulkLoad(0, slowly(mk(1))), store.bulkLoad(0, mk(2))]);
    expect(a).toEqual({ loaded: 50, overwritten: 0 });
    expect(b).toEqual({ loaded: 50, overwritten: 50 });
    expect(Array.from((await store.getLatest(1, 0))!.vector)).toEqual([2, 2]);
    store.closeSync();
  });
});

describe('bulkLoad: close during a load', () => {
  test('the load is refused with CVX_NOT_OPEN, nothing of it is in the store, and nothing it staged is left', async () => {
    const { store } = tempStore();
    await store.put(0, { entityId: 999, timestamp: 0, vector: new Float32Array(16) });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const load = store.bulkLoad(0, (async function* () {
      for (let i = 0; i < 30_000; i++) {
        if (i === 20_000) await held; // runs are staged by now (1 MiB cap, 80 B per point)
        yield { entityId: i % 50, timestamp: i, vector: new Float32Array(16).fill(1) };
      }
    })(), { memoryBytes: 1 << 20 });
    for (let k = 0; k < 200 && !fs.existsSync(stagingOf(store)); k++) await new Promise((r) => setTimeout(r, 10));
    expect(fs.existsSync(stagingOf(store))).toBe(true);
    const refused = expect(load).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' }); // refused as close() comes
    await store.close();
    release();
    await refused;
    const again = HotStore.openSync(store.path);
    expect(fs.existsSync(stagingOf(again))).toBe(false);
    expect(again.verifySync()).toMatchObject({ ok: true, vectorsScanned: 1 });
    again.closeSync();
  });
});

describe('bulkLoad: writes held while a load runs, then close()', () => {
  // Held writes were sent after the close: each rejected (close() no longer waited for them), and
  // one whose native call threw at once (a closed store) was swallowed by the gate: it hung.
  test('writes called before close() but held behind the load apply, never hang; the load is refused', async () => {
    const { store } = tempStore();
    const v = (x: number) => new Float32Array(DIM).fill(x);
    await store.put(0, { entityId: 7, timestamp: 1, vector: v(1) });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const load = store.bulkLoad(0, (async function* () {
      yield { entityId: 1, timestamp: 1, vector: v(0) };
      await held;
      yield { entityId: 1, timestamp: 2, vector: v(0) };
    })());
    const refused = expect(load).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
    await new Promise((r) => setTimeout(r, 20)); // the load is reading its source
    const during = [
      store.delete(7, 0, 1),
      store.put(0, { entityId: 8, timestamp: 1, vector: v(8) }),
      store.putMany(0, [{ entityId: 9, timestamp: 1, vector: v(9) }]),
    ];
    const closed = store.close();
    release();
    const hang = new Promise((r) => setTimeout(() => r('hang'), 3000));
    const settle = (p: Promise<unknown>) => p.then(() => 'applied', (e: HotStoreError) => e.code);
    const outcome = await Promise.race([Promise.all(during.map(settle)), hang]);
    expect(outcome).toEqual(['applied', 'applied', 'applied']);
    await refused;
    await closed;
    const again = HotStore.openSync(store.path);
    expect(again.getSync(7, 0, 1)).toBeUndefined();
    expect(Array.from(again.getSync(8, 0, 1)!.vector)).toEqual(Array.from(v(8)));
    expect(Array.from(again.getSync(9, 0, 1)!.vector)).toEqual(Array.from(v(9)));
    expect(again.getSync(1, 0, 1)).toBeUndefined(); // nothing of the load
    expect(again.verifySync()).toMatchObject({ ok: true, vectorsScanned: 2 });
    again.closeSync();
  });

  test('writes and loads called after close() are refused with CVX_NOT_OPEN', async () => {
    const { store } = tempStore();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const load = store.bulkLoad(0, (async function* () {
      yield { entityId: 1, timestamp: 1, vector: new Float32Array(DIM) };
      await held;
    })());
    const refused = expect(load).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
    await new Promise((r) => setTimeout(r, 20));
    const closed = store.close();
    const after = [store.delete(7, 0, 1), store.putMany(0, [{ entityId: 9, timestamp: 1, vector: new Float32Array(DIM) }]), store.bulkLoad(0, [])];
    for (const p of after) await expect(p).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
    release();
    await refused;
    await closed;
  });
});
