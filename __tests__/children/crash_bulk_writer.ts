// Crash-test child for bulkLoad: bulk-loads generation after generation into the store at
// argv[2], starting at generation argv[3], and prints `B <g>` before each load and `A <g>`
// once it resolved, `E <g>` when its source has been read (synchronous write(2): the parent never sees an ack the process did not
// reach). The parent SIGKILLs it at a random moment; bulk_crash.ts says what each generation holds.
import { writeSync } from 'fs';
import { HotStore } from '../../lib';
import { BULK_MEMORY, generation } from './bulk_crash';

const [dir, firstText] = process.argv.slice(2);
const out = (line: string) => writeSync(1, `${line}\n`);

(async () => {
  const store = await HotStore.open(dir);
  out('O');
  for (let g = Number(firstText); ; g++) {
    out(`B ${g}`);
    // `E <g>` once the source is read: the load's merge and ingest start now.
    const source = (function* () {
      yield* generation(g);
      out(`E ${g}`);
    })();
    await store.bulkLoad(0, source, { memoryBytes: BULK_MEMORY });
    out(`A ${g}`);
  }
})().catch((e) => {
  out(`F ${(e as { code?: string }).code} ${(e as Error).message}`);
  process.exit(3);
});
