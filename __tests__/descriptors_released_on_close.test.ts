// A closed store holds no file descriptor into its directory, before any garbage collection:
// a caller that closes a store and then unmounts, deletes or moves its filesystem must not
// find it busy. Until 2026-12-03 the options kept the info log's file (LOG) open until the
// JS handle was collected, so `umount` failed with "target is busy".
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { tempPath } from './helpers/tmp';

/** The descriptors of this process open on files under `dir`. */
function descriptorsUnder(dir: string): string[] {
  const real = fs.realpathSync(dir);
  const out: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(path.join('/proc/self/fd', fd));
      if (target.startsWith(real + path.sep)) out.push(target);
    } catch {
      // closed between the listing and the readlink
    }
  }
  return out;
}

test.each([
  ['closeSync()', (s: HotStore) => Promise.resolve(s.closeSync())],
  ['close()', (s: HotStore) => s.close()],
])('after %s, no descriptor points into the store directory', async (_name, close) => {
  const dir = tempPath('fds');
  const store = HotStore.openSync(dir);
  store.putSync(0, { entityId: 1, timestamp: 1, vector: new Float32Array([1, 2]) });
  expect(descriptorsUnder(dir).length).toBeGreaterThan(0); // the check sees an open store's files
  await close(store);
  expect(descriptorsUnder(dir)).toEqual([]);
  // A read-only open is released the same way.
  const reader = HotStore.openSync(dir, { readOnly: true });
  reader.closeSync();
  expect(descriptorsUnder(dir)).toEqual([]);
});
