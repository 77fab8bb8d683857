// Resources: one million operations (every kind, sync and async, dim 4) in a child process,
// RSS sampled after a forced GC every 50k operations. The stated bound: after the first
// 500k operations RSS grows by at most 24 MiB over the next 500k, i.e. under 51 bytes per
// operation — a leaked job, buffer, reference or handle per operation (≥ 100 bytes each with
// malloc overhead) breaks it at least twice over — and never exceeds 400 MiB. The slack is
// RocksDB warming up: three 8 MiB block caches (one per column family's table factory) and
// the index/filter blocks of new SST files; measured growth is 5-8 MiB. Memory errors
// themselves are the job of `npm run test:memcheck`.
import { runChild } from './helpers/child';
import { tempPath } from './helpers/tmp';

const MiB = 1024 * 1024;
const GROWTH_BOUND = 24 * MiB;
const ABSOLUTE_BOUND = 400 * MiB;

test('RSS stays flat over 1M operations', async () => {
  const r = await runChild('rss_1m.ts', [tempPath('rss'), '1000000'], ['--expose-gc'], 150_000);
  expect({ code: r.code, signal: r.signal, timedOut: r.timedOut, stderr: r.stderr }).toEqual({ code: 0, signal: null, timedOut: false, stderr: '' });
  const { samples, ok } = JSON.parse(r.stdout) as { samples: Array<[number, number]>; ok: boolean };
  expect(ok).toBe(true);
  expect(samples).toHaveLength(20);
  const at = (ops: number) => samples.find(([n]) => n === ops)![1];
  const late = Math.max(...samples.filter(([n]) => n > 500_000).map(([, rss]) => rss));
  const growth = late - at(500_000);
  const shape = samples.map(([n, rss]) => `${n / 1000}k:${(rss / MiB).toFixed(1)}`).join(' ');
  // eslint-disable-next-line no-console
  console.log(`RSS MiB after GC: ${shape}; growth over the last 500k ops ${(growth / MiB).toFixed(1)} MiB (bound 24)`);
  expect(growth).toBeLessThanOrEqual(GROWTH_BOUND);
  expect(Math.max(...samples.map(([, rss]) => rss))).toBeLessThanOrEqual(ABSOLUTE_BOUND);
}, 180_000);
