// Small async range results must not pin large pooled buffers: a 20-point window kept after
// full scans of a long series, and hundreds of small windows held at once, may only cost
// about what they hold. (Before the fix each kept window pinned a whole-series buffer.) Run
// with --expose-gc; prints JSON with the growth of RSS and of virtual memory.
import * as fs from 'fs';
import { HotStore } from '../../lib';

const [dir] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc!;
const DIM = 128;
const N = 30_000;
const virtualMB = () => (Number(fs.readFileSync('/proc/self/statm', 'utf8').split(' ')[0]) * 4096) / 1048576;
const rssMB = () => process.memoryUsage().rss / 1048576;
const settle = async () => {
  gc();
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
};

async function main() {
  const store = await HotStore.open(dir);
  for (let off = 0; off < N; off += 10_000) {
    const timestamps = Float64Array.from({ length: 10_000 }, (_, i) => off + i);
    await store.putMany(0, { entityIds: new Float64Array(10_000).fill(1), timestamps, vectors: new Float32Array(10_000 * DIM).fill(1), dim: DIM });
  }
  let full = await store.rangeColumns(1, 0, 0, N);
  if (full.count !== N) throw new Error(`full scan returned ${full.count}`);
  full = undefined as never;
  await settle();
  const rss0 = rssMB();
  const virtual0 = virtualMB();
  const kept = [];
  for (let round = 0; round < 20; round++) {
    let big = await store.rangeColumns(1, 0, 0, N);
    big = undefined as never;
    await settle();
    kept.push(await store.rangeColumns(1, 0, 1000 + round, 1019 + round));
  }
  for (let i = 0; i < 300; i++) kept.push(await store.rangeColumns(1, 0, 2000 + i, 2019 + i));
  await settle();
  for (const k of kept) if (k.count !== 20 || k.vectors[20 * DIM - 1] !== 1) throw new Error('a kept window changed');
  process.stdout.write(JSON.stringify({ kept: kept.length, rssGrowthMB: rssMB() - rss0, virtualGrowthMB: virtualMB() - virtual0 }) + '\n');
  await store.close();
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
