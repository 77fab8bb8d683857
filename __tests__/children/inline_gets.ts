// With libuv's only pool thread busy (UV_THREADPOOL_SIZE=1, a long pbkdf2), an async get of a
// point held in memory (memtable, block cache, or the OS page cache) settles at once, and one
// that needs the disk waits for the pool: proof that the first never crosses to the pool and the
// second still does. The table files are dropped from the page cache (fadvise DONTNEED, through
// `dd iflag=nocache`) to make "needs the disk" true. Prints the order in which things settled.
import { execFileSync } from 'child_process';
import { pbkdf2 } from 'crypto';
import { readdirSync } from 'fs';
import { join } from 'path';
import { HotStore } from '../../lib';
import { native } from '../../lib/binding';

const [dir] = process.argv.slice(2);

function busyPool(): Promise<string> {
  return new Promise((resolve) => pbkdf2('x', 'y', 3_000_000, 32, 'sha256', () => resolve('pool')));
}

async function main() {
  let store = HotStore.openSync(dir);
  store.putSync(0, { entityId: 1, timestamp: 1, vector: [1, 2, 3] });
  store.putSync(0, { entityId: 2, timestamp: 1, vector: [4, 5, 6] });
  native.flush(store._handle);
  store.closeSync();
  store = HotStore.openSync(dir); // fresh block cache: entities 1 and 2 are in table files only
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.sst'))) {
    execFileSync('dd', [`if=${join(dir, f)}`, 'iflag=nocache', 'count=0', 'status=none']);
  }
  store.putSync(0, { entityId: 3, timestamp: 1, vector: [7, 8, 9] }); // in the memtable
  const order: string[] = [];
  const note = (what: string) => (v: unknown) => order.push(`${what}:${JSON.stringify(v)}`);
  const pool = busyPool().then(note('pbkdf2'));
  // One at a time: gets of one tick are one read, which the slowest of them would hold back.
  await store.get(3, 0, 1).then((p) => note('memtable')(p && Array.from(p.vector)));
  await store.get(9, 0, 1).then(note('absent')); // the bloom filter answers
  const onDisk = store.get(1, 0, 1).then((p) => note('disk')(p && Array.from(p.vector)));
  await Promise.all([pool, onDisk]);
  // entity 1's block is cached now: a second get of it is answered from memory too
  const again = busyPool().then(note('pbkdf2'));
  const cached = store.get(1, 0, 1).then((p) => note('cached')(p && Array.from(p.vector)));
  await Promise.all([again, cached]);
  await store.close();
  process.stdout.write(order.join(' ') + '\n');
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
