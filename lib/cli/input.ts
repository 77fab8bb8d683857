// The input of `cvx-hot ingest` / `import`: opening what the user named (a file, a pipe, a
// FIFO, /dev/stdin, or - for stdin), reading it as chunks with read errors named, peeking at
// its first bytes, and telling NDJSON from CBOR (a UTF-8 byte-order mark is NDJSON's).
import * as fs from 'fs';
import type { Readable } from 'stream';
import { CliError, describeError } from './common';

export type InputFormat = 'auto' | 'ndjson' | 'cbor';

/** An opened input: its chunks, its size in bytes (0 when unknown) and its name. */
export interface Input {
  chunks: AsyncIterable<Buffer>;
  total: number;
  name: string;
  /** Set for a regular file, which can be read a second time. */
  file?: string;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The chunks of `stream`, with a read failure turned into a message naming the input. */
async function* chunksOf(stream: Readable, name: string): AsyncGenerator<Buffer> {
  try {
    for await (const c of stream) yield typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
  } catch (e) {
    throw new CliError(`cannot read ${name === '-' ? 'stdin' : name}: ${describeError(e)}`);
  }
}

/** Whether `st` is the file behind this process's stdin (`/dev/stdin`, `/proc/self/fd/0`). */
function isOurStdin(st: fs.Stats): boolean {
  try {
    const s0 = fs.fstatSync(0);
    return s0.dev === st.dev && s0.ino === st.ino;
  } catch {
    return false;
  }
}

/**
 * Opens `source` ('-' for stdin). Checked before the store is opened, so a typo creates
 * nothing. Anything readable as a stream is accepted: a file, a pipe or FIFO (`<(…)`), a
 * character device. Our own stdin named by a path is read as stdin: a socket (as a parent
 * process may give) cannot be opened again through /proc.
 */
export function openInput(source: string, stdin: Readable = process.stdin): Input {
  if (source === '-') return { chunks: chunksOf(stdin, '-'), total: 0, name: '-' };
  let st: fs.Stats;
  try {
    st = fs.statSync(source);
  } catch {
    throw new CliError(`input file ${source} does not exist`);
  }
  if (st.isDirectory()) throw new CliError(`input ${source} is a directory`);
  if (!st.isFile() && isOurStdin(st)) return { chunks: chunksOf(stdin, source), total: 0, name: source };
  const stream = fs.createReadStream(source);
  return st.isFile()
    ? { chunks: chunksOf(stream, source), total: st.size, name: source, file: source }
    : { chunks: chunksOf(stream, source), total: 0, name: source };
}

/** The first `n` bytes (fewer if the input is shorter) and all the chunks, those included. */
export async function peek(chunks: AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer> }> {
  const it = chunks[Symbol.asyncIterator]();
  const got: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    got.push(r.value);
    size += r.value.length;
  }
  const rest = async function* () {
    // One first chunk holding the whole head, so that a byte-order mark is never split.
    if (size) yield Buffer.concat(got);
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  };
  return { head: Buffer.concat(got).subarray(0, n), chunks: rest() };
}

/** Drops a leading UTF-8 byte-order mark (some editors and tools write one). */
export async function* withoutBom(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let first = true;
  for await (const c of chunks) {
    yield first && c.subarray(0, 3).equals(BOM) ? c.subarray(3) : c;
    first = false;
  }
}

/** NDJSON or CBOR: the forced format, else by extension, else by the first non-blank byte. */
export function detectFormat(format: InputFormat, name: string, head: Buffer): 'ndjson' | 'cbor' {
  if (format !== 'auto') return format;
  if (/\.(cbor|cborseq|cbors)$/i.test(name)) return 'cbor';
  const text = head.subarray(0, 3).equals(BOM) ? head.subarray(3) : head;
  const c = text.toString('latin1').trimStart()[0];
  return c === undefined || c === '{' ? 'ndjson' : 'cbor';
}
