// Table files stay bounded after any number of open/write/close cycles. Each short session
// leaves one small table file per column family it wrote, and RocksDB moves such files to
// level 1 without ever merging them: 1,000 cycles left ~2,000 one-point table files, and the
// next open kept them all open and failed under `ulimit -n 512`. A writable store now merges
// its small files at close once a column family has kMergeSmallFiles of them
// (native/table_merge.h), so a store keeps at most 3 × 15 small files, and opens under
// `ulimit -n 256` after any number of sessions.
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { CHILDREN, spawnChild } from './helpers/child';
import { tempPath } from './helpers/tmp';
import { spawnSync } from 'child_process';

const CYCLES = 320;
// native/table_merge.h: fewer than kMergeSmallFiles (16) small files per column family after a
// close, in each of the three column families.
const SST_BOUND = 3 * 15;

function tableFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.sst'));
}

test(`${CYCLES} open/write/close cycles leave at most ${SST_BOUND} table files, and the store opens under ulimit -n 256`, () => {
  const dir = tempPath('tables');
  let most = 0;
  for (let i = 0; i < CYCLES; i++) {
    const s = HotStore.openSync(dir);
    s.putSync(0, { entityId: i, timestamp: i, vector: [i, 1] });
    s.closeSync();
    most = Math.max(most, tableFiles(dir).length);
  }
  // eslint-disable-next-line no-console
  console.log(`${CYCLES} cycles: ${tableFiles(dir).length} table files at the end, at most ${most} after any close (bound ${SST_BOUND})`);
  expect(most).toBeLessThanOrEqual(SST_BOUND);

  // A shell lowers the descriptor limit for the child only; the child then opens the store
  // writable, as an application would, and reads every point back.
  const script = path.join(CHILDREN, 'read_every_point.ts');
  const cmd = `ulimit -n 256 && exec "$0" -r "$1" "$2" "$3" "$4"`;
  const r = spawnSync('sh', ['-c', cmd, process.execPath, path.join(CHILDREN, 'ts-hook.js'), script, dir, String(CYCLES)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  const out = JSON.parse(r.stdout) as { found?: number; fds?: number; code?: string; message?: string };
  expect(out).toEqual({ found: CYCLES, fds: expect.any(Number) });
  expect(out.fds).toBeLessThan(256);
}, 120_000);

/** Starts the child that leaves `n` small table files per column family, and kills it. */
async function leaveSmallTables(dir: string, n: number): Promise<void> {
  const child = spawnChild('small_tables_then_hang.ts', [dir, String(n)]);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before it was ready: ${err}`)));
  });
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
}

test('the small files of sessions that never closed are merged at the next close, and not by a read-only open', async () => {
  const dir = tempPath('tables');
  await leaveSmallTables(dir, 24);
  const left = tableFiles(dir).sort();
  expect(left.length).toBeGreaterThan(SST_BOUND);

  const ro = HotStore.openSync(dir, { readOnly: true });
  for (let i = 0; i < 24; i++) expect(ro.getSync(i, 0, i)?.vector[0]).toBe(i);
  ro.closeSync();
  expect(tableFiles(dir).sort()).toEqual(left);

  HotStore.openSync(dir).closeSync();
  expect(tableFiles(dir).length).toBeLessThanOrEqual(SST_BOUND);
  const s = HotStore.openSync(dir, { readOnly: true });
  for (let i = 0; i < 24; i++) expect(s.getSync(i, 0, i)?.vector[0]).toBe(i);
  s.closeSync();
}, 60_000);
