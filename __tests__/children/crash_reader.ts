// Reader of the crash test's full-disk mode: started beside a crash-test writer, it waits for
// a line "go" on stdin, prints `R <ns>` (the monotonic time it began, comparable with the
// writer's acknowledgements), opens the store read-only, reads the writer's whole domain and
// prints `V <lane> <view>` per lane, then `D <verify ok> <issues>`. Any error: `E <code> <message>`.
// argv: <db>.
import { writeSync } from 'fs';
import * as readline from 'readline';
import { HotStore } from '../../lib';
import { LANES, laneView, readAll } from './crash_protocol';

const [dir] = process.argv.slice(2);
const out = (line: string) => writeSync(1, `${line}\n`);

async function main(): Promise<void> {
  const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  if ((await lines.next()).value !== 'go') return;
  out(`R ${process.hrtime.bigint()}`);
  const store = HotStore.openSync(dir, { readOnly: true });
  const all = readAll(store);
  for (let lane = 0; lane < LANES; lane++) out(`V ${lane} ${laneView(all, lane)}`);
  const report = store.verifySync();
  store.closeSync();
  out(`D ${report.ok} ${JSON.stringify(report.issues.slice(0, 3))}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    out(`E ${(e as { code?: string }).code} ${String((e as Error).message).replace(/\n/g, ' ')}`);
    process.exit(0);
  },
);
