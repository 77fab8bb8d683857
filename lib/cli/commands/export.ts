// `cvx-hot export`: a store (or one space) as a CBOR sequence to a file or stdout
// (the format is lib/cli/export.ts's).
import * as fs from 'fs';
import { Command, Option } from 'commander';
import { CliError, EXIT_USAGE, parseSpace, withStore } from '../common';
import { exportStore } from '../export';
import { stdout } from '../output';
import { storeCommand } from './options';

export function exportCommand(): Command {
  return storeCommand('export', 'write every point (or one space) as a CBOR sequence, streaming')
    .argument('[output]', 'output file, or - for stdout', '-')
    .addOption(new Option('-s, --space <id>', 'only this space').argParser(parseSpace))
    .option('-q, --quiet', 'no summary line on stderr')
    .action(async (db: string, output: string, o) => {
      if (output === '-' && stdout.isTTY) throw new CliError('refusing to write binary CBOR to a terminal; give a file or redirect stdout', EXIT_USAGE);
      const n = await withStore(db, 'read', async (store) => {
        if (output === '-') return exportStore(store, stdout, o.space);
        const file = fs.createWriteStream(output);
        try {
          return await exportStore(store, file, o.space);
        } finally {
          await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
        }
      });
      if (!o.quiet) process.stderr.write(`export: ${n} point${n === 1 ? '' : 's'}\n`);
    });
}
