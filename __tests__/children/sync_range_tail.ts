// A sync range whose window held fewer points than expected is a view over a larger buffer;
// the unused tail must be zeros, never what freed memory held before. Memory of the buffer's
// size is filled with a marker and freed before each range, so old contents would show.
// Run with --expose-gc; prints "ok" or throws.
import { HotStore } from '../../lib';

const [dir] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc!;
const DIM = 768;
const wide = (t: number) => Float32Array.from({ length: DIM }, (_, i) => t * 1000 + i);

const store = HotStore.openSync(dir);
// 150 points at even timestamps: the window [0, 199] is expected to hold 150 and holds 100.
for (let t = 0; t < 150; t++) store.putSync(0, { entityId: 3, timestamp: 2 * t, vector: wide(t + 1) });
for (let round = 0; round < 20; round++) {
  for (let k = 0; k < 4; k++) Buffer.allocUnsafeSlow(150 * DIM * 4).fill(0xab);
  gc();
  const cols = store.rangeColumnsSync(3, 0, 0, 199);
  if (cols.count !== 100) throw new Error(`count ${cols.count}`);
  const tail = new Uint8Array(cols.vectors.buffer, cols.vectors.byteOffset + cols.vectors.byteLength);
  if (tail.length === 0) throw new Error('the result has no tail: the test proves nothing');
  const dirty = tail.findIndex((b) => b !== 0);
  if (dirty >= 0) throw new Error(`round ${round}: tail byte ${dirty} of ${tail.length} is ${tail[dirty]}`);
  const last = cols.vectors.subarray(99 * DIM);
  if (last[0] !== 100_000 || last[DIM - 1] !== 100_000 + DIM - 1) throw new Error('last vector is wrong');
}
store.closeSync();
console.log('ok');
