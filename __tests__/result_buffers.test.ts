// Read results are carved from a shared ArrayBuffer when small (native/js_support.h,
// ResultSlab): they must never overlap, a write into one must never show in another, a
// transferred (detached) slab must not be written again, and large results stay separate.
// Large async range results wrap memory that is reused once collected (native/result_pool.h):
// a result still referenced must never be reused.
import { runChild } from './helpers/child';
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
