// A table file whose bytes are damaged on disk (a flipped bit in a data block, media decay)
// is reported, never served: every read that meets the damage fails with CVX_CORRUPTION
// naming the file, verify() fails the same way instead of reporting a smaller, clean store,
// and the process lives on; reads that do not touch the damaged block still answer.
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { tempPath } from './helpers/tmp';

const DIM = 64;
const N = 4000;
const vectorOf = (e: number) => Float32Array.from({ length: DIM }, (_, i) => e + i / 64);

test('a flipped byte in a vectors table file: CVX_CORRUPTION on the reads that meet it, and from verify()', async () => {
  const dir = tempPath('damaged-table');
  const store = HotStore.openSync(dir);
  store.putManySync(0, Array.from({ length: N }, (_, e) => ({ entityId: e, timestamp: 1, vector: vectorOf(e) })));
  store.compactSync();
  store.closeSync();
  // The largest table file holds the vectors; damage one byte in the middle of its data.
  const tables = fs.readdirSync(dir).filter((f) => f.endsWith('.sst'))
    .map((f) => ({ f, size: fs.statSync(path.join(dir, f)).size })).sort((a, b) => b.size - a.size);
  const target = path.join(dir, tables[0].f);
  const bytes = fs.readFileSync(target);
  bytes[Math.floor(bytes.length / 3)] ^= 0x40;
  fs.writeFileSync(target, bytes);

  const damaged = HotStore.openSync(dir);
  try {
    let corrupt = 0;
    let good = 0;
    let aGoodOne = -1;
    for (let e = 0; e < N; e++) {
      try {
        const p = damaged.getSync(e, 0, 1);
        expect(p && Array.from(p.vector)).toEqual(Array.from(vectorOf(e))); // never wrong bytes
        good++;
        aGoodOne = e;
      } catch (err) {
        expect(err).toMatchObject({ code: 'CVX_CORRUPTION', message: expect.stringContaining(tables[0].f) });
        corrupt++;
      }
    }
    expect(corrupt).toBeGreaterThan(0);
    expect(good).toBeGreaterThan(0);
    await expect(damaged.verify()).rejects.toMatchObject({ code: 'CVX_CORRUPTION' });
    // The process lives, and the store still answers where it is whole.
    expect((await damaged.rangeColumns(aGoodOne, 0, 0, 10)).count).toBe(1);
  } finally {
    damaged.closeSync();
  }
});
