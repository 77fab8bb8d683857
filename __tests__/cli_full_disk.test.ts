// `cvx-hot ingest` on a real full disk (a 4 MiB tmpfs the test mounts, as root as in CI):
// the command fails with the cause first (the batch that failed, the points written before
// it, the line reached), not only with the error of the close that follows; and it exits,
// it does not abort.
import * as fs from 'fs';
import * as path from 'path';
import { cli, ndjson } from './helpers/cli';
import { ensureDist } from './helpers/dist';
import { tempPath } from './helpers/tmp';
import { mountTmpfs } from './helpers/tmpfs';

beforeAll(() => ensureDist());

test('a load that fills the disk reports the failed batch first, with the points written and the line reached', async () => {
  const root = path.dirname(tempPath('full-ingest'));
  const rows = Array.from({ length: 20000 }, (_, i) => ({ entityId: i % 100, timestamp: i, vector: Array.from({ length: 64 }, (_, k) => i + k / 3) }));
  const file = path.join(root, 'big.ndjson');
  fs.writeFileSync(file, ndjson(rows));
  const disk = mountTmpfs('4m');
  const mnt = disk.root;
  try {
    const r = await cli(['ingest', path.join(mnt, 'db'), file, '--batch', '500']);
    // An abort (exit 134, "Assertion `sync_without_flush_called_' failed") shows its stderr here.
    expect({ code: r.code, stdout: r.stdout, stderr: r.code === 1 ? '' : r.stderr }).toEqual({ code: 1, stdout: '', stderr: '' });
    expect(r.stderr).toMatch(/^cvx-hot: writing the batch of 500 points ending at line \d+ failed: .+; \d+ points were written before it/);
    // When closing fails too, that comes after the cause, with how far the load got.
    if (r.stderr.includes('closing the store')) expect(r.stderr).toMatch(/; closing the store then failed too: .+; \d+ points written, line \d+ reached\n$/);
  } finally {
    disk.unmount();
  }
});
