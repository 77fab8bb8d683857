// lib/ refuses start > end before the shim (validate.ts), but the addon can be required
// directly: a reversed window that reaches the engine is empty and deletes nothing. The engine
// answers it explicitly (RangeScan, DeletePointRange) instead of handing RocksDB an iterator or
// a tombstone with swapped bounds, whose behaviour RocksDB leaves undefined; this pins the answer.
import { HotStore } from '../lib';
import { native } from '../lib/binding';
import { dump } from './helpers/raw';
import { tempStore } from './helpers/tmp';

function seeded() {
  const made = tempStore();
  made.store.putManySync(0, [1, 2, 3, 4].map((t) => ({ entityId: 1, timestamp: t, vector: [t] })));
  return made;
}

test('a range with start > end reaching the engine is empty, sync and async', async () => {
  const { store } = seeded();
  expect(native.rangeSync(store._handle, 1, 0, 3, 2, 0, 0).count).toBe(0);
  expect((await native.range(store._handle, 1, 0, 4, 1, 0, 0)).count).toBe(0);
  expect(native.rangeSync(store._handle, 1, 0, 2, 3, 0, 0).count).toBe(2); // the control
  store.closeSync();
});

test('a deleteRange with start > end reaching the engine removes nothing and changes no byte', async () => {
  const { store } = seeded();
  const before = dump(store);
  expect(native.deleteRangeSync(store._handle, 1, 0, 3, 2)).toBe(0);
  expect(await native.deleteRange(store._handle, 1, 0, 4, 1)).toBe(0);
  expect(dump(store)).toEqual(before);
  expect(store.getTimelineSync(1, 0)).toMatchObject({ pointCount: 4, firstSeen: 1, lastSeen: 4 });
  expect(native.deleteRangeSync(store._handle, 1, 0, 2, 3)).toBe(2); // the control
  store.closeSync();
});

test('a read-only store still refuses such a deleteRange as a write', () => {
  const { dir, store } = seeded();
  store.closeSync();
  const ro = HotStore.openSync(dir, { readOnly: true });
  expect(() => native.deleteRangeSync(ro._handle, 1, 0, 3, 2)).toThrow(expect.objectContaining({ code: 'CVX_READ_ONLY' }));
  ro.closeSync();
});
