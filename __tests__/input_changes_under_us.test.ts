// Input that changes while a call reads it. Shared memory is refused however the array hides
// it (a subclass's or an own `buffer` getter), while a worker thread flips its values between
// finite and NaN; no NaN is ever stored. An array whose `length` getter lies, or whose element
// getters answer differently on each read, is stored alike by every write path: what is
// stored is the array's own contents, read once, and the dimension is theirs.
// getManyAsOf refuses an id or timestamp column that a later argument detached.
import { Worker } from 'worker_threads';
import { HotStore, HotStoreError } from '../lib';
import { tempStore } from './helpers/tmp';

const DIM = 4;
const REAL = [1, 2, 3, 4];

/** Every write path, writing one point; `many` puts in one tick go through the coalesced group. */
type WritePath = (store: HotStore, space: number, entityId: number, timestamp: number, vector: Float32Array | number[]) => Promise<unknown>;
const PATHS: Array<[string, WritePath]> = [
  ['put', (s, sp, e, t, vector) => s.put(sp, { entityId: e, timestamp: t, vector })],
  ['putSync', async (s, sp, e, t, vector) => s.putSync(sp, { entityId: e, timestamp: t, vector })],
  ['putMany', (s, sp, e, t, vector) => s.putMany(sp, [{ entityId: e, timestamp: t, vector }])],
  ['putManySync', async (s, sp, e, t, vector) => s.putManySync(sp, [{ entityId: e, timestamp: t, vector }])],
  ['putMany (columnar)', (s, sp, e, t, vector) => s.putMany(sp, { entityIds: [e], timestamps: [t], vectors: vector as Float32Array, dim: DIM })],
  ['putManySync (columnar)', async (s, sp, e, t, vector) => s.putManySync(sp, { entityIds: [e], timestamps: [t], vectors: vector as Float32Array, dim: DIM })],
  ['put, coalesced with two others', (s, sp, e, t, vector) => Promise.all([
    s.put(sp, { entityId: e + 1000, timestamp: t, vector: REAL }),
    s.put(sp, { entityId: e, timestamp: t, vector }),
    s.put(sp, { entityId: e + 2000, timestamp: t, vector: REAL }),
  ])],
];

/** Whether a call settled, and how: 'ok' or the error's code (a non-HotStoreError is 'raw …'). */
async function outcome(p: () => Promise<unknown>): Promise<string> {
  try {
    await p();
    return 'ok';
  } catch (e) {
    return e instanceof HotStoreError ? e.code : `raw ${(e as Error)?.name}: ${(e as Error)?.message}`;
  }
}

/** Every point of every entity in the space, as plain arrays. */
function allVectors(store: HotStore, space: number): number[][] {
  const out: number[][] = [];
  for (const tl of store.entitiesSync(space)) {
    const cols = store.rangeColumnsSync(tl.entityId, space, -1e15, 1e15);
    for (let i = 0; i < cols.count; i++) out.push(Array.from(cols.vectors.subarray(i * cols.dim, (i + 1) * cols.dim)));
  }
  return out;
}

describe('shared memory is refused however it is hidden, while a worker flips it', () => {
  // A worker thread writes NaN and then finite values over the shared floats, as fast as it can,
  // until told to stop; flag[1] says it started.
  const FLIPPER = `
    const { workerData } = require('worker_threads');
    const f = new Float32Array(workerData.floats);
    const flag = new Int32Array(workerData.flag);
    Atomics.store(flag, 1, 1);
    while (Atomics.load(flag, 0) === 0) { f.fill(NaN); f.fill(1); }
  `;
  const hidden = (floats: SharedArrayBuffer): Array<[string, Float32Array]> => {
    class HidingSubclass extends Float32Array {}
    Object.defineProperty(HidingSubclass.prototype, 'buffer', { get: () => new ArrayBuffer(DIM * 4) });
    const own = new Float32Array(floats as unknown as ArrayBuffer);
    Object.defineProperty(own, 'buffer', { get: () => new ArrayBuffer(DIM * 4) });
    return [['a subclass whose buffer getter hides it', new HidingSubclass(floats as unknown as ArrayBuffer)], ['an own buffer property hiding it', own]];
  };

  test('every write path refuses it (3,000 tries each); nothing, and so no NaN, is stored', async () => {
    const { store } = tempStore();
    store.putSync(0, { entityId: 1, timestamp: 0, vector: REAL }); // the space exists, dim 4
    const floats = new SharedArrayBuffer(DIM * 4);
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(FLIPPER, { eval: true, workerData: { floats, flag: flag.buffer } });
    try {
      const started = Date.now();
      while (Atomics.load(flag, 1) === 0) {
        if (Date.now() - started > 10_000) throw new Error('the worker did not start');
        await new Promise((r) => setTimeout(r, 5));
      }
      const seen = new Map<string, number>();
      for (const [what, vector] of hidden(floats)) {
        for (const [path, write] of PATHS) {
          for (let i = 0; i < 3000 / PATHS.length / 2; i++) {
            const o = await outcome(() => write(store, 0, 10 + (i % 7), i, vector));
            seen.set(`${what} / ${path}: ${o}`, (seen.get(`${what} / ${path}: ${o}`) ?? 0) + 1);
          }
        }
      }
      // Every try refused as shared memory, on every path, for both disguises.
      for (const key of seen.keys()) expect(key).toMatch(/: CVX_INVALID_ARGUMENT$/);
      expect(seen.size).toBe(2 * PATHS.length);
      expect(() => store.putSync(0, { entityId: 9, timestamp: 9, vector: hidden(floats)[0][1] })).toThrow(/SharedArrayBuffer/);
    } finally {
      Atomics.store(flag, 0, 1);
      await worker.terminate();
    }
    const stored = allVectors(store, 0);
    expect(stored.some((v) => v.some((x) => !Number.isFinite(x)))).toBe(false);
    // Only the coalesced neighbours of the refused puts (and the first point) were written.
    expect(stored.every((v) => v.join() === REAL.join())).toBe(true);
    expect((await store.verify()).ok).toBe(true);
    store.closeSync();
  }, 60_000);
});

describe('an array whose length getter lies is stored alike by every write path', () => {
  class ShortLiar extends Float32Array {}
  Object.defineProperty(ShortLiar.prototype, 'length', { get: () => 2 });
  class LongLiar extends Float32Array {}
  Object.defineProperty(LongLiar.prototype, 'length', { get: () => 70_000 });
  class ZeroLiar extends Float32Array {}
  Object.defineProperty(ZeroLiar.prototype, 'length', { get: () => 0 });
  const ownLie = () => {
    const a = new Float32Array(REAL);
    Object.defineProperty(a, 'length', { get: () => 3 });
    return a;
  };
  const LIARS: Array<[string, () => Float32Array]> = [
    ['a subclass saying 2', () => new ShortLiar(REAL)],
    ['a subclass saying 70,000', () => new LongLiar(REAL)],
    ['a subclass saying 0', () => new ZeroLiar(REAL)],
    ['an own length property saying 3', ownLie],
  ];

  test.each(LIARS)('%s: each path stores the array\'s 4 real floats', async (_what, make) => {
    const { store } = tempStore();
    const outcomes: string[] = [];
    for (let p = 0; p < PATHS.length; p++) outcomes.push(await outcome(() => PATHS[p][1](store, 0, 1, p, make())));
    expect(outcomes).toEqual(PATHS.map(() => 'ok'));
    const cols = store.rangeColumnsSync(1, 0, 0, PATHS.length);
    expect(cols.dim).toBe(DIM);
    expect(cols.count).toBe(PATHS.length);
    for (let p = 0; p < PATHS.length; p++) expect(Array.from(cols.vectors.subarray(p * DIM, (p + 1) * DIM))).toEqual(REAL);
    expect(store.spacesSync()).toEqual([{ spaceId: 0, dim: DIM, entities: 3, points: PATHS.length + 2 }]);
    store.closeSync();
  });
});

describe('a vector whose elements answer differently on each read', () => {
  /** An array whose element getters answer 1 on the first read and NaN on every later one. */
  function shifty(): number[] {
    const a: number[] = [0, 0, 0, 0];
    for (let i = 0; i < DIM; i++) {
      let reads = 0;
      Object.defineProperty(a, i, { get: () => (reads++ === 0 ? 1 : NaN) });
    }
    return a;
  }

  test('is read once by every path: what was checked is what is stored', async () => {
    const { store } = tempStore();
    const paths = PATHS.filter(([name]) => !name.includes('columnar')); // columnar vectors must be a Float32Array
    const outcomes: string[] = [];
    for (let p = 0; p < paths.length; p++) outcomes.push(await outcome(() => paths[p][1](store, 0, 1, p, shifty())));
    expect(outcomes).toEqual(paths.map(() => 'ok'));
    const cols = store.rangeColumnsSync(1, 0, 0, paths.length);
    expect(Array.from(cols.vectors)).toEqual(paths.flatMap(() => [1, 1, 1, 1]));
    store.closeSync();
  });

  test('getManyAsOf: an entityIds or t column detached by a later argument is refused, not read as empty', async () => {
    const { store } = tempStore();
    store.putSync(0, { entityId: 1, timestamp: 1, vector: REAL });
    const detach = (a: ArrayBufferView) => structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
    for (const sync of [true, false]) {
      const call = (...args: Parameters<HotStore['getManyAsOfSync']>) => Promise.resolve().then(() => (sync ? store.getManyAsOfSync(...args) : store.getManyAsOf(...args)));
      const ids = new Float64Array([1, 2]);
      const t = { *[Symbol.iterator]() { detach(ids); yield 5; yield 5; } };
      await expect(call(0, ids, t)).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^(entityIds|t) /) });
      const ids2 = new Float64Array([1, 2]);
      await expect(call(0, ids2, 5, { get tolerance() { detach(ids2); return 1; } })).rejects.toMatchObject({
        code: 'CVX_INVALID_ARGUMENT', message: 'entityIds changed while the arguments were read',
      });
      const t3 = new Float64Array([5, 5]);
      await expect(call(0, [1, 2], t3, { get tolerance() { detach(t3); return 1; } })).rejects.toMatchObject({
        code: 'CVX_INVALID_ARGUMENT', message: 't changed while the arguments were read',
      });
    }
    store.closeSync();
  });

  test('a batch.vectors resized by an id getter after its length was checked is refused', async () => {
    const { store } = tempStore();
    for (const sync of [true, false]) {
      const rab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(8 * 4, { maxByteLength: 64 });
      const vectors = new Float32Array(rab); // length-tracking: follows the buffer's size
      vectors.set([1, 2, 3, 4, 5, 6, 7, 8]);
      const entityIds = [1, 2];
      Object.defineProperty(entityIds, 1, { get: () => ((rab as unknown as { resize(n: number): void }).resize(4 * 4), 2) });
      const batch = { entityIds, timestamps: [1, 2], vectors, dim: DIM };
      const err = await Promise.resolve().then(() => (sync ? store.putManySync(0, batch) : store.putMany(0, batch))).then(() => null, (e) => e);
      expect(err).toBeInstanceOf(HotStoreError);
      expect(err).toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/batch\.vectors/) });
    }
    expect(store.spacesSync()).toEqual([]);
    store.closeSync();
  });
});
