// An idle empty store costs at most 2 MiB of resident memory. It cost 7.2 MiB, of which 6.4 MiB
// was the vectors' memtable prefix bloom (memtable_prefix_bloom_size_ratio 0.1 of a 64 MiB
// write buffer, allocated and zeroed with every memtable), so 200 stores took 1.5 GB. The
// ratio is now kMemtableBloomRatio (native/options.h). Measured in a child process over 50
// stores, so one store's share is not lost in the noise of a single page-in or GC.
import * as fs from 'fs';
import * as path from 'path';
import { runChild } from './helpers/child';
import { tempPath } from './helpers/tmp';

const MiB = 1024 * 1024;
const STORES = 50;
const PER_STORE_BOUND = 2 * MiB;

test(`${STORES} idle empty stores cost at most 2 MiB of RSS each`, async () => {
  const root = tempPath('idle');
  fs.mkdirSync(root, { recursive: true });
  const r = await runChild('idle_stores.ts', [root, String(STORES)], ['--expose-gc'], 110_000);
  expect({ code: r.code, signal: r.signal, timedOut: r.timedOut, stderr: r.stderr }).toEqual({
    code: 0, signal: null, timedOut: false, stderr: '',
  });
  const { before, after, stores } = JSON.parse(r.stdout) as { before: number; after: number; stores: number };
  expect(stores).toBe(STORES);
  const perStore = (after - before) / STORES;
  // eslint-disable-next-line no-console
  console.log(`idle store: ${(perStore / MiB).toFixed(2)} MiB RSS each over ${STORES} stores (bound 2 MiB)`);
  expect(perStore).toBeLessThanOrEqual(PER_STORE_BOUND);
  // Every store really was created (an open that failed quietly would cost nothing).
  for (let i = 0; i < STORES; i++) expect(fs.existsSync(path.join(root, `s${i}`, 'CURRENT'))).toBe(true);
}, 120_000);
