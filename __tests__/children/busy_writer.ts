// A writer that keeps a store busy for the readers beside it: batch after batch of putMany
// (busy_protocol.ts says what batch b holds), printing `ack <b>` with a synchronous write(2)
// once batch b is acknowledged, and compacting every argv[3] batches, which flushes the
// memtables, switches WAL files and deletes the table files it merged. Runs until killed; a
// new run resumes after the last batch the store holds (entity 0 has one point per batch).
import { writeSync } from 'fs';
import { HotStore } from '../../lib';
import { batchPoints, SPACE } from './busy_protocol';

const [dir, compactEveryText] = process.argv.slice(2);
const compactEvery = Number(compactEveryText) || 5;

async function main() {
  const store = await HotStore.open(dir);
  writeSync(1, 'open\n');
  const resume = (await store.getTimeline(0, SPACE))?.pointCount ?? 0;
  for (let b = resume; ; b++) {
    await store.putMany(SPACE, batchPoints(b));
    writeSync(1, `ack ${b}\n`);
    if (b % compactEvery === compactEvery - 1) await store.compact();
  }
}

main().catch((e) => {
  writeSync(2, `busy writer failed: ${e?.code ?? ''} ${e?.message ?? e}\n`);
  process.exit(1);
});
