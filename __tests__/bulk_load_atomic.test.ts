// bulkLoad's atomic unit: readers running beside a load into a non-empty store see, in each
// read call, all of the load or none of it (vectors and timelines together); and what a killed
// load leaves (staged files, and links of them in the store the MANIFEST does not list) is
// neither refused as damage nor kept: the next open removes it.
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { dump } from './helpers/raw';
import { tempPath, tempStore } from './helpers/tmp';

const DIM = 4;
const vec = (x: number) => Float32Array.from({ length: DIM }, () => x);

test('every read call beside a load into a non-empty store sees all of it or none of it', async () => {
  const { store } = tempStore();
  const E = 40;
  const base = Array.from({ length: E * 10 }, (_, i) => ({ entityId: i % E, timestamp: Math.floor(i / E), vector: vec(0) }));
  await store.putMany(0, base);
  const seen = { verify: new Set<number>(), timeline: new Set<number>(), range: new Set<number>(), many: new Set<number>() };
  let stop = false;
  const readers = (async () => {
    while (!stop) {
      // verify(): one snapshot of vectors and timelines, checked against each other.
      const v = await store.verify();
      if (!v.ok) throw new Error(`verify saw a partial load: ${JSON.stringify(v.issues.slice(0, 3))}`);
      seen.verify.add(v.vectorsScanned);
      seen.timeline.add((await store.getTimeline(7, 0))!.pointCount);
      seen.range.add((await store.range(7, 0, 0, Number.MAX_SAFE_INTEGER)).length);
      const got = await store.getMany(0, Array.from({ length: E }, (_, e) => ({ entityId: e, timestamp: 100 }))); // the first load's
      seen.many.add(got.filter((g) => g !== undefined).length);
    }
  })();
  for (let round = 1; round <= 6; round++) {
    // Each load adds 50 points to every entity and overwrites one stored point of each.
    const pts = [];
    for (let e = 0; e < E; e++) {
      pts.push({ entityId: e, timestamp: 0, vector: vec(round) });
      for (let t = 0; t < 50; t++) pts.push({ entityId: e, timestamp: round * 100 + t, vector: vec(round) });
    }
    const res = await store.bulkLoad(0, pts);
    expect(res).toEqual({ loaded: E * 51, overwritten: E });
  }
  stop = true;
  await readers;
  const valid = (per: number, base0: number) => new Set(Array.from({ length: 7 }, (_, k) => base0 + k * per));
  for (const n of seen.verify) expect(valid(E * 50, E * 10).has(n)).toBe(true);
  for (const n of seen.timeline) expect(valid(50, 10).has(n)).toBe(true);
  for (const n of seen.range) expect(valid(50, 10).has(n)).toBe(true);
  for (const n of seen.many) expect([0, E]).toContain(n);
  expect(seen.verify.size).toBeGreaterThan(1); // the readers did run beside the loads
  expect((await store.verify()).vectorsScanned).toBe(E * 10 + 6 * E * 50);
  store.closeSync();
}, 120_000);

test('a killed load\'s staged files and their unlisted links in the store are not damage, and the next open removes them', () => {
  // A table file of records this store has never seen, as a load killed between RocksDB's
  // linking of its files into the store and its MANIFEST write leaves it.
  const other = tempStore().store;
  other.putManySync(0, Array.from({ length: 100 }, (_, i) => ({ entityId: 500 + i, timestamp: i, vector: vec(9) })));
  other.closeSync();
  const foreign = fs.readdirSync(other.path).find((f) => f.endsWith('.sst'))!;

  const dir = tempPath('staged');
  const store = HotStore.openSync(dir);
  store.putManySync(0, [{ entityId: 1, timestamp: 1, vector: vec(1) }]);
  const before = dump(store);
  store.closeSync();
  const staged = path.join(dir, 'cvx-bulk', '123-abc-0');
  fs.mkdirSync(staged, { recursive: true });
  fs.copyFileSync(path.join(other.path, foreign), path.join(staged, 'vectors.sst'));
  fs.linkSync(path.join(staged, 'vectors.sst'), path.join(dir, '000900.sst'));

  // A read-only open and a writable one both open it; the writable one cleans up.
  const ro = HotStore.openSync(dir, { readOnly: true });
  expect(dump(ro)).toEqual(before);
  ro.closeSync();
  const again = HotStore.openSync(dir);
  expect(dump(again)).toEqual(before);
  again.closeSync();
  expect(fs.existsSync(path.join(dir, 'cvx-bulk'))).toBe(false);
  expect(fs.existsSync(path.join(dir, '000900.sst'))).toBe(false);
  const third = HotStore.openSync(dir); // and nothing is left that a later open could refuse
  expect(dump(third)).toEqual(before);
  third.closeSync();
});

test('a table file the MANIFEST does not list is still refused when it is no staged file\'s link', () => {
  const other = tempStore().store;
  other.putManySync(0, Array.from({ length: 100 }, (_, i) => ({ entityId: 500 + i, timestamp: i, vector: vec(9) })));
  other.closeSync();
  const foreign = fs.readdirSync(other.path).find((f) => f.endsWith('.sst'))!;
  const dir = tempPath('unlisted');
  const store = HotStore.openSync(dir);
  store.putManySync(0, [{ entityId: 1, timestamp: 1, vector: vec(1) }]);
  store.closeSync();
  fs.mkdirSync(path.join(dir, 'cvx-bulk', 'x'), { recursive: true });
  fs.copyFileSync(path.join(other.path, foreign), path.join(dir, 'cvx-bulk', 'x', 'vectors.sst'));
  fs.copyFileSync(path.join(other.path, foreign), path.join(dir, '000900.sst')); // a copy, not a link
  expect(() => HotStore.openSync(dir)).toThrow(expect.objectContaining({ code: 'CVX_CORRUPTION' }));
});
