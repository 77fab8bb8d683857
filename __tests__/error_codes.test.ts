// Every error code of docs/api.md ("Errors"), each produced the way a user would meet it. Corruption and
// foreign/future formats are made with RocksDB's own `ldb`, never by editing files by hand.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ERROR_CODES, HotStore, HotStoreError } from '../lib';
import { encodePrefix } from '../lib/keys';
import { tempPath, tempStore } from './helpers/tmp';

function ldb(dir: string, ...args: string[]): string {
  return execFileSync('ldb', [`--db=${dir}`, ...args], { encoding: 'utf8' });
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HotStoreError);
    expect((e as Error).name).toBe('HotStoreError');
    return (e as HotStoreError).code;
  }
  return undefined;
}

test('HotStoreError carries a stable code for every failure class', () => {
  expect(ERROR_CODES).toHaveLength(12);
  const e = new HotStoreError('CVX_IO', 'x');
  expect(e).toBeInstanceOf(Error);
  expect(e.code).toBe('CVX_IO');
});

test('CVX_INVALID_ARGUMENT names the argument', async () => {
  const { store } = tempStore();
  expect(() => store.putSync(-1, { entityId: 1, timestamp: 1, vector: [1] })).toThrow(/spaceId/);
  expect(() => store.getSync(1.5, 0, 0)).toThrow(/entityId/);
  expect(() => store.rangeSync(1, 0, 10, 5)).toThrow(/start .* end/);
  expect(() => store.rangeSync(1, 0, 0, 5, { limit: 0 })).toThrow(/options.limit/);
  await expect(store.get(1, 0, 2 ** 60)).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('timestamp') });
  expect(codeOf(() => HotStore.openSync(''))).toBe('CVX_INVALID_ARGUMENT');
  store.closeSync();
});

test('CVX_DIMENSION_MISMATCH', () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: 1, vector: [1, 2] });
  expect(codeOf(() => store.putSync(0, { entityId: 1, timestamp: 2, vector: [1] }))).toBe('CVX_DIMENSION_MISMATCH');
  store.closeSync();
});

test('CVX_UNSAFE_INTEGER', () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 2n ** 53n, timestamp: 0, vector: [1] });
  expect(codeOf(() => store.getSync(2n ** 53n, 0, 0))).toBe('CVX_UNSAFE_INTEGER');
  store.closeSync();
});

test('CVX_NOT_OPEN after close, from every method, sync and async; close is idempotent', async () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: 1, vector: [1] });
  await store.close();
  await store.close();
  store.closeSync();
  expect(store.isOpen).toBe(false);
  const p = { entityId: 1, timestamp: 1, vector: [1] };
  const syncCalls: Array<() => unknown> = [
    () => store.putSync(0, p), () => store.putManySync(0, [p]), () => store.getSync(1, 0, 1),
    () => store.rangeSync(1, 0, 0, 1), () => store.rangeColumnsSync(1, 0, 0, 1), () => store.deleteSync(1, 0, 1),
    () => store.getTimelineSync(1, 0), () => store.getAsOfSync(1, 0, 1), () => store.getLatestSync(1, 0),
    () => store.getManyAsOfSync(0, [1], 1),
  ];
  for (const c of syncCalls) expect(codeOf(c)).toBe('CVX_NOT_OPEN');
  const asyncCalls: Array<() => Promise<unknown>> = [
    () => store.put(0, p), () => store.putMany(0, [p]), () => store.get(1, 0, 1), () => store.range(1, 0, 0, 1),
    () => store.rangeColumns(1, 0, 0, 1), () => store.delete(1, 0, 1), () => store.getTimeline(1, 0),
    () => store.getAsOf(1, 0, 1), () => store.getLatest(1, 0), () => store.getManyAsOf(0, [1], 1),
  ];
  for (const c of asyncCalls) await expect(c()).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
});

test('CVX_LOCKED for a second open in this process and from another process', async () => {
  const { dir, store } = tempStore();
  expect(codeOf(() => HotStore.openSync(dir))).toBe('CVX_LOCKED');
  await expect(HotStore.open(dir)).rejects.toMatchObject({ code: 'CVX_LOCKED' });
  const script = `
    const { HotStore } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.js'))});
    try { HotStore.openSync(${JSON.stringify(dir)}); console.log('opened'); }
    catch (e) { console.log(e.code); }`;
  const other = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(other.stdout.trim()).toBe('CVX_LOCKED');
  store.closeSync();
  // Once closed, the directory opens again.
  HotStore.openSync(dir).closeSync();
});

test('CVX_READ_ONLY', () => {
  const { dir, store } = tempStore();
  store.closeSync();
  const ro = HotStore.openSync(dir, { readOnly: true });
  expect(codeOf(() => ro.putSync(0, { entityId: 1, timestamp: 1, vector: [1] }))).toBe('CVX_READ_ONLY');
  ro.closeSync();
});

test('CVX_CORRUPTION for an undecodable timeline and a vector of the wrong size', async () => {
  const { dir, store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: 1, vector: [1, 2] });
  store.putSync(0, { entityId: 2, timestamp: 1, vector: [1, 2] });
  store.closeSync();
  ldb(dir, '--column_family=timelines', '--key_hex', '--value_hex', 'put', '0x' + encodePrefix(1, 0).toString('hex'), '0xff00');
  ldb(dir, '--column_family=vectors', '--key_hex', '--value_hex', 'put', '0x000000000000000200000000' + '8000000000000005', '0x010203');
  const s = HotStore.openSync(dir);
  expect(codeOf(() => s.getTimelineSync(1, 0))).toBe('CVX_CORRUPTION');
  expect(codeOf(() => s.putSync(0, { entityId: 1, timestamp: 5, vector: [1, 2] }))).toBe('CVX_CORRUPTION');
  expect(codeOf(() => s.getSync(2, 0, 5))).toBe('CVX_CORRUPTION');
  expect(codeOf(() => s.rangeSync(2, 0, 0, 10))).toBe('CVX_CORRUPTION');
  expect(codeOf(() => s.getAsOfSync(2, 0, 10))).toBe('CVX_CORRUPTION');
  await expect(s.getLatest(2, 0)).rejects.toMatchObject({ code: 'CVX_CORRUPTION' });
  // getMany: the bad vector alone, and after a good one of another size.
  expect(() => s.getManySync(0, [{ entityId: 2, timestamp: 5 }])).toThrow(expect.objectContaining({
    code: 'CVX_CORRUPTION', message: expect.stringContaining('getMany: stored vector of entity 2 has 3 bytes, not a whole number of f32'),
  }));
  expect(() => s.getManySync(0, [{ entityId: 2, timestamp: 1 }, { entityId: 2, timestamp: 5 }])).toThrow(expect.objectContaining({
    code: 'CVX_CORRUPTION', message: expect.stringContaining('has 3 bytes, expected 8'),
  }));
  // The refused put wrote nothing.
  expect(s.getSync(1, 0, 5)).toBeUndefined();
  s.closeSync();
});

test('CVX_FORMAT for a future format version, a foreign RocksDB and a directory of other files', () => {
  const { dir, store } = tempStore();
  store.closeSync();
  ldb(dir, '--value_hex', 'put', 'cvx:format', '0xa16776657273696f6e02'); // {"version": 2}
  expect(codeOf(() => HotStore.openSync(dir))).toBe('CVX_FORMAT');

  const foreign = tempPath();
  ldb(foreign, '--create_if_missing', 'put', 'hello', 'world');
  expect(codeOf(() => HotStore.openSync(foreign))).toBe('CVX_FORMAT');
  // Refusing must not have added our column families to their database.
  expect(execFileSync('ldb', [`--db=${foreign}`, 'list_column_families'], { encoding: 'utf8' })).not.toMatch(/vectors/);

  const other = tempPath();
  fs.mkdirSync(other, { recursive: true });
  fs.writeFileSync(path.join(other, 'notes.txt'), 'not a database');
  expect(codeOf(() => HotStore.openSync(other))).toBe('CVX_FORMAT');
});

test('CVX_IO when the store does not exist and may not be created', async () => {
  const dir = tempPath();
  expect(codeOf(() => HotStore.openSync(dir, { createIfMissing: false }))).toBe('CVX_IO');
  await expect(HotStore.open(dir, { readOnly: true })).rejects.toMatchObject({ code: 'CVX_IO', message: expect.stringContaining(dir) });
});

test('CVX_CORRUPTION, not a truncated answer, when a foreign key sits inside an entity prefix', () => {
  const { dir, store } = tempStore();
  for (let t = 0; t < 3; t++) store.putSync(0, { entityId: 4, timestamp: t, vector: [t] });
  store.deleteSync(4, 0, 0); // so an as-of seek at t = 0 lands on the foreign key below timestamp 1
  store.closeSync();
  // 13 bytes: the entity-4 prefix plus one byte, sorting between its timestamps 0..2 and beyond.
  ldb(dir, '--column_family=vectors', '--key_hex', '--value_hex', 'put', '0x' + encodePrefix(4, 0).toString('hex') + '80', '0x0000803f');
  const s = HotStore.openSync(dir);
  expect(codeOf(() => s.rangeSync(4, 0, -10, 10))).toBe('CVX_CORRUPTION');
  expect(codeOf(() => s.getAsOfSync(4, 0, 0))).toBe('CVX_CORRUPTION');
  expect(s.getAsOfSync(4, 0, 1)!.timestamp).toBe(1); // a seek that never meets it answers
  s.closeSync();
});
