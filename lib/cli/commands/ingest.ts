// `cvx-hot ingest` and `cvx-hot import`: one command shape over lib/cli/ingest.ts, which
// streams NDJSON or a CBOR sequence (an export, for import) into a store.
import { Command, Option } from 'commander';
import { parsePositive, parseSpace, withStore } from '../common';
import { ingest, InputFormat, openInput } from '../ingest';
import { print } from '../output';

function loadCommand(name: string, description: string, defaultFormat: InputFormat): Command {
  return new Command(name)
    .description(description)
    .argument('<db>', 'store directory (created when missing)')
    .argument('<input>', "input file, or - for stdin")
    .addOption(new Option('-s, --space <id>', 'space of records without spaceId').argParser(parseSpace).default(0))
    .addOption(new Option('--format <format>', 'input format (auto: CBOR by file extension or first byte)').choices(['auto', 'ndjson', 'cbor']).default(defaultFormat))
    .addOption(new Option('-b, --batch <n>', 'points per atomic putMany batch').argParser(parsePositive).default(1000))
    .addOption(new Option('--on-error <mode>', 'on a bad record: stop (after writing the records before it) or skip it').choices(['stop', 'skip']).default('stop'))
    .option('--no-progress', 'no progress bar (it is only drawn when stderr is a terminal)')
    .option('-q, --quiet', 'no summary line')
    .action(async (db: string, input: string, o) => {
      const src = openInput(input);
      const r = await withStore(db, 'write', (store) => ingest(store, src, {
        space: o.space, format: o.format, batch: o.batch, onError: o.onError, progress: o.progress, stderr: process.stderr,
      }));
      if (!o.quiet) {
        const rate = r.seconds > 0 ? Math.round(r.written / r.seconds) : r.written;
        print(`${name}: ${r.written} point${r.written === 1 ? '' : 's'} written${r.skipped ? `, ${r.skipped} bad record${r.skipped === 1 ? '' : 's'} skipped` : ''} in ${r.seconds.toFixed(2)} s (${rate} points/s)`);
      }
    });
}

export function ingestCommand(): Command {
  return loadCommand('ingest', 'stream points from NDJSON or a CBOR sequence into a store, in atomic batches', 'auto');
}

export function importCommand(): Command {
  return loadCommand('import', 'load a `cvx-hot export` CBOR sequence (or any ingest input) into a store', 'auto');
}
