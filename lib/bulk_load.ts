// bulkLoad's driver: reads the source (points or columnar batches, sync or async), checks each
// item as putMany does, and gathers it into chunks of at most the memory cap. A chunk that
// fills up is handed to the shim as a sorted run (native.bulkSpill, on the thread pool); the
// last one goes with the final step (native.bulkLoad, on the writer thread), which merges the
// runs, fixes the timelines up and ingests everything at once. native/bulk_load.h has the rest.
import { native, NativeHandle } from './binding';
import { toColumns, packInts, type ColumnarBatch } from './columns';
import { HotStoreError, invalidArgument, makeError } from './errors';
import type { IntLike, PointInput } from './types';
import { checkOptionsObject, checkPoint, checkIntNumber, field, readOptions, unreadable } from './validate';
import type { WriteGate } from './write_gate';

/** One item of a bulk load's source: a point, or a columnar batch of points. */
export type BulkItem = PointInput | ColumnarBatch;

/** Options of {@link HotStore.bulkLoad}. */
export interface BulkLoadOptions {
  /**
   * Bytes of points held in memory before a sorted run is written to the staging directory
   * (inside the store's directory, removed when the load ends). The load's memory is about
   * twice this (the chunk and the shim's copy of it). Default 256 MiB; at least 1 MiB.
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

export const DEFAULT_BULK_MEMORY = 256 * 1024 * 1024;
const MIN_BULK_MEMORY = 1024 * 1024;
/** The event loop gets a turn at least this often (ms) while a sync source is read. */
const YIELD_MS = 4;

let loads = 0;

/** The chunk being filled: ids and timestamps as given (already checked), vectors copied in. */
class Chunk {
  ids: IntLike[] = [];
  tss: IntLike[] = [];
  vectors: Float32Array;
  /** Per point, the source item it came from and its row in that item (-1: a point item). */
  readonly item: Int32Array;
  readonly row: Int32Array;
  constructor(readonly capacity: number, readonly dim: number) {
    this.vectors = new Float32Array(capacity * dim);
    this.item = new Int32Array(capacity);
    this.row = new Int32Array(capacity);
  }
  get full(): boolean {
    return this.ids.length >= this.capacity;
  }
  push(id: IntLike, ts: IntLike, v: Float32Array, at: number, item: number, row: number): void {
    this.item[this.ids.length] = item;
    this.row[this.ids.length] = row;
    this.vectors.set(at === 0 && v.length === this.dim ? v : v.subarray(at, at + this.dim), this.ids.length * this.dim);
    this.ids.push(id);
    this.tss.push(ts);
  }
  columns(): [Float64Array | BigUint64Array, Float64Array | BigInt64Array, Float32Array] {
    const self = (x: IntLike): IntLike => x;
    return [packInts(this.ids, self, true), packInts(this.tss, self, false), this.vectors.subarray(0, this.ids.length * this.dim)];
  }
  /** The shim names a refused point by its place in the chunk ("points[3].vector[1] …"); the caller knows it by its place in the source. */
  renamed(e: unknown): unknown {
    const m = e instanceof HotStoreError ? /^points\[(\d+)\]/.exec(e.message) : null;
    if (!m || Number(m[1]) >= this.ids.length) return e;
    const i = Number(m[1]);
    const name = this.row[i] < 0 ? `source[${this.item[i]}]` : `source[${this.item[i]}][${this.row[i]}]`;
    return makeError((e as HotStoreError).code, name + (e as HotStoreError).message.slice(m[0].length));
  }
}

export function checkBulkOptions(options: unknown): number {
  if (!checkOptionsObject(options)) return DEFAULT_BULK_MEMORY;
  const o = readOptions<BulkLoadOptions>(options, ['memoryBytes']);
  if (o.memoryBytes === undefined) return DEFAULT_BULK_MEMORY;
  return checkIntNumber(o.memoryBytes, 'options.memoryBytes', MIN_BULK_MEMORY, Number.MAX_SAFE_INTEGER);
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

/** Runs a whole load; `gate` orders it with the store's other async writes. */
export async function runBulkLoad(
  handle: NativeHandle, gate: WriteGate, space: number, source: unknown, memoryBytes: number,
): Promise<BulkLoadResult> {
  const items = itemsOf(source);
  const id = `${process.pid}-${Date.now().toString(36)}-${(loads++).toString(36)}`;
  const { before, release } = gate.hold();
  let runs = 0;
  let chunk: Chunk | undefined;
  let dim = 0;
  let posted = false;
  try {
    const spill = async (): Promise<void> => {
      const full = chunk!;
      const [ids, tss, vectors] = full.columns();
      chunk = new Chunk(full.capacity, dim); // the full one is dropped once the shim has copied it
      let spilled: Promise<void>;
      try {
        spilled = native.bulkSpill(handle, id, runs, ids, tss, vectors, dim);
      } catch (e) {
        throw full.renamed(e);
      }
      await spilled;
      runs++;
    };
    // Folds one checked point in; true when the chunk is full and must be spilled.
    const add = (pid: IntLike, ts: IntLike, v: Float32Array, at: number, d: number, name: string, item: number, row: number): boolean => {
      if (dim === 0) {
        dim = d;
        chunk = new Chunk(Math.max(1, Math.floor(memoryBytes / (4 * d + 24))), d);
      } else if (d !== dim) {
        throw makeError('CVX_DIMENSION_MISMATCH', `${name} has dimension ${d} but the source's first point has dimension ${dim}`);
      }
      chunk!.push(pid, ts, v, at, item, row);
      return chunk!.full;
    };
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
        let cols;
        try {
          cols = toColumns(item as ColumnarBatch);
        } catch (e) {
          throw named(e, name);
        }
        const [ids, tss, vectors, d] = cols;
        for (let j = 0; j < ids.length; j++) {
          if (add(ids[j], tss[j], vectors, j * d, d, `${name}[${j}].vector`, i, j)) await spill();
          if ((j & 4095) === 4095) turn = await yieldIfDue(turn);
        }
      } else {
        const p = checkPoint(item, name);
        if (add(p.entityId, p.timestamp, p.vector, 0, p.dim, `${name}.vector`, i, -1)) await spill();
      }
      if ((i & 63) === 63) turn = await yieldIfDue(turn);
    }
    if (dim === 0) return { loaded: 0, overwritten: 0 };
    await before; // writes issued before this load are queued before it
    const [ids, tss, vectors] = chunk!.columns();
    let done: Promise<BulkLoadResult>;
    try {
      done = native.bulkLoad(handle, space, id, runs, ids, tss, vectors, dim);
    } catch (e) {
      throw chunk!.renamed(e);
    }
    chunk = undefined;
    posted = true;
    release(); // writes issued from now on queue behind the load on the writer thread
    return await done;
  } catch (e) {
    if (!posted) {
      try {
        native.bulkDropSync(handle, id);
      } catch {
        // closed: the next open removes the staging directory
      }
    }
    throw e;
  } finally {
    release();
  }
}
