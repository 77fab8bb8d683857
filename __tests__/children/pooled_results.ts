// Async range results are handed to JS without a copy, over memory that returns to the
// store's ResultPool when JS collects them (native/result_pool.h). Results still referenced
// must never be reused, not across garbage collections, not after close(). Run with
// --expose-gc; prints "ok".
import { HotStore } from '../../lib';

const [dir] = process.argv.slice(2);
const DIM = 128; // 200 points x 512 bytes: above the slab and the pool's minimum
const POINTS = 200;
const gc = (globalThis as { gc?: () => void }).gc!;
const value = (e: number, t: number, i: number) => e * 100000 + t * 100 + (i % 100);

function check(vectors: Float32Array, e: number, from: number, count: number, what: string) {
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < DIM; i += 17) {
      const got = vectors[k * DIM + i];
      if (got !== value(e, from + k, i)) throw new Error(`${what}: entity ${e} point ${from + k}[${i}] is ${got}`);
    }
  }
}

async function main() {
  const store = HotStore.openSync(dir);
  for (let e = 0; e < 4; e++) {
    store.putManySync(0, Array.from({ length: POINTS }, (_, t) => ({
      entityId: e, timestamp: t, vector: Float32Array.from({ length: DIM }, (_, i) => value(e, t, i)),
    })));
  }
  const kept: Array<{ e: number; vectors: Float32Array }> = [];
  for (let round = 0; round < 400; round++) {
    const e = round % 4;
    if (round % 3 === 0) {
      const pts = await store.range(e, 0, 0, POINTS - 1);
      check(pts[POINTS - 1].vector, e, POINTS - 1, 1, 'range');
    } else {
      const cols = await store.rangeColumns(e, 0, 0, POINTS - 1);
      check(cols.vectors, e, 0, POINTS, 'rangeColumns');
      if (round % 7 === 0) kept.push({ e, vectors: cols.vectors });
    }
    if (round % 25 === 0) {
      gc();
      await new Promise((r) => setImmediate(r)); // lets finalizers of collected results run
      for (const k of kept) check(k.vectors, k.e, 0, POINTS, `kept result at round ${round}`);
    }
  }
  await store.close();
  gc();
  await new Promise((r) => setImmediate(r));
  for (const k of kept) check(k.vectors, k.e, 0, POINTS, 'kept result after close');
  process.stdout.write(`ok ${kept.length}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
