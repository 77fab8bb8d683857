// Thousands of mixed async operations in flight, close() in the middle of issuing them,
// more after it. Every promise must settle, each either resolved or CVX_NOT_OPEN; prints
// the tally. Run in its own process: a crash or a hang is the failure being looked for.
import { HotStore } from '../../lib';

const [dir, closeAtText] = process.argv.slice(2);
const TOTAL = 6000;
const closeAt = Number(closeAtText);

async function main() {
  const store = await HotStore.open(dir);
  store.putSync(0, { entityId: 0, timestamp: 0, vector: [1, 2, 3, 4] });
  const all: Promise<unknown>[] = [];
  let closing: Promise<void> | undefined;
  for (let i = 0; i < TOTAL; i++) {
    if (i === closeAt) closing = store.close();
    const e = i % 17;
    switch (i % 8) {
      case 0: all.push(store.put(0, { entityId: e, timestamp: i, vector: [i, 1, 2, 3] })); break;
      case 1: all.push(store.putMany(0, [{ entityId: e, timestamp: -i, vector: [i, 1, 2, 3] }, { entityId: e + 1, timestamp: i, vector: [0, 1, 2, 3] }])); break;
      case 2: all.push(store.get(e, 0, i - 2)); break;
      case 3: all.push(store.range(e, 0, -i, i, { limit: 50 })); break;
      case 4: all.push(store.delete(e, 0, i - 4)); break;
      case 5: all.push(store.getTimeline(e, 0)); break;
      case 6: all.push(store.rangeColumns(e, 0, -i, i, { reverse: true })); break;
      case 7: all.push(i % 800 === 7 ? store.verify() : store.getTimeline(e + 1, 0)); break;
    }
    if (i > closeAt && i % 500 === 0) all.push(store.close()); // repeated close() is idempotent
  }
  const settled = await Promise.allSettled(all);
  await closing;
  const tally: Record<string, number> = {};
  for (const s of settled) {
    const key = s.status === 'fulfilled' ? 'resolved' : String((s.reason as { code?: string }).code ?? (s.reason as Error).message);
    tally[key] = (tally[key] ?? 0) + 1;
  }
  const after = HotStore.openSync(dir);
  const report = after.verifySync();
  after.closeSync();
  process.stdout.write(JSON.stringify({ tally, settled: settled.length, verifyOk: report.ok }));
}

main().catch((e) => {
  process.stderr.write(`${e?.code} ${e?.stack}\n`);
  process.exit(3);
});
