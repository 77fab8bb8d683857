// Deciding how an ingest input is read, before any store is opened. An export (version 2)
// is checked whole first (export_check.ts) and read a second time to write it, so a cut or
// damaged export is refused with nothing written: a regular file is simply read twice; any
// other input (stdin, a pipe) is copied to a temporary file during the check and read back
// from there.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliError, describeError } from './common';
import { checkExport } from './export_check';
import { HEADER } from './export_format';
import { detectFormat, Input, InputFormat, peek } from './input';

/** An input ready for ingest(). */
export interface StagedInput {
  format: 'ndjson' | 'cbor';
  chunks: AsyncIterable<Buffer>;
  total: number;
  name: string;
  /** For a checked export: how many point items to read (the trailer is not one). */
  points?: number;
  /** The export was checked whole against its trailer. */
  verified: boolean;
  /** Removes the temporary copy, if one was made. */
  cleanup(): void;
}

export interface StageOptions {
  format: InputFormat;
  /** Import the whole points of a cut export instead of refusing it. */
  partial: boolean;
  stderr: NodeJS.WritableStream;
}

export async function stageInput(src: Input, o: StageOptions): Promise<StagedInput> {
  const { head, chunks } = await peek(src.chunks, HEADER.length);
  const format = detectFormat(o.format, src.name, head);
  const plain = { format, chunks, total: src.total, name: src.name, verified: false, cleanup: () => undefined };
  if (format !== 'cbor' || !head.equals(HEADER)) return plain;

  const spool = src.file ? undefined : makeSpool();
  try {
    const check = await checkExport(chunks, spool?.write);
    spool?.close();
    if (check.problem && !(o.partial && check.salvageable)) {
      const hint = check.salvageable ? ' (--partial imports the whole points before the damage, unverified)' : '';
      throw new CliError(`${src.name === '-' ? 'stdin' : src.name}: ${check.problem}; nothing was written${hint}`);
    }
    if (check.problem) {
      o.stderr.write(`cvx-hot: warning: ${check.problem}; importing the ${check.points} whole points before it, which cannot be verified (--partial)\n`);
    }
    const again = src.file ?? spool!.file;
    const size = fs.statSync(again).size;
    return {
      format, chunks: fs.createReadStream(again), total: size, name: src.name, points: check.points, verified: !check.problem,
      cleanup: () => spool?.remove(),
    };
  } catch (e) {
    spool?.remove();
    throw e;
  }
}

/** A temporary file (under TMPDIR) holding a copy of a non-seekable input. */
function makeSpool() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvx-hot-import-'));
  const file = path.join(dir, 'input.cbor');
  let fd: number | undefined = fs.openSync(file, 'w');
  return {
    file,
    write: (chunk: Buffer) => {
      try {
        for (let at = 0; at < chunk.length;) at += fs.writeSync(fd!, chunk, at);
      } catch (e) {
        throw new CliError(`cannot copy the input to ${file} to check it before writing: ${describeError(e)}; nothing was written (set TMPDIR to a filesystem with room)`);
      }
    },
    close: () => {
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
    },
    remove: () => {
      try { if (fd !== undefined) fs.closeSync(fd); } catch { /* removing anyway */ }
      fd = undefined;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
