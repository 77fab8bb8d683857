// `cvx-hot export`: a store (or one space) as a CBOR sequence to a file or stdout (the
// format is lib/cli/export_format.ts's, the writing lib/cli/export_output.ts's).
import { Command, Option } from 'commander';
import { parseSpace, withStore } from '../common';
import { exportStore, ExportProgress } from '../export';
import { exportToFile, exportToStdout, refuseTerminal } from '../export_output';
import type { Sink } from '../sink';
import { storeCommand } from './options';

export function exportCommand(): Command {
  return storeCommand('export', 'write every point (or one space) as a verifiable CBOR sequence, streaming')
    .argument('[output]', 'output file, or - for stdout', '-')
    .addOption(new Option('-s, --space <id>', 'only this space').argParser(parseSpace))
    .option('-q, --quiet', 'no summary line on stderr')
    .action(async (db: string, output: string, o) => {
      if (output === '-') refuseTerminal();
      const progress: ExportProgress = { points: 0 };
      await withStore(db, 'read', (store) => {
        const body = (sink: Sink) => exportStore(store, sink, progress, o.space);
        return output === '-' ? exportToStdout(progress, body) : exportToFile(output, progress, body);
      });
      const n = progress.points;
      if (!o.quiet) process.stderr.write(`export: ${n} point${n === 1 ? '' : 's'}\n`);
    });
}
