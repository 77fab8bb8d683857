// close() with operations of one kind (argv[3]) in flight, in its own process because the
// failure mode under test is a crash. Prints a JSON summary: how each admitted operation
// settled and whether its result was right, and what calls after close() did.
import { HotStore } from '../../lib';

const [dir, op] = process.argv.slice(2);
const N = 400;
const DIM = 32;
const vec = (i: number) => new Float32Array(DIM).fill(i);

async function main() {
  const store = HotStore.openSync(dir);
  for (let b = 0; b < 4; b++) {
    store.putManySync(0, Array.from({ length: 500 }, (_, i) => ({ entityId: 1, timestamp: b * 500 + i, vector: vec(b * 500 + i) })));
  }
  // Each op resolves to true when its result is exactly right.
  const one = (i: number): Promise<boolean> => {
    switch (op) {
      case 'get': return store.get(1, 0, i).then((p) => p!.vector[0] === i);
      case 'getMany': return store.getMany(0, [{ entityId: 1, timestamp: i }, { entityId: 1, timestamp: -1 }, { entityId: 1, timestamp: i + 1000 }])
        .then(([a, b, c]) => a!.vector[0] === i && b === undefined && c!.vector[DIM - 1] === i + 1000);
      case 'put': return store.put(0, { entityId: 2, timestamp: i, vector: vec(i) }).then(() => true);
      case 'putMany': return store.putMany(0, [{ entityId: 3, timestamp: i, vector: vec(i) }, { entityId: 3, timestamp: -i - 1, vector: vec(i) }]).then(() => true);
      case 'delete': return store.delete(1, 0, i).then((removed) => removed === true);
      case 'range': return store.range(1, 0, 1000, 1499).then((ps) => ps.length === 500 && ps[499].vector[0] === 1499);
      case 'rangeColumns': return store.rangeColumns(1, 0, 1000, 1499).then((c) => c.count === 500 && c.vectors[499 * DIM] === 1499);
      case 'getTimeline': return store.getTimeline(1, 0).then((t) => t!.pointCount === 2000);
      case 'verify': return store.verify().then((r) => r.ok);
      default: throw new Error(`unknown op ${op}`);
    }
  };
  const pending = Array.from({ length: N }, (_, i) => one(i));
  const closing = store.close();
  const late = one(0).then(() => 'resolved', (e) => e.code);
  const settled = await Promise.allSettled(pending);
  await closing;
  const summary = {
    ok: settled.filter((s) => s.status === 'fulfilled' && s.value === true).length,
    wrong: settled.filter((s) => s.status === 'fulfilled' && s.value !== true).length,
    rejected: settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason?.code)),
    late: await late,
    isOpen: store.isOpen,
    persisted: -1,
  };
  // Writes acknowledged before close must be on disk.
  const again = HotStore.openSync(dir);
  if (op === 'put') summary.persisted = again.getTimelineSync(2, 0)?.pointCount ?? 0;
  if (op === 'putMany') summary.persisted = again.getTimelineSync(3, 0)?.pointCount ?? 0;
  if (op === 'delete') summary.persisted = 2000 - (again.getTimelineSync(1, 0)?.pointCount ?? 0);
  again.closeSync();
  process.stdout.write(JSON.stringify(summary));
}

main().catch((e) => {
  process.stderr.write(`${e?.code} ${e?.stack}\n`);
  process.exit(3);
});
