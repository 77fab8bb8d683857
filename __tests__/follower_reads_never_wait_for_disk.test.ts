// A follower's async gets, like a writer's (reads_never_wait_for_disk.test.ts), never wait for the
// disk on the main thread: a follower reads through the secondary's file system
// (native/pinned_manifest.h), which must sit on the no-wait file system (native/nowait_fs.h).
// Until 2026-12-03 it sat on the default one: an evicted block was read with a plain pread
// inside the get on the event loop. "On the main thread" is observed without timing, as there:
// the promise settles while only microtasks run.
import { execFileSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { HotStore } from '../lib';
import { tempPath } from './helpers/tmp';

const tables = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.sst')).map((n) => join(dir, n));
const evict = (dir: string) => tables(dir).forEach((f) => execFileSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none']));
const warm = (dir: string) => tables(dir).forEach((f) => readFileSync(f));

/** Whether `call` settled within microtasks, i.e. without a pool round trip (then waited for). */
async function onMainThread(call: () => Promise<unknown>): Promise<boolean> {
  for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r)); // a fresh per-turn budget
  let settled = false;
  const p = call().then(() => {
    settled = true;
  });
  for (let i = 0; i < 50 && !settled; i++) await Promise.resolve(); // no macrotask can run here
  const inline = settled;
  await p;
  return inline;
}

const DIM = 256; // 1 KiB vectors: a few per 4 KiB block, so far-apart entities share no block
const vector = (e: number) => Array.from({ length: DIM }, (_, k) => e + k);

test('a follower beside a writer: a get whose block would need the disk goes to the pool; one in the page cache settles on the main thread', async () => {
  const dir = tempPath('follower-nowait');
  const writer = HotStore.openSync(dir);
  writer.putManySync(0, Array.from({ length: 400 }, (_, e) => ({ entityId: e, timestamp: 1, vector: vector(e) })));
  await writer.compact(); // into a table file
  const follower = await HotStore.open(dir, { follower: true }); // an empty block cache
  try {
    evict(dir);
    let p: Awaited<ReturnType<HotStore['get']>>;
    expect(await onMainThread(async () => (p = await follower.get(300, 0, 1)))).toBe(false);
    expect(Array.from(p!.vector)).toEqual(vector(300));
    evict(dir);
    let group: Awaited<ReturnType<HotStore['get']>>[] = [];
    expect(await onMainThread(async () => (group = await Promise.all([follower.get(100, 0, 1), follower.get(50, 0, 1), follower.get(51, 0, 9)])))).toBe(false);
    expect(group.map((g) => g && g.vector[0])).toEqual([100, 50, undefined]);
    // In the page cache, not the block cache: still answered on the main thread.
    warm(dir);
    expect(await onMainThread(async () => (p = await follower.get(200, 0, 1)))).toBe(true);
    expect(Array.from(p!.vector)).toEqual(vector(200));
  } finally {
    await follower.close();
    writer.closeSync();
  }
});
