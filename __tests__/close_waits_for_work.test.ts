// close() with work in flight: it waits for every admitted operation, each promise
// settles with its own result, nothing crashes and nothing hangs.
import { HotStore } from '../lib';
import { tempStore } from './helpers/tmp';

test('close() waits for 1000 in-flight async operations of every kind, and they all succeed', async () => {
  const { dir, store } = tempStore();
  store.putSync(0, { entityId: 0, timestamp: 0, vector: new Float32Array(64).fill(1) });
  const ops: Promise<unknown>[] = [];
  for (let i = 0; i < 1000; i++) {
    const vector = new Float32Array(64).fill(i);
    switch (i % 7) {
      case 0: ops.push(store.put(0, { entityId: i % 10, timestamp: i, vector })); break;
      case 1: ops.push(store.putMany(0, [{ entityId: i % 10, timestamp: i, vector }, { entityId: 11, timestamp: i, vector }])); break;
      case 2: ops.push(i % 3 === 0 ? store.get(0, 0, 0) : i % 3 === 1 ? store.getAsOf(0, 0, i) : store.getManyAsOf(0, [0, 11, 5], i)); break;
      case 3: ops.push(store.range(0, 0, 0, 1000)); break;
      case 4: ops.push(store.delete(11, 0, i - 3)); break;
      case 5: ops.push(store.getMany(0, [{ entityId: 0, timestamp: 0 }, { entityId: 11, timestamp: i }])); break;
      default: ops.push(store.getTimeline(0, 0)); break;
    }
  }
  const closed = store.close();
  const late = store.get(0, 0, 0).catch((e) => e); // issued after close(): refused, not run against a closing store
  const results = await Promise.allSettled(ops);
  await closed;
  expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  expect(await late).toMatchObject({ code: 'CVX_NOT_OPEN' });

  // Everything the resolved writes said they wrote is there.
  const again = HotStore.openSync(dir);
  let points = 0;
  for (let e = 0; e < 10; e++) points += again.getTimelineSync(e, 0)?.pointCount ?? 0;
  expect(points).toBe(1 + 285 /* puts+putMany into entities 0..9 */);
  again.closeSync();
});

test('closeSync() blocks until in-flight async work has finished', async () => {
  const { store } = tempStore();
  const ops: Promise<unknown>[] = [];
  for (let i = 0; i < 1000; i++) ops.push(store.put(0, { entityId: i, timestamp: i, vector: [i] }));
  store.closeSync();
  const results = await Promise.allSettled(ops);
  expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
});

test('many concurrent close() calls settle together', async () => {
  const { store } = tempStore();
  const ops = Array.from({ length: 200 }, (_, i) => store.put(0, { entityId: 1, timestamp: i, vector: [i] }));
  await Promise.all([store.close(), store.close(), store.close(), ...ops]);
  expect(store.isOpen).toBe(false);
});
