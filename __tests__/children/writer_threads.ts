// Counts this process's writer threads (named cvx-writer, native/writer.cc) around stores'
// lives: a writable store has one, close() ends it, a read-only store has none. Prints JSON.
import * as fs from 'fs';
import { HotStore } from '../../lib';

const [dir] = process.argv.slice(2);
const threads = () =>
  fs.readdirSync('/proc/self/task').filter((t) => {
    try {
      return fs.readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim() === 'cvx-writer';
    } catch {
      return false;  // the thread ended while we looked
    }
  }).length;
const settle = async (want: number) => {
  for (let i = 0; i < 200 && threads() !== want; i++) await new Promise((r) => setTimeout(r, 10));
  return threads();
};

async function main() {
  const base = threads();
  const s = HotStore.openSync(dir);
  await s.put(0, { entityId: 1, timestamp: 2, vector: [1, 2] });
  const open = threads();
  s.closeSync();
  const closedSync = await settle(base);
  const a = await HotStore.open(dir);
  await a.putMany(0, [{ entityId: 1, timestamp: 3, vector: [1, 2] }]);
  const openAsync = threads();
  await a.close();
  const closedAsync = await settle(base);
  const ro = HotStore.openSync(dir, { readOnly: true });
  const readOnly = threads();
  ro.closeSync();
  // Two stores, two writers; both end with their stores.
  const [x, y] = [HotStore.openSync(dir + '-x'), HotStore.openSync(dir + '-y')];
  const two = threads();
  await Promise.all([x.close(), y.close()]);
  const closedBoth = await settle(0);
  console.log(JSON.stringify({ base, open, closedSync, openAsync, closedAsync, readOnly, two, closedBoth }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
