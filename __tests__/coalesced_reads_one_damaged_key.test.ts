// Async gets (and getAsOf / getLatest) of one tick are sent as one engine call
// (lib/get_coalescer.ts, lib/as_of_coalescer.ts). A key whose table block is damaged on disk
// fails that call; every other read of the group must still get its own answer, and only the
// damaged key's read its CVX_CORRUPTION. Until 2026-12-03 the whole group rejected: a healthy
// key's get failed with an error about another entity's block.
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { tempPath } from './helpers/tmp';

const DIM = 64;
const N = 4000;
const vectorOf = (e: number) => Float32Array.from({ length: DIM }, (_, i) => e + i / 64);

/** A store whose vectors table file has one flipped byte; a damaged and a healthy entity in it. */
function damagedStore(): { store: HotStore; bad: number[]; good: number[]; file: string } {
  const dir = tempPath('damaged-group');
  const store = HotStore.openSync(dir);
  store.putManySync(0, Array.from({ length: N }, (_, e) => ({ entityId: e, timestamp: 1, vector: vectorOf(e) })));
  store.compactSync();
  store.closeSync();
  const tables = fs.readdirSync(dir).filter((f) => f.endsWith('.sst'))
    .map((f) => ({ f, size: fs.statSync(path.join(dir, f)).size })).sort((a, b) => b.size - a.size);
  const target = path.join(dir, tables[0].f);
  const bytes = fs.readFileSync(target);
  bytes[Math.floor(bytes.length / 3)] ^= 0x40;
  fs.writeFileSync(target, bytes);
  const damaged = HotStore.openSync(dir);
  const bad: number[] = [];
  const good: number[] = [];
  for (let e = 0; e < N; e++) {
    try {
      damaged.getSync(e, 0, 1);
      good.push(e);
    } catch {
      bad.push(e);
    }
  }
  return { store: damaged, bad, good, file: tables[0].f };
}

test('one damaged key in a tick of gets and of getAsOf: only its read fails; the others answer', async () => {
  const { store, bad, good, file } = damagedStore();
  try {
    expect(bad.length).toBeGreaterThan(0);
    expect(good.length).toBeGreaterThan(1);
    const healthy = [good[0], good[good.length - 1]];
    const ids = [healthy[0], bad[0], healthy[1]];
    const gets = await Promise.allSettled(ids.map((e) => store.get(e, 0, 1)));
    const asOfs = await Promise.allSettled(ids.map((e) => store.getAsOf(e, 0, 5)));
    for (const results of [gets, asOfs]) {
      expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'CVX_CORRUPTION', message: expect.stringContaining(file) } });
      for (const i of [0, 2]) {
        expect(results[i].status).toBe('fulfilled');
        const p = (results[i] as PromiseFulfilledResult<{ vector: Float32Array } | undefined>).value;
        expect(p && Array.from(p.vector)).toEqual(Array.from(vectorOf(ids[i])));
      }
    }
  } finally {
    store.closeSync();
  }
});
