// A writer for the replication test (replication_processes.test.ts): random put, putMany,
// delete, deleteRange and bulkLoad (into the non-empty spaces, overlapping their points or not:
// a load bypasses the WAL, so a consumer's feed breaks and it must resync; only with argv[5]
// `bulk`) on the store at argv[2] (opened with WAL retention, so a consumer can
// resume after a restart), seeded by argv[3]. argv[4] `forever` writes until killed (printing
// `ack <n>` with a synchronous write(2) after each acknowledged write), a number writes that
// many operations, closes, and prints `done <latest sequence>`. Every 50 operations it compacts
// (flushes and switches WAL files), so the feed reads across files and from the archive.
import { writeSync } from 'fs';
import { HotStore } from '../../lib';
import { mulberry32 } from '../../lib/prng';

const [dir, seedText, countText, bulkText] = process.argv.slice(2);
const rnd = mulberry32(Number(seedText));
const int = (n: number) => Math.floor(rnd() * n);
const vec = () => Array.from({ length: 4 }, () => rnd() * 2 - 1);

async function step(store: HotStore): Promise<void> {
  const kind = int(bulkText === 'bulk' ? 11 : 10);
  const entityId = int(40);
  if (kind === 10) {
    // Half of the loads overlap the stored points (the ingest takes a sequence), half land past
    // every stored timestamp (it takes none): both must break the feed, never pass silently.
    const from = int(2) === 0 ? 0 : 1000 + int(100000);
    const points = Array.from({ length: 1 + int(40) }, () => ({ entityId: int(40), timestamp: from + int(100), vector: vec() }));
    await store.bulkLoad(int(2), points);
  } else if (kind < 4) {
    await Promise.all(Array.from({ length: 1 + int(3) }, () => store.put(0, { entityId: int(40), timestamp: int(100), vector: vec() })));
  } else if (kind < 7) {
    await store.putMany(int(2), Array.from({ length: 1 + int(20) }, () => ({ entityId: int(40), timestamp: int(100), vector: vec() })));
  } else if (kind < 9) {
    await store.delete(entityId, int(2), int(100));
  } else {
    const start = int(100);
    await store.deleteRange(entityId, int(2), start, start + int(30));
  }
}

async function main() {
  const store = await HotStore.open(dir, { walTtlSeconds: 3600 });
  const count = countText === 'forever' ? Infinity : Number(countText);
  for (let n = 0; n < count; n++) {
    await step(store);
    if (n % 50 === 49) await store.compact();
    if (count === Infinity) writeSync(1, `ack ${n}\n`);
  }
  const latest = await store.latestSequence();
  await store.close();
  writeSync(1, `done ${latest}\n`);
}

main().catch((e) => {
  writeSync(2, `feed writer failed: ${e?.code ?? ''} ${e?.message ?? e}\n`);
  process.exit(1);
});
