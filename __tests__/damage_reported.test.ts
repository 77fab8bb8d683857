// Damage is reported, never served as a smaller store: each describe stages one kind of damage
// to a real store's files (a deleted or cut WAL after a clean close, a flipped byte in the
// middle of a WAL, a torn WAL tail, a cut MANIFEST) and checks what the next open does: it
// loses nothing, or it refuses with CVX_CORRUPTION naming the file and leaves every file in
// place, or (salvage, rebuild) it opens on request and reports what was dropped.
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { tempPath } from './helpers/tmp';

const DIM = 8;
const vec = (e: number, t: number) => Float32Array.from({ length: DIM }, (_, i) => e * 1000 + t + i / 8);

/** Writes `batches` putMany batches of `per` points (entity = batch, timestamps 0..per-1). */
function fill(store: HotStore, batches: number, per: number, first = 0): void {
  for (let b = first; b < first + batches; b++) {
    store.putManySync(0, Array.from({ length: per }, (_, t) => ({ entityId: b, timestamp: t, vector: vec(b, t) })));
  }
}

/** How many of the points fill() wrote are there, with their exact values. */
function countIntact(store: HotStore, batches: number, per: number, first = 0): number {
  let n = 0;
  for (let b = first; b < first + batches; b++) {
    for (const p of store.rangeSync(b, 0, 0, per)) {
      if (Array.from(p.vector).join() === Array.from(vec(b, p.timestamp as number)).join()) n++;
    }
  }
  return n;
}

const files = (dir: string, re: RegExp) => fs.readdirSync(dir).filter((f) => re.test(f)).map((f) => path.join(dir, f));

describe('flush on close: a cleanly closed store keeps nothing only in its WAL', () => {
  for (const damage of ['deleted', 'cut in half', 'emptied'] as const) {
    test(`the WAL ${damage} after a clean close loses no point`, () => {
      const dir = tempPath('damage-close');
      const store = HotStore.openSync(dir);
      fill(store, 20, 100);
      store.closeSync();
      const wals = files(dir, /\.log$/);
      for (const w of wals) {
        if (damage === 'deleted') fs.rmSync(w);
        else fs.truncateSync(w, damage === 'emptied' ? 0 : Math.floor(fs.statSync(w).size / 2));
      }
      const again = HotStore.openSync(dir);
      try {
        expect(countIntact(again, 20, 100)).toBe(2000);
        expect(again.verifySync().ok).toBe(true);
      } finally {
        again.closeSync();
      }
    });
  }

  test('the async close flushes too', async () => {
    const dir = tempPath('damage-close-async');
    const store = await HotStore.open(dir);
    fill(store, 5, 50);
    await store.close();
    for (const w of files(dir, /\.log$/)) fs.rmSync(w);
    const again = await HotStore.open(dir, { readOnly: true });
    try {
      expect(countIntact(again, 5, 50)).toBe(250);
    } finally {
      await again.close();
    }
  });
});
