// The merge of small table files at close (native/table_merge.h) never makes a full disk
// worse: with less free space than twice its input, close() skips it, succeeds, and notes it
// in the store's LOG; once there is room, a later close merges. On a real tmpfs this test
// mounts, so it must run as root, as CI does (like disk_full.test.ts).
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { native } from '../lib/binding';
import { mountTmpfs } from './helpers/tmpfs';

beforeAll(() => {
  if (process.getuid?.() !== 0) {
    throw new Error('table_merge_full_disk.test.ts mounts a tmpfs to fill it and must run as root (CI does)');
  }
});

const tableFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.sst')).sort();

test('on a full disk close() skips the merge and succeeds; with room again, the next close merges', () => {
  const { root } = mountTmpfs('16m');
  const dir = path.join(root, 'db');
  const filler = path.join(root, 'filler');
  const s = HotStore.openSync(dir);
  // 20 small table files per column family in one session: a put and a flush each.
  for (let i = 0; i < 20; i++) {
    s.putSync(0, { entityId: i, timestamp: i, vector: [i, 1] });
    native.flush(s._handle);
  }
  const before = tableFiles(dir);
  expect(before.length).toBeGreaterThanOrEqual(40);
  expect(() => fs.writeFileSync(filler, Buffer.alloc(32 << 20))).toThrow(/ENOSPC/);
  // Leave 24 KiB: room for the info log's lines (a line that finds no room is dropped, and
  // this test reads the log), far from twice the merge's input.
  fs.truncateSync(filler, fs.statSync(filler).size - (24 << 10));
  s.closeSync();
  expect(tableFiles(dir)).toEqual(before);
  const log = fs.readFileSync(path.join(dir, 'LOG'), 'latin1');
  expect(log).toMatch(/cvx: merging small table files at close: .*too little free space/);
  // Not even tried: a compaction that ran out of space would have stopped the store.
  expect(log).not.toMatch(/background error/);

  fs.rmSync(filler);
  HotStore.openSync(dir).closeSync();
  expect(tableFiles(dir).length).toBeLessThanOrEqual(3);
  const ro = HotStore.openSync(dir, { readOnly: true });
  for (let i = 0; i < 20; i++) expect(ro.getSync(i, 0, i)?.vector[0]).toBe(i);
  ro.closeSync();
});
