// verify() finds every kind of damage a store can carry and repair() fixes it. The damage
// is done through RocksDB itself (the test-tools addon's _rawPut/_rawDelete), never by editing files.
import { HotStore } from '../lib';
import { dump, f32bytes, rawDelete, rawPut, timelineBytes, tkey, vkey } from './helpers/raw';
import { tempStore } from './helpers/tmp';

const V = (...xs: number[]) => new Float32Array(xs);

/** 3 entities × 2 spaces × 5 points, dim 3 in space 0 and dim 2 in space 1. */
function seeded(): HotStore {
  const { store } = tempStore();
  for (let e = 1; e <= 3; e++) {
    for (let t = 0; t < 5; t++) {
      store.putSync(0, { entityId: e, timestamp: t * 10, vector: V(e, t, 1) });
      store.putSync(1, { entityId: e, timestamp: -t, vector: V(e, t) });
    }
  }
  return store;
}

function kinds(r: { issues: { kind: string }[] }): string[] {
  return r.issues.map((i) => i.kind).sort();
}

test('a healthy store verifies clean, sync and async, with exact scan counts', async () => {
  const store = seeded();
  const r = store.verifySync();
  expect(r).toMatchObject({ ok: true, vectorsScanned: 30, timelinesScanned: 6, series: 6, issueCount: 0, issues: [] });
  expect((await store.verify()).ok).toBe(true);
  store.closeSync();
});

test('a stored count, first or last that disagrees with the vectors is found, and repaired', async () => {
  const store = seeded();
  rawPut(store, 'timelines', tkey(2, 0), timelineBytes({ entityId: 2, spaceId: 0, firstSeen: 0, lastSeen: 40, pointCount: 7 }));
  rawPut(store, 'timelines', tkey(3, 1), timelineBytes({ entityId: 3, spaceId: 1, firstSeen: -3, lastSeen: 0, pointCount: 5 }));
  rawPut(store, 'timelines', tkey(1, 1), timelineBytes({ entityId: 1, spaceId: 1, firstSeen: -4, lastSeen: 9, pointCount: 5 }));
  const before = dump(store);
  const r = store.verifySync();
  expect(r.ok).toBe(false);
  expect(r.issueCount).toBe(3);
  expect(kinds(r)).toEqual(['timeline-mismatch', 'timeline-mismatch', 'timeline-mismatch']);
  const i = r.issues.find((x) => x.entityId === 2)!;
  expect(i).toMatchObject({
    columnFamily: 'timelines', spaceId: 0,
    stored: { pointCount: 7, firstSeen: 0, lastSeen: 40 },
    expected: { pointCount: 5, firstSeen: 0, lastSeen: 40, keyframeInterval: 10 },
  });
  expect(i.message).toMatch(/entity 2 space 0: stored count 7/);
  expect(dump(store)).toEqual(before); // verify only reads

  const fixed = await store.repair();
  expect(fixed.issueCount).toBe(3);
  expect(fixed.repaired).toEqual({ timelinesWritten: 3, timelinesDeleted: 0, vectorsDeleted: 0 });
  expect(store.verifySync().ok).toBe(true);
  expect(store.getTimelineSync(2, 0)).toMatchObject({ pointCount: 5, firstSeen: 0, lastSeen: 40 });
  expect(store.getTimelineSync(3, 1)).toMatchObject({ pointCount: 5, firstSeen: -4, lastSeen: 0 });
  expect(store.getTimelineSync(1, 1)).toMatchObject({ pointCount: 5, firstSeen: -4, lastSeen: 0 });
  store.closeSync();
});

test('a timeline naming another entity or space is a mismatch', () => {
  const store = seeded();
  rawPut(store, 'timelines', tkey(1, 0), timelineBytes({ entityId: 9, spaceId: 0, firstSeen: 0, lastSeen: 40, pointCount: 5 }));
  expect(kinds(store.verifySync())).toEqual(['timeline-mismatch']);
  store.repairSync();
  expect(store.getTimelineSync(1, 0)).toMatchObject({ entityId: 1, pointCount: 5 });
  store.closeSync();
});

test('vectors deleted behind the timeline’s back (end points included) are found and repaired', () => {
  const store = seeded();
  rawDelete(store, 'vectors', vkey(1, 0, 0));   // first
  rawDelete(store, 'vectors', vkey(1, 0, 40));  // last
  rawDelete(store, 'vectors', vkey(2, 1, -2));  // middle
  for (let t = 0; t < 5; t++) rawDelete(store, 'vectors', vkey(3, 0, t * 10)); // all of a series
  const r = store.verifySync();
  expect(kinds(r)).toEqual(['timeline-mismatch', 'timeline-mismatch', 'timeline-orphan']);
  expect(r.issues.find((x) => x.kind === 'timeline-orphan')).toMatchObject({ entityId: 3, spaceId: 0, stored: { pointCount: 5 } });
  const fixed = store.repairSync();
  expect(fixed.repaired).toEqual({ timelinesWritten: 2, timelinesDeleted: 1, vectorsDeleted: 0 });
  expect(store.verifySync().ok).toBe(true);
  expect(store.getTimelineSync(1, 0)).toMatchObject({ pointCount: 3, firstSeen: 10, lastSeen: 30 });
  expect(store.getTimelineSync(2, 1)).toMatchObject({ pointCount: 4 });
  expect(store.getTimelineSync(3, 0)).toBeUndefined();
  store.closeSync();
});

test('a missing timeline and an undecodable one are found, and rewritten from the vectors', () => {
  const store = seeded();
  rawDelete(store, 'timelines', tkey(2, 0));
  rawPut(store, 'timelines', tkey(3, 0), Buffer.from('not cbor at all'));
  rawPut(store, 'timelines', tkey(1, 1), timelineBytes({ entityId: 1 } as never)); // fields missing
  const r = store.verifySync();
  expect(kinds(r)).toEqual(['timeline-missing', 'timeline-undecodable', 'timeline-undecodable']);
  expect(r.issues.find((x) => x.kind === 'timeline-missing')!.expected).toMatchObject({ entityId: 2, pointCount: 5 });
  expect(() => store.getTimelineSync(3, 0)).toThrow(expect.objectContaining({ code: 'CVX_CORRUPTION' }));
  store.repairSync();
  expect(store.verifySync().ok).toBe(true);
  expect(store.getTimelineSync(2, 0)).toMatchObject({ pointCount: 5, firstSeen: 0, lastSeen: 40, keyframeInterval: 10 });
  expect(store.getTimelineSync(3, 0)).toMatchObject({ pointCount: 5 });
  store.closeSync();
});

test('undecodable vectors are reported; repair keeps them unless dropUndecodable, then removes them', () => {
  const store = seeded();
  rawPut(store, 'vectors', vkey(1, 0, 5), Buffer.from([1, 2, 3, 4, 5]));   // not whole f32
  rawPut(store, 'vectors', vkey(2, 0, 5), f32bytes([1, 2]));               // dim 2 in a dim-3 space
  rawPut(store, 'vectors', vkey(3, 0, 5), f32bytes([1, NaN, 3]));          // non-finite
  rawPut(store, 'vectors', vkey(3, 1, 7), new Uint8Array(0));              // empty
  rawPut(store, 'vectors', Buffer.from('short key'), f32bytes([1, 2, 3])); // wrong key length
  rawPut(store, 'timelines', Buffer.from('odd'), Buffer.from([0xa0]));     // wrong key length
  const r = store.verifySync();
  expect(kinds(r)).toEqual([
    'key-undecodable', 'key-undecodable',
    'timeline-mismatch', 'timeline-mismatch', 'timeline-mismatch', 'timeline-mismatch',
    'vector-undecodable', 'vector-undecodable', 'vector-undecodable', 'vector-undecodable',
  ]);
  const msgs = r.issues.filter((i) => i.kind === 'vector-undecodable').map((i) => i.message).join('\n');
  expect(msgs).toMatch(/5 bytes, not a whole number of f32/);
  expect(msgs).toMatch(/dimension 2, space 0 has dimension 3/);
  expect(msgs).toMatch(/element 1 is not finite/);
  expect(msgs).toMatch(/empty vector/);
  expect(r.issues.find((i) => i.kind === 'vector-undecodable' && i.entityId === 1)).toMatchObject({ spaceId: 0, timestamp: 5 });

  // Without dropUndecodable the bad vectors stay (and are counted: they are keys of the series).
  const kept = store.repairSync();
  expect(kept.repaired.vectorsDeleted).toBe(0);
  const again = store.verifySync();
  expect(kinds(again)).toEqual(['key-undecodable', 'vector-undecodable', 'vector-undecodable', 'vector-undecodable', 'vector-undecodable']);
  expect(store.getTimelineSync(1, 0)).toMatchObject({ pointCount: 6 });

  const dropped = store.repairSync({ dropUndecodable: true });
  expect(dropped.repaired).toMatchObject({ vectorsDeleted: 5, timelinesDeleted: 0 });
  expect(store.verifySync().ok).toBe(true);
  expect(store.getTimelineSync(1, 0)).toMatchObject({ pointCount: 5, firstSeen: 0, lastSeen: 40 });
  expect(store.rangeSync(1, 0, -100, 100)).toHaveLength(5);
  store.closeSync();
});

test('maxIssues bounds the list, not the count', () => {
  const store = seeded();
  for (let e = 100; e < 150; e++) rawPut(store, 'timelines', tkey(e, 0), timelineBytes({ entityId: e, spaceId: 0, firstSeen: 0, lastSeen: 0, pointCount: 1 }));
  const r = store.verifySync({ maxIssues: 7 });
  expect(r).toMatchObject({ ok: false, issueCount: 50, truncated: true });
  expect(r.issues).toHaveLength(7);
  expect(store.repairSync({ maxIssues: 0 }).repaired.timelinesDeleted).toBe(50);
  expect(store.verifySync().ok).toBe(true);
  store.closeSync();
});

test('repair writes in bounded batches and handles thousands of series', () => {
  const { store } = tempStore();
  const n = 2500;
  store.putManySync(0, { entityIds: Float64Array.from({ length: n }, (_, i) => i), timestamps: new Float64Array(n), vectors: new Float32Array(n), dim: 1 });
  for (let e = 0; e < n; e++) rawDelete(store, 'timelines', tkey(e, 0));
  expect(store.verifySync({ maxIssues: 10 }).issueCount).toBe(n);
  expect(store.repairSync().repaired.timelinesWritten).toBe(n);
  expect(store.verifySync().ok).toBe(true);
  store.closeSync();
});

test('verify reads one snapshot: concurrent writers never produce a false report', async () => {
  const { store } = tempStore();
  const writes: Promise<unknown>[] = [];
  const reports: Promise<{ ok: boolean; issues: unknown[] }>[] = [];
  for (let i = 0; i < 3000; i++) {
    const e = i % 13;
    writes.push(i % 5 === 4 ? store.delete(e, 0, (i * 7) % 50) : store.put(0, { entityId: e, timestamp: (i * 7) % 50, vector: V(i) }));
    if (i % 300 === 0) reports.push(store.verify());
  }
  await Promise.all(writes);
  for (const r of await Promise.all(reports)) expect(r).toMatchObject({ ok: true, issues: [] });
  // repair() concurrent with writers must not lose or invent points either.
  const more: Promise<unknown>[] = [];
  for (let i = 0; i < 500; i++) more.push(store.put(0, { entityId: 99, timestamp: i, vector: V(i) }));
  const rep = store.repair();
  await Promise.all(more);
  expect((await rep).issueCount).toBe(0);
  expect(store.getTimelineSync(99, 0)).toMatchObject({ pointCount: 500 });
  expect(store.verifySync().ok).toBe(true);
  await store.close();
});

test('bigint stores report ids as bigint; ids beyond 2^53 stay exact in number mode', () => {
  const { dir, store } = tempStore({ bigint: true });
  const big = (1n << 60n) + 3n;
  store.putSync(0, { entityId: big, timestamp: -(1n << 62n), vector: V(1) });
  const prefix = Buffer.alloc(12);
  prefix.writeBigUInt64BE(big, 0);
  rawDelete(store, 'timelines', prefix);
  const r = store.verifySync();
  expect(r.issues[0]).toMatchObject({ kind: 'timeline-missing', entityId: big, spaceId: 0 });
  expect(r.issues[0].expected).toMatchObject({ firstSeen: -(1n << 62n) });
  store.closeSync();
  const numeric = HotStore.openSync(dir);
  expect(numeric.verifySync().issues[0].entityId).toBe(big); // unsafe → bigint, never rounded
  numeric.closeSync();
});

test('read-only stores can be verified but not repaired; closed stores neither', async () => {
  const { dir, store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: 1, vector: V(1) });
  rawDelete(store, 'timelines', tkey(1, 0));
  store.closeSync();
  const ro = HotStore.openSync(dir, { readOnly: true });
  expect(ro.verifySync().issueCount).toBe(1);
  await expect(ro.repair()).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
  ro.closeSync();
  expect(() => ro.verifySync()).toThrow(expect.objectContaining({ code: 'CVX_NOT_OPEN' }));
  await expect(ro.repair()).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
});

test('bad options are refused by name', () => {
  const { store } = tempStore();
  expect(() => store.verifySync({ maxIssues: -1 })).toThrow(/options.maxIssues/);
  expect(() => store.verifySync({ maxIssues: 1.5 })).toThrow(/options.maxIssues/);
  expect(() => store.repairSync({ dropUndecodable: 'yes' as never })).toThrow(/options.dropUndecodable/);
  expect(() => store.verifySync({ dropUndecodable: true } as never)).toThrow(/only meaningful for repair/);
  expect(() => store.verifySync(null as never)).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT' }));
  store.closeSync();
});
