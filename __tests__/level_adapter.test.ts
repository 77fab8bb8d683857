// The abstract-level adapter's own guarantees beyond abstract-level's suite (which runs
// separately, `npm run test:level`): sharing an open store, the reserved cvx: namespace,
// read-only vectors/timelines views, and iterators across store close.
import { HotStore, HotStoreLevel, encodeKey } from '../lib';
import { tempPath, tempStore } from './helpers/tmp';

const vec = (x: number) => new Float32Array([x, x + 1, x + 2]);

test('shares the open store: data written either way is seen, closing the adapter leaves the store open', async () => {
  const { store } = tempStore();
  const db = new HotStoreLevel<string, object>(store, { valueEncoding: 'json' });
  await db.open();
  await db.put('model:0', { name: 'clip', dim: 3 });
  await store.put(0, { entityId: 1, timestamp: 5, vector: vec(1) });
  expect(await db.get('model:0')).toEqual({ name: 'clip', dim: 3 });
  expect(db.getSync('model:0')).toEqual({ name: 'clip', dim: 3 });
  await db.close();
  expect(store.isOpen).toBe(true);
  expect(store.getTimelineSync(1, 0)?.pointCount).toBe(1);
  await store.close();
});

test('the reserved cvx: namespace: writes refused (whole batch), reads and iteration do not see it, clear keeps it', async () => {
  const dir = tempPath();
  const store = HotStore.openSync(dir);
  store.putSync(0, { entityId: 1, timestamp: 5, vector: vec(1) }); // writes cvx:space:0
  const db = new HotStoreLevel(store);
  await db.open();
  await expect(db.put('cvx:format', 'x')).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('cvx:') });
  await expect(db.del('cvx:space:0')).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT' });
  await expect(db.batch([{ type: 'put', key: 'ok', value: '1' }, { type: 'put', key: 'cvx:x', value: '2' }]))
    .rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('operations[1].key') });
  expect(await db.get('ok')).toBeUndefined(); // nothing of the refused batch was written
  await expect(db.sublevel('cvx').put('a', 'b')).resolves.toBeUndefined(); // '!cvx!a' is not reserved
  await db.put('a', '1');
  await db.put('z', '2');
  expect(await db.get('cvx:format')).toBeUndefined();
  expect(await db.keys().all()).toEqual(['!cvx!a', 'a', 'z']);
  expect(await db.keys({ reverse: true }).all()).toEqual(['z', 'a', '!cvx!a']);
  await db.clear();
  expect(await db.keys().all()).toEqual([]);
  await db.close();
  store.closeSync();
  const again = HotStore.openSync(dir); // cvx:format and the space record survived clear()
  expect(again.spacesSync()).toEqual([{ spaceId: 0, dim: 3, entities: 1, points: 1 }]);
  again.closeSync();
});

test('vectors and timelines open read-only only, and show the on-disk keys and values', async () => {
  const { store } = tempStore();
  store.putManySync(2, [{ entityId: 7, timestamp: -1, vector: vec(1) }, { entityId: 7, timestamp: 3, vector: vec(2) }]);
  expect(() => new HotStoreLevel(store, { columnFamily: 'vectors' })).toThrow(expect.objectContaining({ code: 'CVX_READ_ONLY' }));
  expect(() => new HotStoreLevel(store, { columnFamily: 'timelines', readOnly: false })).toThrow(expect.objectContaining({ code: 'CVX_READ_ONLY' }));
  expect(() => new HotStoreLevel(store, { columnFamily: 'other' as never })).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT' }));
  expect(() => new HotStoreLevel(store, { store: { sync: true } })).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('options.store') }));
  expect(() => new HotStoreLevel(42 as never)).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT' }));
  const vectors = new HotStoreLevel<Buffer, Buffer>(store, { columnFamily: 'vectors', readOnly: true, keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await vectors.open();
  const entries = await vectors.iterator().all();
  expect(entries.map(([k]) => (k as Buffer).toString('hex'))).toEqual([encodeKey(7, 2, -1).toString('hex'), encodeKey(7, 2, 3).toString('hex')]);
  const v = entries[1][1] as Buffer;
  expect(Array.from(new Float32Array(v.buffer, v.byteOffset, 3))).toEqual([2, 3, 4]);
  await expect(vectors.put(Buffer.alloc(20), Buffer.alloc(12))).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
  await expect(vectors.clear()).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
  expect(store.rangeSync(7, 2, -10, 10).length).toBe(2);
  const timelines = new HotStoreLevel<Buffer, Buffer>(store, { columnFamily: 'timelines', readOnly: true, keyEncoding: 'buffer', valueEncoding: 'buffer' });
  expect((await timelines.keys().all()).length).toBe(1);
  await Promise.all([vectors.close(), timelines.close()]);
  await store.close();
});

test('a read-only adapter of default refuses writes', async () => {
  const { store } = tempStore();
  const db = new HotStoreLevel(store, { readOnly: true });
  await expect(db.put('a', 'b')).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
  await db.close();
  await store.close();
});

test('closing the store under open iterators: close does not hang, iterators fail with CVX_NOT_OPEN', async () => {
  const { store } = tempStore();
  const db = new HotStoreLevel(store);
  await db.batch(Array.from({ length: 3000 }, (_, i) => ({ type: 'put' as const, key: `k${String(i).padStart(5, '0')}`, value: 'v'.repeat(100) })));
  const idle = db.iterator();
  expect(await idle.next()).toEqual(['k00000', 'v'.repeat(100)]);
  const busy = db.iterator();
  // a native step racing close(); settled (handled) right away so it is never an unhandled rejection
  const inFlight = busy.all().then((r) => r.length, (e) => e.code);
  const abandoned = db.keys(); // never used, never closed
  void abandoned;
  await store.close();
  const settled = await inFlight;
  expect([3000, 'CVX_NOT_OPEN']).toContain(settled);
  let code: unknown;
  try { await idle.nextv(5000); } catch (e) { code = (e as { code?: string }).code; }
  expect(code).toBe('CVX_NOT_OPEN');
  await expect(db.get('k00001')).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
  await db.close();
});

test('an adapter that owns its store opens and closes it, honouring createIfMissing / errorIfExists', async () => {
  const dir = tempPath();
  const missing = new HotStoreLevel(dir);
  await expect(missing.open({ createIfMissing: false })).rejects.toMatchObject({ code: 'LEVEL_DATABASE_NOT_OPEN' });
  const db = new HotStoreLevel(dir);
  await db.put('a', '1');
  expect(db.store?.isOpen).toBe(true);
  await db.close();
  expect(db.store).toBeUndefined();
  const again = HotStore.openSync(dir); // closed for real: the lock is free
  again.closeSync();
  await db.open();
  expect(await db.get('a')).toBe('1');
  await db.close();
});

test('seek, ranges and limits on a shared store, from a snapshot', async () => {
  const { store } = tempStore();
  const db = new HotStoreLevel(store);
  await db.batch(['a', 'b', 'c', 'd'].map((k) => ({ type: 'put' as const, key: k, value: k.toUpperCase() })));
  const it = db.iterator({ gt: 'a', lte: 'c' });
  await db.put('bb', 'late'); // after the snapshot
  expect(await it.all()).toEqual([['b', 'B'], ['c', 'C']]);
  const k = db.keys({ reverse: true, limit: 2 });
  k.seek('c');
  expect(await k.all()).toEqual(['c', 'bb']);
  await db.close();
  await store.close();
});
