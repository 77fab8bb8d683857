// A writer that keeps a store busy for the readers beside it: batch after batch of putMany
// (busy_protocol.ts says what batch b holds), printing `ack <b>` with a synchronous write(2)
// once batch b is acknowledged. Mode argv[3] `compact:N` compacts every N batches, which
// flushes the memtables, switches WAL files and deletes the table files it merged; `reopen:N`
// closes and reopens the store every N batches, and every open starts a new MANIFEST. Runs
// until killed; each open resumes after the last batch the store holds (entity 0 has one point
// per batch).
import { writeSync } from 'fs';
import { HotStore } from '../../lib';
import { batchPoints, SPACE } from './busy_protocol';

const [dir, modeText] = process.argv.slice(2);
const [mode, everyText] = (modeText ?? 'compact:5').split(':');
const every = Number(everyText) || 5;

async function main() {
  let store = await HotStore.open(dir);
  writeSync(1, 'open\n');
  const resume = (await store.getTimeline(0, SPACE))?.pointCount ?? 0;
  for (let b = resume; ; b++) {
    await store.putMany(SPACE, batchPoints(b));
    writeSync(1, `ack ${b}\n`);
    if (b % every !== every - 1) continue;
    if (mode === 'reopen') {
      await store.close();
      store = await HotStore.open(dir);
    } else {
      await store.compact();
    }
  }
}

main().catch((e) => {
  writeSync(2, `busy writer failed: ${e?.code ?? ''} ${e?.message ?? e}\n`);
  process.exit(1);
});
