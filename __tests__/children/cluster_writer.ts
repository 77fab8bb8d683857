// A writer process on the test cluster, for the multi-process tests (cluster_writers.test.ts).
// argv: addresses (comma-separated), key prefix, mode, mode's arguments. Prints one JSON line.
//   dim <space> <dim>          the space's first write, of dimension <dim>: { ok } or { code }
//   ingest <entity> <seed>     every timestamp of [0, 500) once, in a shuffled order, by put and putMany
//   deleteRange <entity> <start> <end>   { removed }
import { RedisClusterStore } from '../../lib';
import { mulberry32 } from '../../lib/prng';

async function main(): Promise<unknown> {
  const [addresses, keyPrefix, mode, ...args] = process.argv.slice(2);
  const store = await RedisClusterStore.connect(addresses.split(','), { keyPrefix, timeoutMs: 20_000 });
  try {
    if (mode === 'dim') {
      const [space, dim] = args.map(Number);
      try {
        await store.put(space, { entityId: process.pid, timestamp: 1, vector: new Float32Array(dim).fill(1) });
        return { ok: true, dim };
      } catch (e) {
        return { code: (e as { code?: string }).code, dim };
      }
    }
    if (mode === 'ingest') {
      const [entity, seed] = args.map(Number);
      const rnd = mulberry32(seed);
      const ts = Array.from({ length: 500 }, (_, i) => i);
      for (let i = ts.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [ts[i], ts[j]] = [ts[j], ts[i]];
      }
      const work: Array<Promise<void>> = [];
      for (let i = 0; i < ts.length; i += 5) {
        const chunk = ts.slice(i, i + 5).map((t) => ({ entityId: entity, timestamp: t, vector: [seed, t] }));
        work.push(i % 10 === 0 ? store.putMany(0, chunk) : Promise.all(chunk.map((p) => store.put(0, p))).then(() => undefined));
      }
      await Promise.all(work);
      return { ok: true };
    }
    if (mode === 'deleteRange') {
      const [entity, start, end] = args.map(Number);
      return { removed: await store.deleteRange(entity, 0, start, end) };
    }
    throw new Error(`unknown mode ${mode}`);
  } finally {
    await store.close();
  }
}

main().then((r) => console.log(JSON.stringify(r)), (e) => {
  console.error(e);
  process.exit(1);
});
