// The ten tests of the Rust `HotStore` this library ports (cvx_storage/hot/mod.rs), one for one
// with their names and assertions, against any TemporalStore. seed_port.test.ts runs them on the
// embedded store through its *Sync API (as the Rust API is synchronous); the conformance suite
// runs them through the async API on every backend.
import type { TemporalStore } from '../../lib';
import type { StoreOptions } from './backend';

/** What the ten tests need: a fresh store, and a reopen of the same data. */
export interface SeedTarget {
  open(options?: StoreOptions): Promise<TemporalStore>;
  reopen(store: TemporalStore): Promise<TemporalStore>;
}

function samplePoint(entityId: number, timestamp: number) {
  return { entityId, timestamp, vector: new Float32Array([0.1, 0.2, 0.3]) };
}

const plain = (p: { vector: ArrayLike<number> }) => ({ ...p, vector: Array.from(p.vector) });

export function seedCases(t: SeedTarget): void {
  test('put_and_get', async () => {
    const store = await t.open();
    const p = samplePoint(42, 1000);
    await store.put(0, p);
    const result = await store.get(42, 0, 1000);
    expect(plain(result!)).toEqual(plain(p));
    await store.close();
  });

  test('get_nonexistent_returns_none', async () => {
    const store = await t.open();
    expect(await store.get(999, 0, 0)).toBeUndefined();
    await store.close();
  });

  test('range_returns_ordered', async () => {
    const store = await t.open();
    for (const ts of [100, 200, 300, 400, 500]) await store.put(0, samplePoint(1, ts));
    const results = await store.range(1, 0, 200, 400);
    expect(results.length).toBe(3);
    expect(results[0].timestamp).toBe(200);
    expect(results[1].timestamp).toBe(300);
    expect(results[2].timestamp).toBe(400);
    await store.close();
  });

  test('range_does_not_cross_entities', async () => {
    const store = await t.open({ bigint: true });
    await store.put(0, samplePoint(1, 100));
    await store.put(0, samplePoint(2, 100));
    const results = await store.range(1, 0, 0, (1n << 63n) - 1n);
    expect(results.length).toBe(1);
    expect(results[0].entityId).toBe(1n);
    await store.close();
  });

  test('delete_removes_point', async () => {
    const store = await t.open();
    await store.put(0, samplePoint(1, 1000));
    await store.delete(1, 0, 1000);
    expect(await store.get(1, 0, 1000)).toBeUndefined();
    await store.close();
  });

  test('timeline_tracks_metadata', async () => {
    const store = await t.open();
    await store.put(0, samplePoint(42, 1000));
    await store.put(0, samplePoint(42, 2000));
    await store.put(0, samplePoint(42, 3000));
    const tl = (await store.getTimeline(42, 0))!;
    expect(tl.entityId).toBe(42);
    expect(tl.firstSeen).toBe(1000);
    expect(tl.lastSeen).toBe(3000);
    expect(tl.pointCount).toBe(3);
    await store.close();
  });

  test('negative_timestamps_work', async () => {
    const store = await t.open();
    await store.put(0, samplePoint(1, -5000));
    await store.put(0, samplePoint(1, -1000));
    await store.put(0, samplePoint(1, 0));
    const results = await store.range(1, 0, -3000, 0);
    expect(results.length).toBe(2);
    expect(results[0].timestamp).toBe(-1000);
    expect(results[1].timestamp).toBe(0);
    await store.close();
  });

  test('data_survives_reopen', async () => {
    let store = await t.open();
    await store.put(0, samplePoint(42, 1000));
    await store.put(0, samplePoint(42, 2000));
    store = await t.reopen(store);
    const p1 = await store.get(42, 0, 1000);
    expect(p1).toBeDefined();
    expect(p1!.timestamp).toBe(1000);
    const p2 = await store.get(42, 0, 2000);
    expect(p2).toBeDefined();
    const tl = (await store.getTimeline(42, 0))!;
    expect(tl.pointCount).toBe(2);
    await store.close();
  });

  test('d768_vectors_roundtrip', async () => {
    const store = await t.open();
    const vector = Float32Array.from({ length: 768 }, (_, i) => i * 0.001);
    await store.put(0, { entityId: 1, timestamp: 1000, vector });
    const retrieved = (await store.get(1, 0, 1000))!;
    expect(Array.from(retrieved.vector)).toEqual(Array.from(vector));
    await store.close();
  });

  test('insert_100k_and_retrieve', async () => {
    const store = await t.open();
    const dim = 8;
    // In batches of 10k points: one round trip per batch per node on a cluster.
    for (let b = 0; b < 10; b++) {
      const batch = [];
      for (let i = b * 10_000; i < (b + 1) * 10_000; i++) {
        batch.push({ entityId: Math.floor(i / 100), timestamp: (i % 100) * 1000, vector: new Float32Array(dim).fill(i) });
      }
      await store.putMany(0, batch);
    }
    const results = await store.range(42, 0, 0, 100_000);
    expect(results.length).toBe(100);
    for (let k = 1; k < results.length; k++) {
      expect(results[k - 1].timestamp < results[k].timestamp).toBe(true);
    }
    const tl = (await store.getTimeline(42, 0))!;
    expect(tl.pointCount).toBe(100);
    expect(tl.firstSeen).toBe(0);
    expect(tl.lastSeen).toBe(99_000);
    await store.close();
  }, 120_000);
}
