// Read results are carved from a shared ArrayBuffer when small (native/js_support.h,
// ResultSlab): they must never overlap, a write into one must never show in another, a
// transferred (detached) slab must not be written again, and large results stay separate.
// Large async range results wrap memory that is reused once collected (native/result_pool.h):
// a result still referenced must never be reused.
import { runChild } from './helpers/child';
import { rawDelete, rawPut, tkey, vkey } from './helpers/raw';
import { tempPath, tempStore } from './helpers/tmp';

const DIM = 16;
const vec = (e: number, t: number) => Array.from({ length: DIM }, (_, i) => e * 100 + t + i);

test('small results share a buffer without overlapping, and writing into one changes no other', async () => {
  const { store } = tempStore();
  for (let t = 0; t < 100; t++) store.putSync(0, { entityId: 1, timestamp: t, vector: vec(1, t) });
  const got = [];
  for (let t = 0; t < 100; t++) got.push(t % 2 ? (await store.get(1, 0, t))!.vector : store.getSync(1, 0, t)!.vector);
  const cols = store.rangeColumnsSync(1, 0, 0, 3);
  const views = [...got, cols.vectors, cols.timestamps];
  expect(new Set(views.map((v) => v.buffer)).size).toBeLessThan(views.length / 4);
  const byBuffer = new Map<ArrayBufferLike, Array<[number, number]>>();
  for (const v of views) {
    const spans = byBuffer.get(v.buffer) ?? [];
    spans.push([v.byteOffset, v.byteOffset + v.byteLength]);
    byBuffer.set(v.buffer, spans);
  }
  for (const spans of byBuffer.values()) {
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
  }
  for (const v of got) v.fill(-1);
  expect(Array.from(cols.vectors.subarray(0, DIM))).toEqual(vec(1, 0));
  expect(Array.from(cols.timestamps)).toEqual([0n, 1n, 2n, 3n]);
  expect(Array.from(store.getSync(1, 0, 42)!.vector)).toEqual(vec(1, 42));
  store.closeSync();
});

test('a result above the slab piece size gets a buffer of its own', () => {
  const { store } = tempStore();
  const big = Array.from({ length: 4096 }, (_, i) => i);
  store.putSync(0, { entityId: 1, timestamp: 1, vector: big });
  store.putSync(0, { entityId: 1, timestamp: 2, vector: big });
  const a = store.getSync(1, 0, 1)!.vector;
  const b = store.getSync(1, 0, 2)!.vector;
  expect(a.buffer).not.toBe(b.buffer);
  expect(a.byteLength).toBe(4096 * 4);
  expect(Array.from(b)).toEqual(big);
  store.closeSync();
});

test('reads after a caller transferred (detached) a result buffer carve a new one and stay correct', async () => {
  const r = await runChild('detach_results.ts', [tempPath('detach')]);
  expect(r.stderr).toBe('');
  expect(r.signal).toBeNull();
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('ok\n');
});

test('large async range results stay intact while referenced: across GCs, reuse and close()', async () => {
  const r = await runChild('pooled_results.ts', [tempPath('pooled')], ['--expose-gc']);
  expect(r.stderr).toBe('');
  expect(r.signal).toBeNull();
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^ok \d+\n$/);
});

test('kept small windows of a long series pin no large pooled buffers', async () => {
  const r = await runChild('pooled_retention.ts', [tempPath('retention')], ['--expose-gc']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const m = JSON.parse(r.stdout) as { kept: number; rssGrowthMB: number; virtualGrowthMB: number };
  expect(m.kept).toBe(320);
  // 320 windows of 10 KiB hold 3.2 MB; a pinned whole-series buffer would be 15 MB each.
  expect(m.rssGrowthMB).toBeLessThan(100);
  expect(m.virtualGrowthMB).toBeLessThan(1024);
});

// Sync ranges scan straight into the memory of the Float32Array they return (native/js_results.h,
// JsVectorSink), sized from the timeline's expectation, which can be far off either way.
describe('sync range results written straight into JS memory', () => {
  const WIDE = 768;
  const wide = (t: number) => Array.from({ length: WIDE }, (_, i) => t * 1000 + i);

  test('a window expected far larger than it is returns a buffer little larger than itself', () => {
    const { store } = tempStore();
    // 3000 points 1000 ms apart: a 100 s window holds 101 of them, but the timeline bounds the
    // expectation only by its 3000 points (9 MB at 768 floats).
    for (let from = 0; from < 3000; from += 500) {
      const n = 500;
      const vectors = new Float32Array(n * WIDE);
      for (let i = 0; i < n; i++) vectors.set(wide(from + i), i * WIDE);
      store.putManySync(0, {
        entityIds: new Float64Array(n).fill(1),
        timestamps: Float64Array.from({ length: n }, (_, i) => (from + i) * 1000),
        vectors,
        dim: WIDE,
      });
    }
    for (const reverse of [false, true]) {
      const cols = store.rangeColumnsSync(1, 0, 1_000_000, 1_100_000, { reverse });
      expect(cols.count).toBe(101);
      expect(cols.vectors.length).toBe(101 * WIDE);
      expect(cols.vectors.buffer.byteLength).toBeLessThanOrEqual(2 * cols.vectors.byteLength + 64 * 1024);
      for (let k = 0; k < 101; k++) {
        const t = reverse ? 1100 - k : 1000 + k;
        expect(cols.timestamps[k]).toBe(BigInt(t * 1000));
        expect(Array.from(cols.vectors.subarray(k * WIDE, (k + 1) * WIDE))).toEqual(wide(t));
      }
    }
    const points = store.rangeSync(1, 0, 1_000_000, 1_100_000);
    expect(points.map((p) => p.timestamp)).toEqual(Array.from({ length: 101 }, (_, k) => (1000 + k) * 1000));
    expect(Array.from(points[100].vector)).toEqual(wide(1100));
    store.closeSync();
  });

  test('a window expected somewhat larger than it is shows zeros, not old memory, after its vectors', async () => {
    const r = await runChild('sync_range_tail.ts', [tempPath('tail')], ['--expose-gc']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ok\n');
  });

  test('a range longer than expected (vectors without their timeline) grows and stays intact', () => {
    const { store } = tempStore();
    for (let t = 0; t < 150; t++) store.putSync(0, { entityId: 7, timestamp: t, vector: wide(t) });
    // Without the timeline the scan expects 64 points and must grow past them, twice.
    rawDelete(store, 'timelines', tkey(7, 0));
    expect(store.getTimelineSync(7, 0)).toBeUndefined();
    const cols = store.rangeColumnsSync(7, 0, 0, 1000);
    expect(cols.count).toBe(150);
    expect(cols.vectors.length).toBe(150 * WIDE);
    for (let t = 0; t < 150; t++) expect(Array.from(cols.vectors.subarray(t * WIDE, (t + 1) * WIDE))).toEqual(wide(t));
    const points = store.rangeSync(7, 0, 0, 1000, { reverse: true, limit: 120 });
    expect(points).toHaveLength(120);
    points.forEach((p, k) => expect(Array.from(p.vector)).toEqual(wide(149 - k)));
    // Small vectors: the first 64 expected fit a slab piece, the rest grow out of it.
    for (let t = 0; t < 100; t++) store.putSync(1, { entityId: 8, timestamp: t, vector: [t, t + 0.5, -t, 1] });
    rawDelete(store, 'timelines', tkey(8, 1));
    const small = store.rangeColumnsSync(8, 1, 0, 99);
    expect(small.count).toBe(100);
    expect(Array.from(small.vectors)).toEqual(Array.from({ length: 100 }, (_, t) => [t, t + 0.5, -t, 1]).flat());
    store.closeSync();
  });

  test('a sync scan that meets a corrupt vector midway throws CVX_CORRUPTION and the next one works', () => {
    const { store } = tempStore();
    for (let t = 0; t < 40; t++) store.putSync(0, { entityId: 9, timestamp: t, vector: wide(t) });
    rawPut(store, 'vectors', vkey(9, 0, 20), new Uint8Array(10));
    expect(() => store.rangeColumnsSync(9, 0, 0, 39)).toThrow(expect.objectContaining({ code: 'CVX_CORRUPTION' }));
    expect(() => store.rangeSync(9, 0, 0, 39)).toThrow(expect.objectContaining({ code: 'CVX_CORRUPTION' }));
    const before = store.rangeColumnsSync(9, 0, 0, 19);
    expect(before.count).toBe(20);
    expect(Array.from(before.vectors.subarray(19 * WIDE))).toEqual(wide(19));
    store.closeSync();
  });
});
