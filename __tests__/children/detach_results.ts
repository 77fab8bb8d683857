// A caller transfers the ArrayBuffer behind a read result away (postMessage / structuredClone
// with a transfer list), which detaches the shared result slab under the addon. Later reads
// must notice and carve from a new slab, never write into the detached one. Prints "ok".
import { HotStore } from '../../lib';

const [dir] = process.argv.slice(2);
const DIM = 8;
const expected = (e: number, t: number) => Array.from({ length: DIM }, (_, i) => e * 1000 + t + i / 8);

function check(got: ArrayLike<number> | undefined, e: number, t: number) {
  const want = expected(e, t);
  if (!got || got.length !== DIM || want.some((x, i) => Math.fround(x) !== got[i])) {
    throw new Error(`entity ${e} at ${t}: got ${got && Array.from(got)}, want ${want}`);
  }
}

async function main() {
  const store = HotStore.openSync(dir);
  for (let e = 0; e < 4; e++) {
    for (let t = 0; t < 50; t++) store.putSync(0, { entityId: e, timestamp: t, vector: expected(e, t) });
  }
  for (let round = 0; round < 50; round++) {
    const a = store.getSync(round % 4, 0, round)!;
    const b = store.getSync((round + 1) % 4, 0, round)!;
    if (a.vector.buffer !== b.vector.buffer) throw new Error('consecutive small results should share a slab');
    structuredClone(a.vector.buffer, { transfer: [a.vector.buffer as ArrayBuffer] });
    if (a.vector.length !== 0 || b.vector.length !== 0) throw new Error('transfer should detach the whole slab');
    for (let t = 0; t < 50; t++) check(store.getSync(round % 4, 0, t)!.vector, round % 4, t);
    check((await store.get(1, 0, round))!.vector, 1, round);
    const cols = store.rangeColumnsSync(2, 0, 0, 3);
    for (let k = 0; k < 4; k++) check(cols.vectors.subarray(k * DIM, (k + 1) * DIM), 2, k);
    // Detach once more from an async result, between reads of every shape.
    const c = (await store.rangeColumns(3, 0, 10, 11)).vectors;
    structuredClone(c.buffer, { transfer: [c.buffer as ArrayBuffer] });
    (await store.range(3, 0, 0, 49)).forEach((p, t) => check(p.vector, 3, t));
  }
  await store.close();
  process.stdout.write('ok\n');
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
