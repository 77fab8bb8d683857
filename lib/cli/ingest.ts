// `cvx-hot ingest` / `import`: streams points from NDJSON or a CBOR sequence (a file or
// stdin) into a store through putMany batches, with a progress bar, reporting each bad
// record with its line (NDJSON) or item (CBOR) number and then stopping or skipping it.
import * as fs from 'fs';
import * as readline from 'readline';
import { Readable } from 'stream';
import { SingleBar } from 'cli-progress';
import { DecoderStream } from 'cbor-x';
import { I64_MAX, I64_MIN, narrow, U32_MAX, U64_MAX } from '../ints';
import type { HotStore } from '../store';
import type { PointInput } from '../types';
import { CliError, describeError } from './common';
import { EXPORT_MAGIC, EXPORT_VERSION } from './export';

export type InputFormat = 'auto' | 'ndjson' | 'cbor';

export interface IngestOptions {
  space: number;
  format: InputFormat;
  batch: number;
  onError: 'stop' | 'skip';
  progress: boolean;
  /** Where the bar and bad-record reports go. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface IngestResult {
  written: number;
  skipped: number;
  seconds: number;
}

/** One input record: its position (line or item number) and either a value or why not. */
interface Rec {
  n: number;
  value?: unknown;
  error?: string;
}

/** An integer field: safe number, bigint, or a decimal string (for ids beyond 2^53 in JSON). */
function intField(v: unknown, name: string, min: bigint, max: bigint): number | bigint {
  let b: bigint | undefined;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error(`${name} must be an integer within ±2^53 (write larger ones as a decimal string), got ${v}`);
    b = BigInt(v);
  } else if (typeof v === 'bigint') b = v;
  else if (typeof v === 'string' && /^-?\d+$/.test(v)) b = BigInt(v);
  if (b === undefined) throw new Error(`${name} must be an integer, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  if (b < min || b > max) throw new Error(`${name} ${b} is out of range`);
  return narrow(b);
}

/** Checks one record; returns its space and point or throws with what is wrong. */
function toPoint(v: unknown, defaultSpace: number, dims: Map<number, number>): { space: number; point: PointInput } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('expected an object {entityId, spaceId?, timestamp, vector}');
  const o = v as Record<string, unknown>;
  const entityId = intField(o.entityId, 'entityId', 0n, U64_MAX);
  const space = o.spaceId === undefined ? defaultSpace : Number(intField(o.spaceId, 'spaceId', 0n, BigInt(U32_MAX)));
  const timestamp = intField(o.timestamp, 'timestamp', I64_MIN, I64_MAX);
  const raw = o.vector;
  if (!(Array.isArray(raw) || raw instanceof Float32Array || raw instanceof Float64Array)) throw new Error('vector must be an array of numbers');
  const vector = Float32Array.from(raw as ArrayLike<number>);
  if (vector.length === 0) throw new Error('vector is empty');
  for (let i = 0; i < vector.length; i++) {
    if (typeof (raw as ArrayLike<unknown>)[i] !== 'number' || !Number.isFinite(vector[i])) throw new Error(`vector[${i}] is not a finite number`);
  }
  const dim = dims.get(space);
  if (dim === undefined) dims.set(space, vector.length);
  else if (dim !== vector.length) throw new Error(`vector has dimension ${vector.length} but space ${space} holds dimension ${dim}`);
  return { space, point: { entityId, timestamp, vector } };
}

/** The stream, with its first chunk peeked to tell CBOR from NDJSON. */
async function sniff(source: Readable, format: InputFormat, name: string): Promise<{ format: 'ndjson' | 'cbor'; stream: Readable }> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  const stream = Readable.from((async function* () {
    if (!first.done) yield first.value as Buffer;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value as Buffer;
    }
  })(), { objectMode: false });
  if (format !== 'auto') return { format, stream };
  if (/\.(cbor|cborseq|cbors)$/i.test(name)) return { format: 'cbor', stream };
  const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value as Buffer);
  const c = head.toString('latin1').trimStart()[0];
  return { format: c === undefined || c === '{' ? 'ndjson' : 'cbor', stream };
}

async function* ndjsonRecords(stream: Readable): AsyncGenerator<Rec> {
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (line.trim() === '') continue;
    try {
      yield { n, value: JSON.parse(line) };
    } catch (e) {
      yield { n, error: `invalid JSON (${(e as Error).message})` };
    }
  }
}

async function* cborRecords(stream: Readable): AsyncGenerator<Rec> {
  const decoder = new DecoderStream({ useRecords: false, mapsAsObjects: true } as never);
  stream.on('error', (e) => decoder.destroy(e));
  stream.pipe(decoder);
  let n = 0;
  try {
    for await (const value of decoder) {
      n++;
      yield { n, value };
    }
  } catch (e) {
    // A broken CBOR sequence cannot be resynchronised: this is always the last record.
    yield { n: n + 1, error: `invalid CBOR (${(e as Error).message})` };
  }
}

/** An opened input: the stream, its size in bytes (0 for stdin) and its name. */
export interface Input {
  stream: Readable;
  total: number;
  name: string;
}

/** Opens `source` ('-' for stdin); checked before the store is opened, so a typo creates nothing. */
export function openInput(source: string, stdin: Readable = process.stdin): Input {
  if (source === '-') return { stream: stdin, total: 0, name: '-' };
  let st: fs.Stats;
  try {
    st = fs.statSync(source);
  } catch {
    throw new CliError(`input file ${source} does not exist`);
  }
  if (!st.isFile()) throw new CliError(`input ${source} is not a file`);
  return { stream: fs.createReadStream(source), total: st.size, name: source };
}

/**
 * Streams the input into `store`. Resolves with counts; rejects with a CliError naming the
 * record that stopped it (the valid records before it are written).
 */
export async function ingest(store: HotStore, src: Input, o: IngestOptions): Promise<IngestResult> {
  const { stream: input, total, name: source } = src;
  let consumed = 0;
  input.on('data', (c: Buffer) => { consumed += c.length; });
  const { format, stream } = await sniff(input, o.format, source);
  const what = format === 'ndjson' ? 'line' : 'item';

  const dims = new Map((await store.spaces()).map((s) => [s.spaceId, s.dim] as [number, number]));
  const pending = new Map<number, PointInput[]>();
  let written = 0;
  let skipped = 0;
  let lastN = 0;
  const t0 = performance.now();
  const bar = o.progress && o.stderr.isTTY
    ? new SingleBar({
      stream: o.stderr,
      format: total ? `ingest [{bar}] {percentage}% | {points} points | {rate} pts/s | ETA {eta_formatted}` : '{points} points | {rate} pts/s',
      hideCursor: true,
      etaBuffer: 50,
    })
    : undefined;
  bar?.start(total || 1, 0, { points: 0, rate: 0 });
  const tick = () => {
    const s = (performance.now() - t0) / 1000;
    bar?.update(total ? Math.min(consumed, total) : 0, { points: written, rate: s > 0 ? Math.round(written / s) : 0 });
  };

  // One batch is written on the pool while the next is parsed; never two, so batches land
  // in input order and a later record of the same key wins.
  let inflight: Promise<void> = Promise.resolve();
  const flush = async (space: number) => {
    const points = pending.get(space);
    if (!points || points.length === 0) return;
    pending.delete(space);
    const endsAt = lastN;
    await inflight; // surfaces the previous batch's failure
    inflight = store.putMany(space, points).then(
      () => { written += points.length; tick(); },
      (e) => { throw new CliError(`writing the batch of ${points.length} points ending at ${what} ${endsAt} failed: ${describeError(e)}`); },
    );
    inflight.catch(() => undefined); // observed by the next await, not an unhandled rejection
  };
  const flushAll = async () => {
    for (const space of [...pending.keys()]) await flush(space);
    await inflight;
  };

  try {
    const records = format === 'ndjson' ? ndjsonRecords(stream) : cborRecords(stream);
    for await (const rec of records) {
      lastN = rec.n;
      let error = rec.error;
      if (!error && format === 'cbor' && rec.n === 1 && isExportHeader(rec.value)) {
        const version = (rec.value as Record<string, unknown>).version;
        if (version !== EXPORT_VERSION) throw new CliError(`${what} 1: export format version ${String(version)} is not supported (expected ${EXPORT_VERSION})`);
        continue;
      }
      if (!error) {
        try {
          const { space, point } = toPoint(rec.value, o.space, dims);
          let list = pending.get(space);
          if (!list) pending.set(space, (list = []));
          list.push(point);
          if (list.length >= o.batch) await flush(space);
          continue;
        } catch (e) {
          if (e instanceof CliError) throw e;
          error = (e as Error).message;
        }
      }
      const broken = rec.error !== undefined && format === 'cbor'; // no resync possible after it
      if (o.onError === 'stop' || broken) {
        await flushAll(); // the records before the bad one are valid: keep them
        const hint = broken ? '' : ' (use --on-error skip to skip bad records)';
        throw new CliError(`${what} ${rec.n}: ${error}; stopped after writing ${written} points${hint}`);
      }
      skipped++;
      bar?.stop();
      o.stderr.write(`${what} ${rec.n}: ${error} (skipped)\n`);
      bar?.start(total || 1, 0, { points: written, rate: 0 });
    }
    await flushAll();
  } finally {
    tick();
    bar?.stop();
  }
  return { written, skipped, seconds: (performance.now() - t0) / 1000 };
}

function isExportHeader(v: unknown): boolean {
  return v !== null && typeof v === 'object' && (v as Record<string, unknown>).cvx === EXPORT_MAGIC;
}
