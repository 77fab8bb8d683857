// `cvx-hot ingest` / `import`: streams points from NDJSON or a CBOR sequence (a staged
// input, staging.ts) into a store through putMany batches, with a progress bar, reporting
// each bad record with its line (NDJSON) or item (CBOR) number and then stopping or skipping it.
import * as readline from 'readline';
import { Readable } from 'stream';
import type { HotStore } from '../store';
import type { PointInput } from '../types';
import { BulkFeeds } from './bulk_feed';
import { cborItems, decodeItem, FramingError } from './cbor_items';
import { CliError, describeError } from './common';
import { EXPORT_VERSION, exportItemKind, UNVERIFIABLE_VERSION } from './export_format';
import { withoutBom } from './input';
import { toPoint } from './point_record';
import { BarStream, progressBar } from './progress';
import type { StagedInput } from './staging';

export interface IngestOptions {
  space: number;
  batch: number;
  /** Through HotStore.bulkLoad (one per space, all or nothing each) instead of putMany batches. */
  bulk?: boolean;
  onError: 'stop' | 'skip';
  progress: boolean;
  /** Where the bar, warnings and bad-record reports go. */
  stderr: BarStream;
}

/** How far an ingest got; kept current, so a failure (or a failed close) can report it. */
export interface IngestProgress {
  written: number;
  skipped: number;
  /** The line (NDJSON) or item (CBOR) number of the last record read. */
  at: number;
  what: 'line' | 'item';
}

export const newProgress = (): IngestProgress => ({ written: 0, skipped: 0, at: 0, what: 'line' });

/** One input record: its position (line or item number) and either a value or why not. */
interface Rec {
  n: number;
  value?: unknown;
  error?: string;
  /** The input cannot be read past this record (broken CBOR framing). */
  broken?: boolean;
}

async function* ndjsonRecords(chunks: AsyncIterable<Buffer>): AsyncGenerator<Rec> {
  const rl = readline.createInterface({ input: Readable.from(withoutBom(chunks), { objectMode: false }), crlfDelay: Infinity });
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

async function* cborRecords(chunks: AsyncIterable<Buffer>): AsyncGenerator<Rec> {
  let n = 0;
  try {
    for await (const item of cborItems(chunks)) {
      n++;
      try {
        yield { n, value: decodeItem(item) };
      } catch (e) {
        yield { n, error: `invalid CBOR (${(e as Error).message})` }; // framed, so the next item is readable
      }
    }
  } catch (e) {
    if (!(e instanceof FramingError)) throw e;
    yield { n: e.item, error: e.message, broken: true };
  }
}

/** What an export's header means for this import; throws when it cannot be imported. */
function exportHeader(v: unknown, input: StagedInput, o: IngestOptions): void {
  const version = (v as Record<string, unknown>).version;
  if (version === EXPORT_VERSION) {
    if (input.verified || input.points !== undefined) return;
    throw new CliError(`item 1: a version ${EXPORT_VERSION} export header not in its exact bytes (docs/format.md); it cannot be verified, so nothing was written`);
  }
  if (version === UNVERIFIABLE_VERSION) {
    o.stderr.write(`cvx-hot: warning: ${input.name === '-' ? 'stdin' : input.name} is a version ${UNVERIFIABLE_VERSION} export, which has no count or checksum: a cut or damaged file cannot be detected\n`);
    return;
  }
  throw new CliError(`item 1: export format version ${String(version)} is not supported (this cvx-hot reads ${UNVERIFIABLE_VERSION} and ${EXPORT_VERSION})`);
}

/** Counts the bytes read, for the progress bar. */
async function* counted(chunks: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    onBytes(c.length);
    yield c;
  }
}

/**
 * Streams the input into `store`, keeping `progress` current. Resolves when done; rejects
 * with a CliError naming the record that stopped it (the valid records before it are written).
 */
export async function ingest(store: HotStore, input: StagedInput, o: IngestOptions, progress: IngestProgress): Promise<void> {
  const { format, total } = input;
  let consumed = 0;
  const chunks = counted(input.chunks, (n) => { consumed += n; });
  const what = (progress.what = format === 'ndjson' ? 'line' : 'item');

  const dims = new Map((await store.spaces()).map((s) => [s.spaceId, s.dim] as [number, number]));
  const pending = new Map<number, PointInput[]>();
  const t0 = performance.now();
  const bar = progressBar(o.stderr, o.progress, 'ingest', total);
  const tick = () => {
    const s = (performance.now() - t0) / 1000;
    bar?.update(total ? Math.min(consumed, total) : 0, { points: progress.written, rate: s > 0 ? Math.round(progress.written / s) : 0 });
  };

  // One batch is written on the pool while the next is parsed; never two, so batches land
  // in input order and a later record of the same key wins.
  let inflight: Promise<void> = Promise.resolve();
  const flush = async (space: number) => {
    const points = pending.get(space);
    if (!points || points.length === 0) return;
    pending.delete(space);
    const endsAt = progress.at;
    await inflight; // surfaces the previous batch's failure
    inflight = store.putMany(space, points).then(
      () => { progress.written += points.length; tick(); },
      (e) => {
        throw new CliError(`writing the batch of ${points.length} points ending at ${what} ${endsAt} failed: ${describeError(e)}; ${progress.written} points were written before it`);
      },
    );
    inflight.catch(() => undefined); // observed by the next await, not an unhandled rejection
  };
  const bulk = o.bulk ? new BulkFeeds(store) : undefined;
  let bulkDone = false;
  const flushAll = async () => {
    for (const space of [...pending.keys()]) await flush(space);
    await inflight;
    if (bulk && !bulkDone) {
      bulkDone = true;
      try {
        progress.written += await bulk.finish();
      } catch (e) {
        throw new CliError(`the bulk load of the points up to ${what} ${progress.at} failed: ${describeError(e)}; nothing of it was written`);
      }
    }
  };

  try {
    const records = format === 'ndjson' ? ndjsonRecords(chunks) : cborRecords(chunks);
    for await (const rec of records) {
      // A checked export ends after its points: the trailer (and a cut tail, with --partial) is not read as records.
      if (input.points !== undefined && rec.n > input.points + 1) break;
      progress.at = rec.n;
      let error = rec.error;
      if (!error && format === 'cbor' && rec.n === 1 && exportItemKind(rec.value) === 'header') {
        exportHeader(rec.value, input, o);
        continue;
      }
      let parsed: ReturnType<typeof toPoint> | undefined;
      if (!error) {
        try {
          parsed = toPoint(rec.value, o.space, dims);
        } catch (e) {
          error = (e as Error).message;
        }
      }
      if (parsed && bulk) {
        await bulk.push(parsed.space, parsed.point);
        continue;
      }
      if (parsed) {
        let list = pending.get(parsed.space);
        if (!list) pending.set(parsed.space, (list = []));
        list.push(parsed.point);
        if (list.length >= o.batch) await flush(parsed.space); // a failed batch ends the load
        continue;
      }
      if (o.onError === 'stop' || rec.broken) {
        await flushAll(); // the records before the bad one are valid: keep them
        const hint = rec.broken ? '' : ' (use --on-error skip to skip bad records)';
        throw new CliError(`${what} ${rec.n}: ${error}; stopped after writing ${progress.written} points${hint}`);
      }
      progress.skipped++;
      bar?.stop();
      o.stderr.write(`${what} ${rec.n}: ${error} (skipped)\n`);
      bar?.start(total || 1, 0, { points: progress.written, rate: 0 });
    }
    await flushAll();
  } finally {
    if (bulk && !bulkDone) await bulk.finish(new Error('the load was given up')).catch(() => undefined);
    tick();
    bar?.stop();
  }
}
