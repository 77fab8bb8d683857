// One million operations (dim 4) against one store, sampling RSS after a forced GC every
// 50k operations; prints the samples as JSON. Run with --expose-gc. The key space is
// bounded (1000 entities × 100 timestamps) and memtables are flushed every 100k operations,
// so RocksDB's own memory is bounded too and any steady growth is ours (a leaked job,
// buffer, reference or handle per operation).
import { native } from '../../lib/binding';
import { HotStore } from '../../lib';

const [dir, totalText] = process.argv.slice(2);
const TOTAL = Number(totalText ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc!;

async function main() {
  const store = HotStore.openSync(dir);
  const v = new Float32Array([1, 2, 3, 4]);
  const samples: Array<[number, number]> = [];
  let ops = 0;
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  while (ops < TOTAL) {
    // 1000 ops: ~90% synchronous of every kind, then 100 async ones concurrently.
    for (let k = 0; k < 900; k++, ops++) {
      const r = next();
      const e = r % 1000;
      const t = (r >>> 10) % 100;
      switch (r % 10) {
        case 0: case 1: case 2: case 3: v[0] = ops; store.putSync(0, { entityId: e, timestamp: t, vector: v }); break;
        case 4: case 5: store.getSync(e, 0, t); break;
        case 6: store.rangeSync(e, 0, 0, 99, { limit: 10 }); break;
        case 7: store.deleteSync(e, 0, t); break;
        case 8: store.getTimelineSync(e, 0); break;
        case 9: store.putManySync(0, { entityIds: [e, e, e], timestamps: [t, t + 1, t + 2], vectors: new Float32Array(12), dim: 4 }); break;
      }
    }
    const ps: Promise<unknown>[] = [];
    for (let k = 0; k < 100; k++, ops++) {
      const r = next();
      const e = r % 1000;
      const t = (r >>> 10) % 100;
      ps.push(k % 2 ? store.put(0, { entityId: e, timestamp: t, vector: v }) : k % 4 ? store.get(e, 0, t) : store.rangeColumns(e, 0, 0, 99, { limit: 5 }));
    }
    await Promise.all(ps);
    if (ops % 100_000 === 0) native.flush(store._handle);
    if (ops % 50_000 === 0) {
      gc();
      samples.push([ops, process.memoryUsage().rss]);
    }
  }
  const ok = store.verifySync().ok;
  await store.close();
  process.stdout.write(JSON.stringify({ samples, ok }));
}

main().catch((e) => {
  process.stderr.write(`${e?.code} ${e?.stack}\n`);
  process.exit(3);
});
