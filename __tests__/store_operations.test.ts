// Whole-store operations: entities, spaces, stats, compact, checkpoint and retention by
// deleteRange, each against a real store in a temp dir.
import * as fs from 'fs';
import * as path from 'path';
import { HotStore, HotStoreError } from '../lib';
import { tempPath, tempStore } from './helpers/tmp';

const vec = (x: number, dim = 4) => new Float32Array(dim).fill(x);

function fill(store: HotStore, entities: number, points: number, space = 0, dim = 4): void {
  const batch = [];
  for (let e = 0; e < entities; e++) for (let p = 0; p < points; p++) batch.push({ entityId: e, timestamp: p * 10, vector: vec(e + p, dim) });
  store.putManySync(space, batch);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('entities()', () => {
  test('yields every timeline in key order, across batches, optionally of one space', async () => {
    const { store } = tempStore();
    fill(store, 1300, 2, 0); // more than one native batch
    fill(store, 3, 1, 7, 2);
    const all = await collect(store.entities());
    expect(all.length).toBe(1303);
    expect(all[0]).toEqual({ entityId: 0, spaceId: 0, firstSeen: 0, lastSeen: 10, pointCount: 2, keyframeInterval: 10 });
    // key order is entity then space: entity 0 space 0, entity 0 space 7, entity 1 space 0 …
    expect(all.slice(0, 3).map((t) => [t.entityId, t.spaceId])).toEqual([[0, 0], [0, 7], [1, 0]]);
    const seven = await collect(store.entities(7));
    expect(seven.map((t) => t.entityId)).toEqual([0, 1, 2]);
    expect([...store.entitiesSync(7)].length).toBe(3);
    await store.close();
  });

  test('reads from a snapshot and releases it when the loop breaks', async () => {
    const { store } = tempStore();
    fill(store, 10, 1);
    const seen: number[] = [];
    for await (const tl of store.entities()) {
      seen.push(Number(tl.entityId));
      store.putSync(0, { entityId: 100, timestamp: 0, vector: vec(1) }); // not in the snapshot
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2]);
    expect((await collect(store.entities())).length).toBe(11);
    await store.close(); // would hang or crash if the iterator were still held
  });

  test('bad spaceId is refused before anything runs; a closed store fails with CVX_NOT_OPEN', async () => {
    const { store } = tempStore();
    expect(() => store.entities(-1 as number)).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('spaceId') }));
    await store.close();
    await expect(collect(store.entities())).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
  });

  test('close() while an entities() loop is suspended frees the iterator; the loop then fails cleanly', async () => {
    const { store } = tempStore();
    fill(store, 2000, 1);
    const it = store.entities();
    expect((await it.next()).done).toBe(false);
    await store.close();
    // the rest of the first batch is already in JS; the next native step is refused
    let err: unknown;
    try { for (;;) { if ((await it.next()).done) break; } } catch (e) { err = e; }
    expect(err).toBeInstanceOf(HotStoreError);
    expect((err as HotStoreError).code).toBe('CVX_NOT_OPEN');
  });
});

describe('spaces()', () => {
  test('each space with its dimension, entity and point counts', async () => {
    const { store } = tempStore();
    expect(await store.spaces()).toEqual([]);
    fill(store, 3, 4, 0, 4);
    fill(store, 2, 5, 9, 16);
    store.deleteSync(0, 0, 0);
    expect(await store.spaces()).toEqual([
      { spaceId: 0, dim: 4, entities: 3, points: 11 },
      { spaceId: 9, dim: 16, entities: 2, points: 10 },
    ]);
    expect(store.spacesSync()).toEqual(await store.spaces());
    await store.close();
  });
});

describe('stats()', () => {
  test('per column family facts, compression, and bloom tickers that move', async () => {
    const { store } = tempStore();
    fill(store, 50, 20, 0, 8);
    store.compactSync(); // flushes and writes SSTs
    const s = await store.stats();
    expect(s.columnFamilies.vectors.compression).toBe('none');
    expect(s.columnFamilies.timelines.compression).toBe('lz4');
    expect(s.columnFamilies.vectors.sstFiles).toBeGreaterThan(0);
    expect(s.columnFamilies.vectors.sstBytes).toBeGreaterThan(50 * 20 * 32);
    expect(s.columnFamilies.vectors.estimatedKeys).toBeGreaterThanOrEqual(900);
    expect(s.columnFamilies.timelines.liveDataBytes).toBeGreaterThan(0);
    expect(s.spaces).toEqual([{ spaceId: 0, dim: 8, entities: 50, points: 1000 }]);
    // Absent keys inside the SST's key range (outside it RocksDB skips the file before any
    // filter): an absent timestamp → whole-key filter; an absent space → prefix filter.
    for (let i = 0; i < 20; i++) store.getSync(i, 0, 5);
    for (let i = 0; i < 20; i++) store.rangeSync(i, 1, 0, 1000);
    const after = store.statsSync();
    expect(after.bloom.useful).toBeGreaterThan(s.bloom.useful);
    expect(after.bloom.prefixChecked).toBeGreaterThan(s.bloom.prefixChecked);
    expect(after.bloom.prefixUseful).toBeGreaterThan(s.bloom.prefixUseful);
    await store.close();
    await expect(store.stats()).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
  });

  test('bytes written since open: by the writes, to the WAL, by flushes and by compactions', async () => {
    const { store } = tempStore();
    fill(store, 50, 20, 0, 8); // 1000 points of 20-byte keys and 32-byte vectors
    const before = store.statsSync().writes;
    expect(before.userBytes).toBeGreaterThan(1000 * (20 + 32));
    expect(before.walBytes).toBeGreaterThan(1000 * (20 + 32));
    expect(before.flushBytes).toBe(0);
    store.compactSync(); // flushes the memtables, then rewrites the flushed files
    const after = store.statsSync().writes;
    expect(after.userBytes).toBe(before.userBytes);
    expect(after.flushBytes).toBeGreaterThan(1000 * 32);
    expect(after.compactionBytesWritten).toBeGreaterThan(1000 * 32);
    expect(after.compactionBytesRead).toBeGreaterThan(0);
    await store.close();
  });
});

describe('compact()', () => {
  test('reclaims deleted points; refused on a read-only store', async () => {
    const dir = tempPath();
    const store = HotStore.openSync(dir);
    fill(store, 20, 50, 0, 64);
    store.compactSync();
    const before = store.statsSync().columnFamilies.vectors.sstBytes;
    for (let e = 0; e < 20; e++) await store.deleteRange(e, 0, 0, 400);
    await store.compact();
    const after = store.statsSync().columnFamilies.vectors.sstBytes;
    expect(after).toBeLessThan(before / 2);
    expect(store.rangeSync(3, 0, 0, 1000).length).toBe(9);
    await store.close();
    const ro = HotStore.openSync(dir, { readOnly: true });
    await expect(ro.compact()).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
    ro.closeSync();
  });
});

describe('checkpoint()', () => {
  test('a consistent copy that opens while the original stays open and writable', async () => {
    const { store } = tempStore();
    fill(store, 5, 5);
    const dir = path.join(path.dirname(tempPath('cp')), 'nested', 'copy');
    await store.checkpoint(dir);
    store.putSync(0, { entityId: 99, timestamp: 1, vector: vec(9) }); // after the checkpoint
    const copy = await HotStore.open(dir, { readOnly: true });
    expect(copy.getTimelineSync(4, 0)?.pointCount).toBe(5);
    expect(copy.getTimelineSync(99, 0)).toBeUndefined();
    expect(Array.from(copy.getSync(2, 0, 30)!.vector)).toEqual(Array.from(vec(5)));
    await copy.close();
    expect(store.getTimelineSync(99, 0)?.pointCount).toBe(1);
    await store.close();
  });

  test('refuses an existing directory and a non-string, leaving nothing behind', async () => {
    const { store } = tempStore();
    const existing = path.dirname(tempPath('cp'));
    await expect(store.checkpoint(existing)).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('dir') });
    expect(() => store.checkpointSync(42 as never)).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT' }));
    await store.close();
    const later = path.join(existing, 'later');
    await expect(store.checkpoint(later)).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
  });
});

describe('deleteRange()', () => {
  test('removes exactly [start, end], returns the count and keeps the timeline exact', async () => {
    const { store } = tempStore();
    for (const t of [-50, -10, 0, 10, 20, 30, 40]) store.putSync(0, { entityId: 1, timestamp: t, vector: vec(t) });
    store.putSync(0, { entityId: 2, timestamp: 10, vector: vec(1) }); // neighbour entity untouched
    expect(await store.deleteRange(1, 0, -10, 10)).toBe(3);
    expect(store.rangeSync(1, 0, -100, 100).map((p) => p.timestamp)).toEqual([-50, 20, 30, 40]);
    expect(store.getTimelineSync(1, 0)).toMatchObject({ pointCount: 4, firstSeen: -50, lastSeen: 40 });
    // drop the head: firstSeen moves forward
    expect(store.deleteRangeSync(1, 0, -1000, 20)).toBe(2);
    expect(store.getTimelineSync(1, 0)).toMatchObject({ pointCount: 2, firstSeen: 30, lastSeen: 40 });
    // drop the tail: lastSeen moves back
    expect(store.deleteRangeSync(1, 0, 35, 1000)).toBe(1);
    expect(store.getTimelineSync(1, 0)).toMatchObject({ pointCount: 1, firstSeen: 30, lastSeen: 30 });
    // nothing in range: nothing written
    expect(store.deleteRangeSync(1, 0, 100, 200)).toBe(0);
    // the last point: the timeline goes
    expect(await store.deleteRange(1, 0, 30, 30)).toBe(1);
    expect(store.getTimelineSync(1, 0)).toBeUndefined();
    expect(store.getTimelineSync(2, 0)?.pointCount).toBe(1);
    await store.close();
  });

  test('covers the full i64 domain (bigint bounds)', async () => {
    const { store } = tempStore({ bigint: true });
    const MIN = -(1n << 63n);
    const MAX = (1n << 63n) - 1n;
    for (const t of [MIN, -1n, 0n, MAX]) store.putSync(3, { entityId: 5n, timestamp: t, vector: vec(1) });
    store.putSync(3, { entityId: 6n, timestamp: MIN, vector: vec(1) });
    expect(store.deleteRangeSync(5n, 3, 0n, MAX)).toBe(2);
    expect(store.getTimelineSync(5n, 3)).toMatchObject({ pointCount: 2, firstSeen: MIN, lastSeen: -1n });
    expect(store.deleteRangeSync(5n, 3, MIN, MAX)).toBe(2);
    expect(store.getTimelineSync(5n, 3)).toBeUndefined();
    expect(store.getTimelineSync(6n, 3)?.pointCount).toBe(1);
    await store.close();
  });

  test('bad arguments are refused with the argument named; read-only refused; nothing changes', async () => {
    const dir = tempPath();
    const store = HotStore.openSync(dir);
    fill(store, 1, 5);
    await expect(store.deleteRange(0, 0, 30, 10)).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('start') });
    await expect(store.deleteRange(-1, 0, 0, 10)).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('entityId') });
    expect(() => store.deleteRangeSync(0, 1.5, 0, 10)).toThrow(expect.objectContaining({ message: expect.stringContaining('spaceId') }));
    expect(() => store.deleteRangeSync(0, 0, 0, 'x' as never)).toThrow(expect.objectContaining({ message: expect.stringContaining('end') }));
    expect(store.getTimelineSync(0, 0)?.pointCount).toBe(5);
    store.closeSync();
    const ro = HotStore.openSync(dir, { readOnly: true });
    expect(() => ro.deleteRangeSync(0, 0, 0, 100)).toThrow(expect.objectContaining({ code: 'CVX_READ_ONLY' }));
    expect(ro.rangeSync(0, 0, 0, 100).length).toBe(5);
    ro.closeSync();
  });

  test('stays exact under concurrent writers', async () => {
    const { store } = tempStore();
    const ops: Promise<unknown>[] = [];
    for (let t = 0; t < 200; t++) {
      ops.push(store.put(0, { entityId: 1, timestamp: t, vector: vec(t) }));
      if (t % 20 === 19) ops.push(store.deleteRange(1, 0, t - 30, t - 10));
    }
    await Promise.all(ops);
    const pts = store.rangeSync(1, 0, -1000, 1000);
    const tl = store.getTimelineSync(1, 0)!;
    expect(tl.pointCount).toBe(pts.length);
    expect(tl.firstSeen).toBe(pts[0].timestamp);
    expect(tl.lastSeen).toBe(pts[pts.length - 1].timestamp);
    await store.close();
  });
});

