// `cvx-hot ingest` and `cvx-hot import`: one command shape over lib/cli/ingest.ts, which
// streams NDJSON or a CBOR sequence (an export, for import) into a store. An export is
// checked whole before anything is written (lib/cli/staging.ts); a failed load into a
// directory the command created leaves no empty store behind.
import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import { parsePositive, parseSpace, withStore } from '../common';
import { ingest, IngestProgress, newProgress } from '../ingest';
import { InputFormat, openInput } from '../input';
import { print } from '../output';
import { stageInput } from '../staging';

/** The topmost directory of `dir` that does not exist yet (what opening it would create). */
function firstMissing(dir: string): string | undefined {
  let missing: string | undefined;
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) {
    missing = d;
    if (path.dirname(d) === d) break;
  }
  return missing;
}

const describeProgress = (p: IngestProgress) =>
  `${p.written} point${p.written === 1 ? '' : 's'} written${p.skipped ? `, ${p.skipped} skipped` : ''}, ${p.what} ${p.at} reached`;

function loadCommand(name: string, description: string, defaultFormat: InputFormat, bulkDefault: boolean): Command {
  const cmd = new Command(name)
    .description(description)
    .argument('<db>', 'store directory (created when missing)')
    .argument('<input>', 'input file, pipe or FIFO, or - for stdin')
    .addOption(new Option('-s, --space <id>', 'space of records without spaceId').argParser(parseSpace).default(0))
    .addOption(new Option('--format <format>', 'input format (auto: CBOR by file extension or first byte)').choices(['auto', 'ndjson', 'cbor']).default(defaultFormat))
    .addOption(new Option('-b, --batch <n>', 'points per atomic putMany batch').argParser(parsePositive).default(1000))
    .addOption(new Option('--on-error <mode>', 'on a bad record: stop (after writing the records before it) or skip it').choices(['stop', 'skip']).default('stop'))
    .option('--bulk', 'load through bulkLoad (sorted table files ingested at once, per space all or nothing) instead of putMany batches', bulkDefault)
    .option('--partial', 'import the whole points of a cut export instead of refusing it (they cannot be verified)')
    .option('--no-progress', 'no progress bar (it is only drawn when stderr is a terminal)')
    .option('-q, --quiet', 'no summary line')
    .action(async (db: string, input: string, o) => {
      const staged = await stageInput(openInput(input), { format: o.format, partial: !!o.partial, stderr: process.stderr });
      const created = firstMissing(db);
      const progress = newProgress();
      const t0 = performance.now();
      let opened = false;
      try {
        await withStore(db, 'write', (store) => {
          opened = true;
          return ingest(store, staged, { space: o.space, batch: o.batch, bulk: !!o.bulk, onError: o.onError, progress: o.progress, stderr: process.stderr }, progress);
        }, () => describeProgress(progress));
      } catch (e) {
        // Only a store this command created and held: nobody else can have written to it.
        if (created && opened && progress.written === 0) fs.rmSync(created, { recursive: true, force: true });
        throw e;
      } finally {
        staged.cleanup();
      }
      if (!o.quiet) {
        const seconds = (performance.now() - t0) / 1000;
        const { written, skipped } = progress;
        const rate = seconds > 0 ? Math.round(written / seconds) : written;
        print(`${name}: ${written} point${written === 1 ? '' : 's'} written${o.bulk ? ' (bulk load)' : ''}${skipped ? `, ${skipped} bad record${skipped === 1 ? '' : 's'} skipped` : ''} in ${seconds.toFixed(2)} s (${rate} points/s)`);
      }
    });
  if (bulkDefault) cmd.option('--no-bulk', 'write in putMany batches (--batch) instead of one bulk load');
  return cmd;
}

export function ingestCommand(): Command {
  return loadCommand('ingest', 'stream points from NDJSON or a CBOR sequence into a store, in atomic batches (or one bulk load: --bulk)', 'auto', false);
}

export function importCommand(): Command {
  return loadCommand('import', 'load a `cvx-hot export` CBOR sequence (checked whole first) or any ingest input into a store, through bulkLoad', 'auto', true);
}
