// An async get (or a small group of gets of one tick) whose blocks are in memory or in the OS
// page cache is answered on the main thread; one whose block would need the disk goes to the
// thread pool, so the event loop never waits for the disk (native/nowait_fs.h). "On the main
// thread" is observed without timing: the promise settles while only microtasks run, before
// the event loop could deliver any pool completion. Table files are dropped from the page cache with fadvise(DONTNEED)
// (`dd iflag=nocache`) and brought back by reading them.
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
  // Two turns of the loop first: the gets' per-turn budget (lib/get_coalescer.ts) starts afresh.
  for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
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

function settledStore(): string {
  const dir = tempPath('nowait');
  let store = HotStore.openSync(dir);
  store.putManySync(0, Array.from({ length: 400 }, (_, e) => ({ entityId: e, timestamp: 1, vector: vector(e) })));
  store.closeSync();
  store = HotStore.openSync(dir); // the WAL replayed into a table file
  store.closeSync();
  return dir;
}

test('a get whose block is in the page cache, not the block cache, settles on the main thread', async () => {
  const dir = settledStore();
  warm(dir);
  const store = HotStore.openSync(dir, { readOnly: true }); // an empty block cache
  let p: Awaited<ReturnType<HotStore['get']>>;
  expect(await onMainThread(async () => (p = await store.get(10, 0, 1)))).toBe(true);
  expect(Array.from(p!.vector)).toEqual(vector(10));
  let group: Awaited<ReturnType<HotStore['get']>>[] = [];
  expect(await onMainThread(async () => (group = await Promise.all([store.get(100, 0, 1), store.get(200, 0, 1), store.get(201, 0, 2)])))).toBe(true);
  expect(group.map((g) => g && g.vector[0])).toEqual([100, 200, undefined]);
  store.closeSync();
});

test('a get whose block would need the disk goes to the pool, and still answers', async () => {
  const dir = settledStore();
  const store = HotStore.openSync(dir, { readOnly: true });
  evict(dir);
  let p: Awaited<ReturnType<HotStore['get']>>;
  expect(await onMainThread(async () => (p = await store.get(300, 0, 1)))).toBe(false);
  expect(Array.from(p!.vector)).toEqual(vector(300));
  // Now in the block cache: answered on the main thread.
  expect(await onMainThread(() => store.get(300, 0, 1))).toBe(true);
  // A group of one tick with one key on disk goes to the pool as a whole, every answer its own.
  evict(dir);
  let group: Awaited<ReturnType<HotStore['get']>>[] = [];
  expect(await onMainThread(async () => (group = await Promise.all([store.get(300, 0, 1), store.get(50, 0, 1), store.get(51, 0, 9)])))).toBe(false);
  expect(group.map((g) => g && g.vector[0])).toEqual([300, 50, undefined]);
  store.closeSync();
});

test('a loop of awaited gets answered on the main thread still lets the event loop turn', async () => {
  const dir = tempPath('turns');
  const store = HotStore.openSync(dir);
  store.putSync(0, { entityId: 1, timestamp: 1, vector: [1, 2, 3] }); // in the memtable: every get inline
  let turned = false;
  setImmediate(() => {
    turned = true;
  });
  let gets = 0;
  // 50 000 gets take far longer than the 2 ms a turn may answer gets for (lib/get_coalescer.ts).
  while (!turned && gets < 50_000) {
    await store.get(1, 0, 1);
    gets++;
  }
  expect(turned).toBe(true);
  expect(gets).toBeLessThan(50_000);
  store.closeSync();
});
