// Info logs stay bounded in count and size: RocksDB's own logger started a new LOG at every
// open and kept up to 1,000 (999 LOG.old.* files after 1,000 open/write/close cycles). The
// store's logger (native/info_log.h) appends to LOG and keeps at most two rotated files of
// at most 512 KiB each, removes old logs of RocksDB's naming, and a read-only open writes no
// log at all.
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { tempPath } from './helpers/tmp';

// native/info_log.h: kMaxInfoLogBytes, kOldInfoLogs.
const MAX_LOG_BYTES = 512 * 1024;
const ALLOWED = ['LOG', 'LOG.old.1', 'LOG.old.2'];

function logFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith('LOG')).sort();
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(logFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'latin1')]));
}

function cycle(dir: string, i: number): void {
  const s = HotStore.openSync(dir);
  s.putSync(0, { entityId: i, timestamp: i, vector: [i, 1] });
  s.closeSync();
}

test('any number of open/write/close cycles leaves LOG and at most two old logs, each at most 512 KiB', () => {
  const dir = tempPath('infolog');
  // Enough cycles to fill LOG several times over, so the rotation and its bound are exercised.
  let cycles = 0;
  let rotations = 0;
  let previousOld = '';
  while (cycles < 400 && rotations < 4) {
    cycle(dir, cycles++);
    const files = logFiles(dir);
    expect(ALLOWED).toEqual(expect.arrayContaining(files));
    for (const f of files) expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(MAX_LOG_BYTES);
    const old = files.includes('LOG.old.1') ? fs.readFileSync(path.join(dir, 'LOG.old.1'), 'latin1').slice(0, 200) : '';
    if (old !== previousOld) rotations++;
    previousOld = old;
  }
  expect(rotations).toBe(4);
  expect(logFiles(dir)).toEqual(ALLOWED);
  const s = HotStore.openSync(dir, { readOnly: true });
  expect(s.getSync(0, 0, 0)).toBeDefined();
  expect(s.getSync(cycles - 1, 0, cycles - 1)).toBeDefined();
  s.closeSync();
});

test("old logs of RocksDB's own naming (LOG.old.<microseconds>, one per open) are removed at the next writable open", () => {
  const dir = tempPath('infolog');
  cycle(dir, 1);
  const legacy = ['LOG.old.1700000000000001', 'LOG.old.1700000000000002', 'LOG.old.3', 'LOG.old.01'];
  for (const f of legacy) fs.writeFileSync(path.join(dir, f), 'an old RocksDB info log\n');
  cycle(dir, 2);
  expect(logFiles(dir).filter((f) => legacy.includes(f))).toEqual([]);
  const s = HotStore.openSync(dir, { readOnly: true });
  expect(s.getSync(1, 0, 1)).toBeDefined();
  expect(s.getSync(2, 0, 2)).toBeDefined();
  s.closeSync();
});

test('a read-only open writes, rotates and removes no info log', () => {
  const dir = tempPath('infolog');
  cycle(dir, 1);
  fs.writeFileSync(path.join(dir, 'LOG.old.1700000000000001'), 'an old RocksDB info log\n');
  const before = snapshot(dir);
  for (let i = 0; i < 3; i++) {
    const s = HotStore.openSync(dir, { readOnly: true });
    expect(s.getSync(1, 0, 1)).toBeDefined();
    s.closeSync();
  }
  expect(snapshot(dir)).toEqual(before);
});
