// The column-family options of docs/format.md really took effect: read back from the OPTIONS file RocksDB itself
// writes, and from RocksDB's statistics (the bloom filters are consulted and useful).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { native } from '../lib/binding';
import { tempStore } from './helpers/tmp';

/** Parses RocksDB's newest OPTIONS-NNNNNN ini file into section → key → value. */
function readOptionsFile(dir: string): Map<string, Map<string, string>> {
  const files = fs.readdirSync(dir).filter((f) => /^OPTIONS-\d+$/.test(f)).sort();
  expect(files.length).toBeGreaterThan(0);
  const text = fs.readFileSync(path.join(dir, files[files.length - 1]), 'utf8');
  const sections = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const sec = /^\[(.*)\]$/.exec(line);
    if (sec) {
      current = new Map();
      sections.set(sec[1], current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return sections;
}

test('the OPTIONS file RocksDB wrote shows the column families and options of docs/format.md', () => {
  const { dir, store } = tempStore();
  store.closeSync();
  const o = readOptionsFile(dir);
  expect([...o.keys()].filter((k) => k.startsWith('CFOptions')).sort()).toEqual([
    'CFOptions "default"', 'CFOptions "timelines"', 'CFOptions "vectors"',
  ]);
  const vectors = o.get('CFOptions "vectors"')!;
  expect(vectors.get('prefix_extractor')).toMatch(/^rocksdb\.FixedPrefix\.12$/);
  expect(vectors.get('compression')).toBe('kNoCompression');
  expect(Number(vectors.get('memtable_prefix_bloom_size_ratio'))).toBeGreaterThan(0);
  const vtable = o.get('TableOptions/BlockBasedTable "vectors"')!;
  expect(vtable.get('filter_policy')).toMatch(/^bloomfilter:10(:false)?$/);
  expect(vtable.get('whole_key_filtering')).toBe('true');
  expect(o.get('CFOptions "timelines"')!.get('compression')).toBe('kLZ4Compression');
  // The default CF keeps RocksDB's defaults: no prefix extractor.
  expect(o.get('CFOptions "default"')!.get('prefix_extractor')).toBe('nullptr');
});

test('after a flush, the prefix bloom rejects an absent entity and the whole-key bloom an absent key', () => {
  const { store } = tempStore();
  for (let e = 0; e < 50; e++) {
    for (let t = 0; t < 20; t++) store.putSync(0, { entityId: e * 2, timestamp: t, vector: [e, t] });
  }
  native.flush(store._handle);
  expect(Number(native.property(store._handle, 'vectors', 'rocksdb.num-files-at-level0'))).toBeGreaterThan(0);
  const before = native.tickers(store._handle);
  for (let e = 0; e < 50; e++) expect(store.rangeSync(e * 2 + 1, 0, 0, 100)).toHaveLength(0);
  const afterRange = native.tickers(store._handle);
  expect(afterRange['rocksdb.bloom.filter.prefix.checked'] - before['rocksdb.bloom.filter.prefix.checked']).toBeGreaterThanOrEqual(50);
  expect(afterRange['rocksdb.bloom.filter.prefix.useful'] - before['rocksdb.bloom.filter.prefix.useful']).toBeGreaterThanOrEqual(40);
  for (let e = 0; e < 50; e++) expect(store.getSync(e * 2, 0, 1000 + e)).toBeUndefined();
  const afterGet = native.tickers(store._handle);
  expect(afterGet['rocksdb.bloom.filter.useful'] - afterRange['rocksdb.bloom.filter.useful']).toBeGreaterThanOrEqual(40);
  store.closeSync();
});

test('a long range reads around the block cache, a short one fills it (RangeReadOptions)', () => {
  const { store } = tempStore();
  const v = Array.from({ length: 256 }, (_, i) => i);
  for (let t = 0; t < 100; t++) store.putSync(0, { entityId: 1, timestamp: t, vector: v });
  for (let t = 0; t < 3; t++) store.putSync(0, { entityId: 2, timestamp: t, vector: v });
  native.flush(store._handle);
  const dataBlocks = (name: string) => native.tickers(store._handle)[`rocksdb.block.cache.data.${name}`];
  // The timeline block (read first by every range, to size its result) is cached on purpose.
  expect(store.getTimelineSync(1, 0)!.pointCount).toBe(100);
  const [miss0, add0] = [dataBlocks('miss'), dataBlocks('add')];
  expect(store.rangeSync(1, 0, 0, 99)).toHaveLength(100);
  expect(dataBlocks('miss') - miss0).toBeGreaterThan(5);
  expect(dataBlocks('add')).toBe(add0);
  expect(store.rangeColumnsSync(2, 0, 0, 99).count).toBe(3);
  expect(dataBlocks('add') - add0).toBeGreaterThan(0);
  // A long entity queried with a small limit is a short scan too.
  const add1 = dataBlocks('add');
  expect(store.rangeSync(1, 0, 50, 99, { limit: 2 })).toHaveLength(2);
  expect(dataBlocks('add') - add1).toBeGreaterThan(0);
  // So is a narrow window: timestamps are distinct integers, so [70, 72] holds at most 3.
  const add2 = dataBlocks('add');
  expect(store.rangeSync(1, 0, 70, 72)).toHaveLength(3);
  expect(dataBlocks('add') - add2).toBeGreaterThan(0);
  store.closeSync();
});

test('a reopened store reads the same options back (they are not only set on creation)', () => {
  const { dir, store } = tempStore();
  store.closeSync();
  HotStore.openSync(dir).closeSync();
  const vectors = readOptionsFile(dir).get('CFOptions "vectors"')!;
  expect(vectors.get('prefix_extractor')).toBe('rocksdb.FixedPrefix.12');
});

test("RocksDB's own sst_dump sees the bloom filter, prefix extractor and compression of each SST", () => {
  const { dir, store } = tempStore();
  for (let e = 0; e < 20; e++) store.putSync(0, { entityId: e, timestamp: 1, vector: [e, 1, 2, 3] });
  native.flush(store._handle);
  store.closeSync();
  const byCf = new Map<string, string>();
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.sst'))) {
    const out = execFileSync('sst_dump', [`--file=${path.join(dir, f)}`, '--show_properties'], { encoding: 'utf8' });
    byCf.set(/column family name: (\S+)/.exec(out)![1], out);
  }
  const vectors = byCf.get('vectors')!;
  expect(vectors).toMatch(/filter policy name: bloomfilter/);
  expect(vectors).toMatch(/prefix extractor name: rocksdb\.FixedPrefix\.12/);
  expect(vectors).toMatch(/SST file compression algo: NoCompression/);
  // Whole-key filtering adds the full keys next to the prefixes.
  expect(Number(/# entries for filter: (\d+)/.exec(vectors)![1])).toBe(40);
  expect(byCf.get('timelines')!).toMatch(/SST file compression algo: LZ4/);
});
