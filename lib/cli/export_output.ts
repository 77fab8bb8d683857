// Where an export is written (`cvx-hot export`, `state --format export`): stdout, or a file
// written through a temporary name and renamed into place once whole. Either way a failed
// export exits 1 saying how far it got, and leaves no cut file looking like a backup.
import * as fs from 'fs';
import * as path from 'path';
import { CliError, describeError, EXIT_USAGE } from './common';
import type { ExportProgress } from './export';
import { stdout, stdoutMustComplete } from './output';
import { Sink } from './sink';

/** What writes the export's bytes (ExportWriter over some points) to the sink it is given. */
export type ExportBody = (sink: Sink) => Promise<void>;

/** Refuses binary output to a terminal, before any store is opened. */
export function refuseTerminal(): void {
  if (stdout.isTTY) throw new CliError('refusing to write binary CBOR to a terminal; give a file or redirect stdout', EXIT_USAGE);
}

/** Writes the export to stdout; a closed pipe or a failed write fails the command. */
export async function exportToStdout(progress: ExportProgress, body: ExportBody): Promise<void> {
  stdoutMustComplete();
  const sink = new Sink(stdout);
  try {
    await body(sink);
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
export async function exportToFile(output: string, progress: ExportProgress, body: ExportBody): Promise<void> {
  const direct = special(output);
  const target = direct ? output : path.join(path.dirname(output), `.${path.basename(output)}.cvx-export-${process.pid}`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(target, 'w');
    const sink = new Sink(fs.createWriteStream('', { fd, autoClose: false }));
    await body(sink);
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
