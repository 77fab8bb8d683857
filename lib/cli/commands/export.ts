// `cvx-hot export`: a store (or one space) as a CBOR sequence to a file or stdout (the
// format is lib/cli/export_format.ts's). A failed export exits 1 and says how far it got,
// and leaves no cut file looking like a backup.
import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import type { HotStore } from '../../store';
import { CliError, describeError, EXIT_USAGE, parseSpace, withStore } from '../common';
import { exportStore, ExportProgress } from '../export';
import { stdout, stdoutMustComplete } from '../output';
import { Sink } from '../sink';
import { storeCommand } from './options';

export function exportCommand(): Command {
  return storeCommand('export', 'write every point (or one space) as a verifiable CBOR sequence, streaming')
    .argument('[output]', 'output file, or - for stdout', '-')
    .addOption(new Option('-s, --space <id>', 'only this space').argParser(parseSpace))
    .option('-q, --quiet', 'no summary line on stderr')
    .action(async (db: string, output: string, o) => {
      if (output === '-' && stdout.isTTY) throw new CliError('refusing to write binary CBOR to a terminal; give a file or redirect stdout', EXIT_USAGE);
      const progress: ExportProgress = { points: 0 };
      await withStore(db, 'read', (store) => (output === '-' ? toStdout(store, progress, o.space) : toFile(store, output, progress, o.space)));
      const n = progress.points;
      if (!o.quiet) process.stderr.write(`export: ${n} point${n === 1 ? '' : 's'}\n`);
    });
}

async function toStdout(store: HotStore, progress: ExportProgress, space?: number): Promise<void> {
  stdoutMustComplete();
  const sink = new Sink(stdout);
  try {
    await exportStore(store, sink, progress, space);
  } catch (e) {
    if (!sink.failed) throw e; // the store's error, reported as it is
    const why = (e as NodeJS.ErrnoException).code === 'EPIPE' ? 'the reader closed the pipe (EPIPE)' : `writing to stdout failed: ${describeError(e)}`;
    throw new CliError(`export: ${why} after ${progress.points} points; the export is incomplete`);
  }
}

/** Whether `file` exists and is not a regular file (a FIFO, a device): written in place. */
function special(file: string): boolean {
  try {
    return !fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Writes a regular file through a temporary name beside it, fsynced and renamed into place
 * once whole: a failed export removes its copy and leaves `output` (an older backup, say) as
 * it was. A FIFO or device given as the output is written directly.
 */
async function toFile(store: HotStore, output: string, progress: ExportProgress, space?: number): Promise<void> {
  const direct = special(output);
  const target = direct ? output : path.join(path.dirname(output), `.${path.basename(output)}.cvx-export-${process.pid}`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(target, 'w');
    const sink = new Sink(fs.createWriteStream('', { fd, autoClose: false }));
    await exportStore(store, sink, progress, space);
    await sink.end();
    if (!direct) fs.fsyncSync(fd);
    const closing = fd;
    fd = undefined; // closed below even if close reports an error: never closed twice
    fs.closeSync(closing);
    if (!direct) {
      fs.renameSync(target, output);
      syncDirectory(path.dirname(output));
    }
  } catch (e) {
    try { if (fd !== undefined) fs.closeSync(fd); } catch { /* the export's own error is the one to report */ }
    let left = '';
    if (!direct) {
      try {
        fs.rmSync(target, { force: true });
        left = `; the incomplete export was removed and ${output} left as it was`;
      } catch {
        left = `; the incomplete export ${target} could not be removed`;
      }
    }
    throw new CliError(`export to ${output} failed after ${progress.points} points: ${describeError(e)}${left}`);
  }
}

/** Makes a rename in `dir` durable. */
function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
