// The ten tests of the Rust `HotStore` this library ports (cvx_storage/hot/mod.rs), one for one
// with their names and assertions. They use the *Sync API because the Rust API is synchronous.
import { HotStore } from '../lib';
import { plain, tempPath, tempStore } from './helpers/tmp';

function samplePoint(entityId: number, timestamp: number) {
  return { entityId, timestamp, vector: new Float32Array([0.1, 0.2, 0.3]) };
}

test('put_and_get', () => {
  const { store } = tempStore();
  const p = samplePoint(42, 1000);
  store.putSync(0, p);
  const result = store.getSync(42, 0, 1000);
  expect(plain(result!)).toEqual(plain(p));
  store.closeSync();
});

test('get_nonexistent_returns_none', () => {
  const { store } = tempStore();
  expect(store.getSync(999, 0, 0)).toBeUndefined();
  store.closeSync();
});

test('range_returns_ordered', () => {
  const { store } = tempStore();
  for (const ts of [100, 200, 300, 400, 500]) store.putSync(0, samplePoint(1, ts));
  const results = store.rangeSync(1, 0, 200, 400);
  expect(results.length).toBe(3);
  expect(results[0].timestamp).toBe(200);
  expect(results[1].timestamp).toBe(300);
  expect(results[2].timestamp).toBe(400);
  store.closeSync();
});

test('range_does_not_cross_entities', () => {
  const { store } = tempStore({ bigint: true });
  store.putSync(0, samplePoint(1, 100));
  store.putSync(0, samplePoint(2, 100));
  const results = store.rangeSync(1, 0, 0, (1n << 63n) - 1n);
  expect(results.length).toBe(1);
  expect(results[0].entityId).toBe(1n);
  store.closeSync();
});

test('delete_removes_point', () => {
  const { store } = tempStore();
  store.putSync(0, samplePoint(1, 1000));
  store.deleteSync(1, 0, 1000);
  expect(store.getSync(1, 0, 1000)).toBeUndefined();
  store.closeSync();
});

test('timeline_tracks_metadata', () => {
  const { store } = tempStore();
  store.putSync(0, samplePoint(42, 1000));
  store.putSync(0, samplePoint(42, 2000));
  store.putSync(0, samplePoint(42, 3000));
  const tl = store.getTimelineSync(42, 0)!;
  expect(tl.entityId).toBe(42);
  expect(tl.firstSeen).toBe(1000);
  expect(tl.lastSeen).toBe(3000);
  expect(tl.pointCount).toBe(3);
  store.closeSync();
});

test('negative_timestamps_work', () => {
  const { store } = tempStore();
  store.putSync(0, samplePoint(1, -5000));
  store.putSync(0, samplePoint(1, -1000));
  store.putSync(0, samplePoint(1, 0));
  const results = store.rangeSync(1, 0, -3000, 0);
  expect(results.length).toBe(2);
  expect(results[0].timestamp).toBe(-1000);
  expect(results[1].timestamp).toBe(0);
  store.closeSync();
});

test('data_survives_reopen', () => {
  const dir = tempPath();
  {
    const store = HotStore.openSync(dir);
    store.putSync(0, samplePoint(42, 1000));
    store.putSync(0, samplePoint(42, 2000));
    store.closeSync();
  }
  {
    const store = HotStore.openSync(dir);
    const p1 = store.getSync(42, 0, 1000);
    expect(p1).toBeDefined();
    expect(p1!.timestamp).toBe(1000);
    const p2 = store.getSync(42, 0, 2000);
    expect(p2).toBeDefined();
    const tl = store.getTimelineSync(42, 0)!;
    expect(tl.pointCount).toBe(2);
    store.closeSync();
  }
});

test('d768_vectors_roundtrip', () => {
  const { store } = tempStore();
  const vector = Float32Array.from({ length: 768 }, (_, i) => i * 0.001);
  store.putSync(0, { entityId: 1, timestamp: 1000, vector });
  const retrieved = store.getSync(1, 0, 1000)!;
  expect(Array.from(retrieved.vector)).toEqual(Array.from(vector));
  store.closeSync();
});

test('insert_100k_and_retrieve', () => {
  const { store } = tempStore();
  const dim = 8;
  for (let i = 0; i < 100_000; i++) {
    const entity = Math.floor(i / 100);
    const ts = (i % 100) * 1000;
    store.putSync(0, { entityId: entity, timestamp: ts, vector: new Float32Array(dim).fill(i) });
  }
  const results = store.rangeSync(42, 0, 0, 100_000);
  expect(results.length).toBe(100);
  for (let k = 1; k < results.length; k++) {
    expect(results[k - 1].timestamp < results[k].timestamp).toBe(true);
  }
  const tl = store.getTimelineSync(42, 0)!;
  expect(tl.pointCount).toBe(100);
  expect(tl.firstSeen).toBe(0);
  expect(tl.lastSeen).toBe(99_000);
  store.closeSync();
});
