// bulkLoad's driver: reads the source (points or columnar batches, sync or async), checks each
// item as putMany does, and hands the points to the shim in pieces of about 1 MB (native.bulkAppend,
// into the load's buffer of at most the memory cap). When the buffer is full it is written as a
// sorted run (native.bulkSpill, on the thread pool); the final step (native.bulkLoad, on the
// writer thread) merges the runs and the rest, fixes the timelines up and ingests everything at
// once. native/bulk_load.h has the rest.
import * as os from 'os';
import { native, NativeHandle } from './binding';
import { toColumns, packInts, type ColumnarBatch, type IdColumn, type TimestampColumn } from './columns';
import { HotStoreError, invalidArgument, makeError, storeClosed } from './errors';
import type { IntLike, PointInput } from './types';
import { checkOptionsObject, checkPoint, checkIntNumber, field, readOptions, unreadable } from './validate';
import type { WriteGate } from './write_gate';

/** One item of a bulk load's source: a point, or a columnar batch of points. */
export type BulkItem = PointInput | ColumnarBatch;

/** Options of {@link HotStore.bulkLoad}. */
export interface BulkLoadOptions {
  /**
   * Bytes of points held in memory before they are written as a sorted run to the staging
   * directory (inside the store's directory, removed when the load ends). Each point counts its
   * vector plus 80 bytes (key 16, sort entries 64). The load's memory beyond this is a piece of
   * about 1 MB being read and the merge's read buffers. Default 512 MiB (the default benchmark, 100k points of dimension 768, fits); at least 1 MiB,
   * at most the machine's physical memory (`os.totalmem()`), else CVX_INVALID_ARGUMENT.
   */
  memoryBytes?: number;
}

/** What {@link HotStore.bulkLoad} wrote. */
export interface BulkLoadResult {
  /** Distinct points written (a key given twice in the source counts once: the last one is kept). */
  loaded: number;
  /** How many of them replaced a point the store already held (not counted again in timelines). */
  overwritten: number;
}

export const DEFAULT_BULK_MEMORY = 512 * 1024 * 1024;
const MIN_BULK_MEMORY = 1024 * 1024;
/** The event loop gets a turn at least this often (ms) while a sync source is read. */
const YIELD_MS = 2;
const self = (x: IntLike): IntLike => x;

let loads = 0;

/** Bytes of vectors per bulkAppend call: a piece is copied on the main thread, so it stays small. */
const PIECE_BYTES = 1 << 20;
/** Points per piece for dimension `dim` (341 at the default benchmark's 768); at most half the cap, so a piece always fits an empty buffer. */
const pieceRows = (dim: number, memoryBytes: number): number =>
  Math.max(1, Math.min(1 << 16, Math.floor(PIECE_BYTES / (4 * dim)), Math.floor(memoryBytes / (4 * dim + BULK_POINT_BYTES) / 2)));
/** What the cap counts per point besides its vector: key (16) and sort entries (64): native/bulk_session.cc. */
const BULK_POINT_BYTES = 80;

/**
 * Where single points gather before they go to the shim as one piece: a buffer of its own,
 * reused, so the caller may change a vector once the iterator moves on. Remembers which item
 * each point came from, to name a point the shim refuses by its place in the source.
 */
class Piece {
  ids: IntLike[] = [];
  tss: IntLike[] = [];
  readonly vectors: Float32Array;
  readonly item: Int32Array;
  readonly rows: number;
  constructor(readonly dim: number, memoryBytes: number) {
    this.rows = pieceRows(dim, memoryBytes);
    this.vectors = new Float32Array(this.rows * dim);
    this.item = new Int32Array(this.rows);
  }
  get full(): boolean {
    return this.ids.length === this.rows;
  }
  push(id: IntLike, ts: IntLike, v: Float32Array, item: number): void {
    this.item[this.ids.length] = item;
    this.vectors.set(v, this.ids.length * this.dim);
    this.ids.push(id);
    this.tss.push(ts);
  }
  clear(): void {
    this.ids = [];
    this.tss = [];
  }
}

/** The shim names a refused point by its place in the piece ("points[3].vector[1] …"); the caller knows it as `name(3)`. */
function renamed(e: unknown, name: (i: number) => string): unknown {
  const m = e instanceof HotStoreError ? /^points\[(\d+)\]/.exec(e.message) : null;
  if (!m) return e;
  return makeError((e as HotStoreError).code, name(Number(m[1])) + (e as HotStoreError).message.slice(m[0].length));
}

/**
 * The largest memoryBytes: the machine's physical memory. A cap above it cannot be held anyway,
 * and the shim sizes the load's buffers from it (a huge one would fail allocating them).
 */
export const maxBulkMemory = (): number => Math.max(MIN_BULK_MEMORY, os.totalmem());

export function checkBulkOptions(options: unknown): number {
  if (!checkOptionsObject(options)) return DEFAULT_BULK_MEMORY;
  const o = readOptions<BulkLoadOptions>(options, ['memoryBytes']);
  if (o.memoryBytes === undefined) return Math.min(DEFAULT_BULK_MEMORY, maxBulkMemory());
  return checkIntNumber(o.memoryBytes, 'options.memoryBytes', MIN_BULK_MEMORY, maxBulkMemory());
}

function itemsOf(source: unknown): AsyncIterable<unknown> | Iterable<unknown> {
  if (source !== null && typeof source === 'object') {
    if (typeof field(source, Symbol.asyncIterator, 'source') === 'function') return source as AsyncIterable<unknown>;
    if (typeof field(source, Symbol.iterator, 'source') === 'function') return source as Iterable<unknown>;
  }
  throw invalidArgument('source must be an iterable or async iterable of points or columnar batches');
}

/** Gives the event loop a turn when the last was over YIELD_MS ago: a sync source must not hold it. */
async function yieldIfDue(turn: number): Promise<number> {
  if (performance.now() - turn < YIELD_MS) return turn;
  await new Promise((resolve) => setImmediate(resolve));
  return performance.now();
}

/** The source's iterator, async or not (a sync one's next() is awaited all the same). */
function iteratorOf(items: AsyncIterable<unknown> | Iterable<unknown>): AsyncIterator<unknown> | Iterator<unknown> {
  try {
    const a = (items as AsyncIterable<unknown>)[Symbol.asyncIterator];
    return typeof a === 'function' ? a.call(items) : (items as Iterable<unknown>)[Symbol.iterator]();
  } catch (e) {
    throw unreadable('source', e);
  }
}

function isBatch(item: object, name: string): boolean {
  try {
    return 'vectors' in item && 'dim' in item;
  } catch (e) {
    throw unreadable(name, e);
  }
}

/** `e` with `name` in front of its message, when it is a refusal that does not name it yet. */
function named(e: unknown, name: string): unknown {
  if (!(e instanceof HotStoreError) || e.message.startsWith(name)) return e;
  return makeError(e.code, `${name}: ${e.message}`);
}

/**
 * One load's state while its source is read: the points go to the shim in pieces (append), and
 * when its buffer (the memory cap) is full it is spilled as a sorted run first.
 */
class Loader {
  runs = 0;
  dim = 0;
  piece: Piece | undefined;
  constructor(readonly handle: NativeHandle, readonly gate: WriteGate, readonly id: string, readonly memoryBytes: number) {}

  async append(ids: IdColumn, tss: TimestampColumn, vectors: Float32Array, name: (i: number) => string): Promise<void> {
    if (this.gate.isShut) throw storeClosed(); // close() came: the load is refused, not read to its end
    for (let tries = 0; ; tries++) {
      let fitted: boolean;
      try {
        fitted = native.bulkAppend(this.id, ids, tss, vectors, this.dim, this.memoryBytes);
      } catch (e) {
        throw renamed(e, name);
      }
      if (fitted) return;
      if (tries > 0) throw makeError('CVX_IO', 'bulkLoad: a piece does not fit the memory cap'); // cannot happen: pieces are capped
      await native.bulkSpill(this.handle, this.id, this.runs);
      this.runs++;
    }
  }

  async sendPiece(): Promise<void> {
    const p = this.piece;
    if (!p || p.ids.length === 0) return;
    const n = p.ids.length;
    await this.append(packInts(p.ids, self, true), packInts(p.tss, self, false), p.vectors.subarray(0, n * this.dim), (i) => `source[${p.item[i]}]`);
    p.clear();
  }

  checkDim(d: number, name: string): void {
    if (this.dim === 0) {
      this.dim = d;
      this.piece = new Piece(d, this.memoryBytes);
    } else if (d !== this.dim) {
      throw makeError('CVX_DIMENSION_MISMATCH', `${name} has dimension ${d} but the source's first point has dimension ${this.dim}`);
    }
  }

  /** A columnar batch: in pieces, each copied on the main thread and fitting the cap on its own. */
  async batch(item: ColumnarBatch, name: string, turn: number): Promise<number> {
    let cols;
    try {
      cols = toColumns(item);
    } catch (e) {
      throw named(e, name);
    }
    const [ids, tss, vectors, d] = cols;
    if (ids.length === 0) return turn;
    this.checkDim(d, `${name}[0].vector`);
    await this.sendPiece(); // single points given before this batch go first
    const rows = pieceRows(d, this.memoryBytes);
    for (let from = 0; from < ids.length; from += rows) {
      const to = Math.min(ids.length, from + rows);
      await this.append(ids.subarray(from, to), tss.subarray(from, to), vectors.subarray(from * d, to * d), (k) => `${name}[${from + k}]`);
      turn = await yieldIfDue(turn);
    }
    return turn;
  }

  /** Reads the whole source into the shim (the last piece included). */
  async read(items: AsyncIterable<unknown> | Iterable<unknown>): Promise<void> {
    const it = iteratorOf(items);
    let turn = performance.now();
    for (let i = 0; ; i++) {
      const name = `source[${i}]`;
      let step: IteratorResult<unknown>;
      try {
        step = await it.next();
      } catch (e) {
        throw unreadable(name, e);
      }
      if (step.done) break;
      const item = step.value;
      if (item !== null && typeof item === 'object' && isBatch(item, name)) {
        turn = await this.batch(item as ColumnarBatch, name, turn);
      } else {
        const p = checkPoint(item, name);
        this.checkDim(p.dim, `${name}.vector`);
        this.piece!.push(p.entityId, p.timestamp, p.vector, i);
        if (this.piece!.full) await this.sendPiece();
      }
      if ((i & 63) === 63) turn = await yieldIfDue(turn);
    }
    await this.sendPiece();
  }
}

/** Runs a whole load; `gate` orders it with the store's other async writes. */
export async function runBulkLoad(
  handle: NativeHandle, gate: WriteGate, space: number, source: unknown, memoryBytes: number,
): Promise<BulkLoadResult> {
  const items = itemsOf(source);
  const id = `${process.pid}-${Date.now().toString(36)}-${(loads++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const { before, release } = gate.hold();
  const load = new Loader(handle, gate, id, memoryBytes);
  let posted = false;
  try {
    await load.read(items);
    if (load.dim === 0) return { loaded: 0, overwritten: 0 };
    await before; // writes issued before this load are queued before it
    // close() came meanwhile: the writes held behind this load were sent ahead of it, so it must
    // not apply after them (and the store is closing anyway).
    if (gate.isShut) throw storeClosed();
    const done = native.bulkLoad(handle, space, id, load.runs);
    posted = true;
    release(); // writes issued from now on queue behind the load on the writer thread
    return await done;
  } catch (e) {
    if (!posted) native.bulkDrop(id);
    throw e;
  } finally {
    release();
  }
}
