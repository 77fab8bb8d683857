// The public HotStore class: validates arguments, calls the shim once per operation and
// shapes its answers. No engine logic lives here.
import * as fs from 'fs';
import { dirname as pathDirname, resolve as pathResolve } from 'path';
import { native, NativeGetMany, NativeHandle, NativeRange } from './binding';
import { invalidArgument, makeError } from './errors';
import { decodeTimeline } from './records';
import type {
  EntityTimeline, GetManyOptions, HotStoreOptions, IntLike, PointInput, PointKey, RangeColumns, RangeColumnsOptions, RangeOptions, SpaceInfo, StoreStats,
  TemporalPoint,
} from './types';
import { checkCheckpointDir, collectStats, ENTITY_BATCH } from './operations';
import { RepairOptions, verifyAsync, verifySync, VerifyOptions, VerifyReport } from './verify';
import {
  checkBoolean, checkGetManyOptions, checkI64, checkKey, checkPoint, checkRange, checkU64, CheckedPoint, MAX_DIM, toU32, toOutput,
} from './validate';

/** A columnar batch for {@link HotStore.putMany}: point i is `vectors.subarray(i*dim, (i+1)*dim)`. */
export interface ColumnarBatch {
  entityIds: Float64Array | BigUint64Array | ArrayLike<IntLike>;
  timestamps: Float64Array | BigInt64Array | ArrayLike<IntLike>;
  vectors: Float32Array;
  dim: number;
}

/** Keys for {@link HotStore.getMany} as two columns: key i is (entityIds[i], timestamps[i]). */
export interface KeyColumns {
  entityIds: Float64Array | BigUint64Array | ArrayLike<IntLike>;
  timestamps: Float64Array | BigInt64Array | ArrayLike<IntLike>;
}

/** Most puts sent to the shim in one coalesced group. */
const MAX_PUT_GROUP = 256;

/** Decodes one batch of `timelines` records, keeping those of `space` (all when undefined). */
function* timelinesIn(records: unknown[], bigint: boolean, space: number | undefined): Generator<EntityTimeline> {
  for (const rec of records) {
    const tl = decodeTimeline(rec as Buffer, bigint);
    if (space === undefined || tl.spaceId === space) yield tl;
  }
}

interface QueuedPut {
  space: number;
  entityId: IntLike;
  timestamp: IntLike;
  /** Where the put's copy of its vector starts in the staging buffer, and its length. */
  at: number;
  length: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Staging buffers above this many floats are not kept after their group is sent. */
const MAX_KEPT_STAGING = 1 << 20;

type Columns = [Float64Array | BigUint64Array, Float64Array | BigInt64Array, Float32Array, number];

function resolveOptions(path: unknown, options: unknown) {
  if (typeof path !== 'string' || path.length === 0) throw invalidArgument('path must be a non-empty string');
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw invalidArgument('options must be an object');
  }
  const o = (options ?? {}) as HotStoreOptions;
  const keyframeInterval = o.keyframeInterval === undefined ? 10 : toU32(o.keyframeInterval, 'options.keyframeInterval');
  if (keyframeInterval === 0) throw invalidArgument('options.keyframeInterval must be at least 1');
  const resolved = {
    createIfMissing: checkBoolean(o.createIfMissing, 'options.createIfMissing', true),
    readOnly: checkBoolean(o.readOnly, 'options.readOnly', false),
    sync: checkBoolean(o.sync, 'options.sync', false),
    keyframeInterval,
  };
  const bigint = checkBoolean(o.bigint, 'options.bigint', false);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(path);
  } catch {
    stat = undefined;
  }
  if (stat && !stat.isDirectory()) throw invalidArgument(`path ${path} is a file, not a directory`);
  if (!stat && resolved.createIfMissing && !resolved.readOnly) {
    try {
      makeDirs(path);
    } catch (e) {
      throw makeError('CVX_IO', `path ${path} could not be created: ${(e as Error).message}`);
    }
  }
  return { native: resolved, bigint };
}

/**
 * mkdir -p without `fs.mkdirSync(p, { recursive: true })`, which on Node 20 spins forever
 * (100% CPU, never returns) for a path under /proc such as /proc/self/db. Creating one
 * level at a time lets the kernel's ENOENT/ENOTDIR/EACCES surface as an error instead.
 */
function makeDirs(p: string): void {
  const missing: string[] = [];
  for (let cur = pathResolve(p); !fs.existsSync(cur); cur = pathDirname(cur)) {
    missing.push(cur);
    if (pathDirname(cur) === cur) break;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // made concurrently: fine
    }
  }
}

function intColumn(
  v: unknown, n: number, name: string, check: (x: unknown, name: string) => IntLike, unsigned: boolean,
): Float64Array | BigUint64Array | BigInt64Array {
  if (v instanceof Float64Array || (unsigned ? v instanceof BigUint64Array : v instanceof BigInt64Array)) {
    if ((v as ArrayLike<unknown>).length !== n) throw invalidArgument(`${name} must have ${n} elements`);
    return v as Float64Array | BigUint64Array | BigInt64Array;
  }
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number') {
    throw invalidArgument(`${name} must be an array or typed array of integers`);
  }
  const arr = v as ArrayLike<unknown>;
  if (arr.length !== n) throw invalidArgument(`${name} must have ${n} elements`);
  const checked: IntLike[] = new Array(n);
  for (let i = 0; i < n; i++) checked[i] = check(arr[i], `${name}[${i}]`);
  return packInts(checked, unsigned);
}

/** Already-checked integers as the column the shim reads: Float64Array when all are numbers. */
function packInts(checked: IntLike[], unsigned: boolean): Float64Array | BigUint64Array | BigInt64Array {
  if (checked.every((x) => typeof x === 'number')) return Float64Array.from(checked as number[]);
  const out = unsigned ? new BigUint64Array(checked.length) : new BigInt64Array(checked.length);
  for (let i = 0; i < checked.length; i++) out[i] = BigInt(checked[i]);
  return out;
}

function columnsFromBatch(b: ColumnarBatch): Columns {
  if (!(b.vectors instanceof Float32Array)) throw invalidArgument('batch.vectors must be a Float32Array');
  if (typeof SharedArrayBuffer !== 'undefined' && b.vectors.buffer instanceof SharedArrayBuffer) {
    throw invalidArgument('batch.vectors is backed by a SharedArrayBuffer; copy it first');
  }
  const dim = toU32(b.dim, 'batch.dim');
  if (dim < 1 || dim > MAX_DIM) throw invalidArgument(`batch.dim must be in [1, ${MAX_DIM}]`);
  if (b.vectors.length % dim !== 0) throw invalidArgument('batch.vectors length must be a multiple of batch.dim');
  const n = b.vectors.length / dim;
  const ids = intColumn(b.entityIds, n, 'batch.entityIds', checkU64, true) as Float64Array | BigUint64Array;
  const tss = intColumn(b.timestamps, n, 'batch.timestamps', checkI64, false) as Float64Array | BigInt64Array;
  return [ids, tss, b.vectors, dim];
}

function columnsFromPoints(points: unknown): Columns {
  if (points === null || typeof points !== 'object' || typeof (points as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw invalidArgument('points must be an iterable of { entityId, timestamp, vector } or a columnar batch');
  }
  const checked: CheckedPoint[] = [];
  let i = 0;
  let allNumbers = true;
  for (const p of points as Iterable<unknown>) {
    const c = checkPoint(p, `points[${i}]`);
    if (checked.length > 0 && c.vector.length !== checked[0].vector.length) {
      throw makeError(
        'CVX_DIMENSION_MISMATCH',
        `points[${i}].vector has dimension ${c.vector.length} but points[0].vector has ${checked[0].vector.length}`,
      );
    }
    if (typeof c.entityId !== 'number' || typeof c.timestamp !== 'number') allNumbers = false;
    checked.push(c);
    i++;
  }
  const n = checked.length;
  const dim = n ? checked[0].vector.length : 1;
  const vectors = new Float32Array(n * dim);
  for (let k = 0; k < n; k++) vectors.set(checked[k].vector, k * dim);
  if (allNumbers) {
    const ids = new Float64Array(n);
    const tss = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      ids[k] = checked[k].entityId as number;
      tss[k] = checked[k].timestamp as number;
    }
    return [ids, tss, vectors, dim];
  }
  const ids = new BigUint64Array(n);
  const tss = new BigInt64Array(n);
  for (let k = 0; k < n; k++) {
    ids[k] = BigInt(checked[k].entityId);
    tss[k] = BigInt(checked[k].timestamp);
  }
  return [ids, tss, vectors, dim];
}

type KeyCols = [Float64Array | BigUint64Array, Float64Array | BigInt64Array];

/** getMany's keys as the two columns the shim reads (numbers as Float64Array, else bigints). */
function toKeyColumns(keys: Iterable<PointKey> | KeyColumns): KeyCols {
  let ids: unknown;
  let tss: unknown;
  if (keys !== null && typeof keys === 'object' && 'entityIds' in keys && 'timestamps' in keys) {
    ({ entityIds: ids, timestamps: tss } = keys as KeyColumns);
  } else if (keys !== null && typeof keys === 'object' && typeof (keys as Iterable<unknown>)[Symbol.iterator] === 'function') {
    // Each key is checked once here, so its columns need no second pass.
    const idList: IntLike[] = [];
    const tsList: IntLike[] = [];
    for (const k of keys as Iterable<unknown>) {
      const c = checkKey(k, `keys[${idList.length}]`);
      idList.push(c.entityId);
      tsList.push(c.timestamp);
    }
    return [packInts(idList, true) as Float64Array | BigUint64Array, packInts(tsList, false) as Float64Array | BigInt64Array];
  } else {
    throw invalidArgument('keys must be an iterable of { entityId, timestamp } or { entityIds, timestamps } columns');
  }
  const n = ids !== null && typeof ids === 'object' ? (ids as ArrayLike<unknown>).length : undefined;
  if (typeof n !== 'number') throw invalidArgument('keys.entityIds must be an array or typed array of integers');
  return [
    intColumn(ids, n, 'keys.entityIds', checkU64, true) as Float64Array | BigUint64Array,
    intColumn(tss, n, 'keys.timestamps', checkI64, false) as Float64Array | BigInt64Array,
  ];
}

function toColumns(points: Iterable<PointInput> | ColumnarBatch): Columns {
  if (points !== null && typeof points === 'object' && 'vectors' in points && 'dim' in points) {
    return columnsFromBatch(points as ColumnarBatch);
  }
  return columnsFromPoints(points);
}

/**
 * The hot tier: time-stamped vectors per entity and embedding space in RocksDB.
 *
 * @example
 * ```ts
 * import { HotStore } from 'cvx-storage';
 * const store = await HotStore.open('./data/example');
 * await store.put(0, { entityId: 42, timestamp: 1000, vector: [0.1, 0.2, 0.3] });
 * const p = await store.get(42, 0, 1000);         // { entityId: 42, timestamp: 1000, vector: Float32Array }
 * const tl = await store.getTimeline(42, 0);       // { pointCount: 1, firstSeen: 1000, ... }
 * await store.close();
 * ```
 */
export class HotStore {
  readonly #handle: NativeHandle;
  readonly #bigint: boolean;
  #queued: QueuedPut[] = [];
  // Copies of the queued puts' vectors, made when put() is called so the caller may refill
  // its array at once; the shim copies them again when the group is sent, so one buffer
  // serves every group and no group allocates.
  #staging = new Float32Array(0);
  #staged = 0;
  /** The directory this store lives in. */
  readonly path: string;

  private constructor(handle: NativeHandle, path: string, bigint: boolean) {
    this.#handle = handle;
    this.#bigint = bigint;
    this.path = path;
  }

  /** Opens (creating by default) the store in `path`, on the thread pool. */
  static async open(path: string, options?: HotStoreOptions): Promise<HotStore> {
    const o = resolveOptions(path, options);
    return new HotStore(await native.open(path, o.native), path, o.bigint);
  }

  /** Synchronous {@link HotStore.open}. */
  static openSync(path: string, options?: HotStoreOptions): HotStore {
    const o = resolveOptions(path, options);
    return new HotStore(native.openSync(path, o.native), path, o.bigint);
  }

  /** True until close() has been called. */
  get isOpen(): boolean {
    return native.isOpen(this.#handle);
  }

  /**
   * Writes one point (vector and timeline atomically). Overwrites an existing timestamp.
   *
   * Puts issued in the same tick are coalesced into one native batch write; each still
   * settles on its own and a refused point does not fail its neighbours.
   */
  put(spaceId: number, point: PointInput): Promise<void> {
    let p: CheckedPoint;
    let space: number;
    try {
      p = checkPoint(point, 'point');
      space = toU32(spaceId, 'spaceId');
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<void>((resolve, reject) => {
      if (this.#queued.length === 0) queueMicrotask(() => this.#flushPuts());
      const at = this.#stage(p.vector);
      const queued = { space, entityId: p.entityId, timestamp: p.timestamp, at, length: p.vector.length, resolve, reject };
      // A full group goes now: several groups in flight let the pool write one while the
      // main thread gathers the next, and keep each main-thread step short.
      if (this.#queued.push(queued) >= MAX_PUT_GROUP) this.#flushPuts();
    });
  }

  /** Synchronous {@link HotStore.put}. */
  putSync(spaceId: number, point: PointInput): void {
    const p = checkPoint(point, 'point');
    native.putSync(this.#handle, toU32(spaceId, 'spaceId'), p.entityId, p.timestamp, p.vector);
  }

  /** Writes many points as one atomic batch: all are stored or none. */
  async putMany(spaceId: number, points: Iterable<PointInput> | ColumnarBatch): Promise<void> {
    const space = toU32(spaceId, 'spaceId');
    const [ids, tss, vectors, dim] = toColumns(points);
    if (ids.length === 0) return this.#assertOpen();
    this.#flushPuts(); // puts called before this call are written before it (docs/threads.md)
    return native.putMany(this.#handle, space, ids, tss, vectors, dim);
  }

  /** Synchronous {@link HotStore.putMany}. */
  putManySync(spaceId: number, points: Iterable<PointInput> | ColumnarBatch): void {
    const space = toU32(spaceId, 'spaceId');
    const [ids, tss, vectors, dim] = toColumns(points);
    if (ids.length === 0) return this.#assertOpen();
    native.putManySync(this.#handle, space, ids, tss, vectors, dim);
  }

  /** The point at exactly `timestamp`, or undefined. */
  async get(entityId: IntLike, spaceId: number, timestamp: IntLike): Promise<TemporalPoint | undefined> {
    const e = checkU64(entityId, 'entityId');
    const t = checkI64(timestamp, 'timestamp');
    const v = await native.get(this.#handle, e, toU32(spaceId, 'spaceId'), t);
    return v && this.#point(e, t, v);
  }

  /** Synchronous {@link HotStore.get}. */
  getSync(entityId: IntLike, spaceId: number, timestamp: IntLike): TemporalPoint | undefined {
    const e = checkU64(entityId, 'entityId');
    const t = checkI64(timestamp, 'timestamp');
    const v = native.getSync(this.#handle, e, toU32(spaceId, 'spaceId'), t);
    return v && this.#point(e, t, v);
  }

  /**
   * The points at many keys of one space, in key order: each a {@link TemporalPoint}, or
   * undefined where nothing is stored. One native call and one RocksDB MultiGet, read from one
   * snapshot; each vector is a small result of its own, as get's. Pass `{ entityIds, timestamps }`
   * columns (Float64Array / BigUint64Array / BigInt64Array) to skip building key objects.
   *
   * @example
   * ```ts
   * const [a, b] = await store.getMany(0, [{ entityId: 42, timestamp: 1000 }, { entityId: 42, timestamp: 999 }]);
   * // a: { entityId: 42, timestamp: 1000, vector: Float32Array }, b: undefined
   * ```
   */
  async getMany(spaceId: number, keys: Iterable<PointKey> | KeyColumns, options?: GetManyOptions): Promise<Array<TemporalPoint | undefined>> {
    const space = toU32(spaceId, 'spaceId');
    const cols = toKeyColumns(keys);
    checkGetManyOptions(options, false);
    return this.#pointsAt(cols, await native.getMany(this.#handle, space, ...cols));
  }

  /**
   * Synchronous {@link HotStore.getMany}. With `options.into`, key i's vector is written at
   * element `i * dim` of the caller's Float32Array and each answer's `vector` is a view of it:
   * a batch of lookups lands as one matrix, with no fresh memory per vector.
   *
   * @example
   * ```ts
   * const into = new Float32Array(2 * 768); // room for 2 keys of dim 768
   * const [a, b] = store.getManySync(0, [{ entityId: 42, timestamp: 1000 }, { entityId: 7, timestamp: 5 }], { into });
   * // a.vector is into.subarray(0, 768); b, if stored, into.subarray(768, 1536)
   * ```
   */
  getManySync(spaceId: number, keys: Iterable<PointKey> | KeyColumns, options?: GetManyOptions): Array<TemporalPoint | undefined> {
    const space = toU32(spaceId, 'spaceId');
    const cols = toKeyColumns(keys);
    const into = checkGetManyOptions(options, true);
    if (!into) return this.#pointsAt(cols, native.getManySync(this.#handle, space, ...cols));
    const { dim, found } = native.getManySync(this.#handle, space, ...cols, into);
    const views: NativeGetMany = new Array(found.length);
    for (let i = 0; i < found.length; i++) views[i] = found[i] ? into.subarray(i * dim, (i + 1) * dim) : undefined;
    return this.#pointsAt(cols, views);
  }

  /** Points with start ≤ timestamp ≤ end, ascending (descending with `reverse`). */
  async range(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeOptions): Promise<TemporalPoint[]> {
    const e = checkU64(entityId, 'entityId');
    const r = checkRange(start, end, options);
    const cols = await native.range(this.#handle, e, toU32(spaceId, 'spaceId'), r.start, r.end, r.limit, r.reverse, !this.#bigint);
    return this.#points(e, cols);
  }

  /** Synchronous {@link HotStore.range}. */
  rangeSync(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeOptions): TemporalPoint[] {
    const e = checkU64(entityId, 'entityId');
    const r = checkRange(start, end, options);
    const cols = native.rangeSync(this.#handle, e, toU32(spaceId, 'spaceId'), r.start, r.end, r.limit, r.reverse, !this.#bigint);
    return this.#points(e, cols);
  }

  /** Like {@link HotStore.range}, but all vectors in one Float32Array and timestamps in one BigInt64Array. */
  async rangeColumns(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeOptions): Promise<RangeColumns> {
    const e = checkU64(entityId, 'entityId');
    const r = checkRange(start, end, options);
    return (await native.range(this.#handle, e, toU32(spaceId, 'spaceId'), r.start, r.end, r.limit, r.reverse, false)) as RangeColumns;
  }

  /**
   * Synchronous {@link HotStore.rangeColumns}. With `options.into`, the vectors are written into
   * the caller's Float32Array (from element 0) and `vectors` is a view of it: reusing one buffer
   * for many ranges avoids fresh memory per call, which is most of what a range costs beyond the
   * engine. The next call with the same buffer overwrites the previous result.
   *
   * @example
   * ```ts
   * const into = new Float32Array(1000 * 768); // room for 1000 points of dim 768
   * for (const id of [42, 43]) {
   *   const { count, dim, vectors } = store.rangeColumnsSync(id, 0, 0, Date.now(), { into, limit: 1000 });
   *   // use vectors (a view of `into`) before the next call overwrites it
   * }
   * ```
   */
  rangeColumnsSync(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeColumnsOptions): RangeColumns {
    const e = checkU64(entityId, 'entityId');
    const r = checkRange(start, end, options, true);
    const cols = native.rangeSync(this.#handle, e, toU32(spaceId, 'spaceId'), r.start, r.end, r.limit, r.reverse, false, r.into);
    if (r.into) cols.vectors = r.into.subarray(0, cols.count * cols.dim);
    return cols as RangeColumns;
  }

  /** Removes one point; resolves true when a point was removed. The timeline stays exact. */
  async delete(entityId: IntLike, spaceId: number, timestamp: IntLike): Promise<boolean> {
    const args = [checkU64(entityId, 'entityId'), toU32(spaceId, 'spaceId'), checkI64(timestamp, 'timestamp')] as const;
    this.#flushPuts(); // puts called before this call are written before it (docs/threads.md)
    return native.delete(this.#handle, ...args);
  }

  /** Synchronous {@link HotStore.delete}. */
  deleteSync(entityId: IntLike, spaceId: number, timestamp: IntLike): boolean {
    return native.deleteSync(this.#handle, checkU64(entityId, 'entityId'), toU32(spaceId, 'spaceId'), checkI64(timestamp, 'timestamp'));
  }

  /** The entity's timeline in a space (first/last timestamp, exact point count), or undefined. */
  async getTimeline(entityId: IntLike, spaceId: number): Promise<EntityTimeline | undefined> {
    const rec = await native.getTimeline(this.#handle, checkU64(entityId, 'entityId'), toU32(spaceId, 'spaceId'));
    return rec && decodeTimeline(rec, this.#bigint);
  }

  /** Synchronous {@link HotStore.getTimeline}. */
  getTimelineSync(entityId: IntLike, spaceId: number): EntityTimeline | undefined {
    const rec = native.getTimelineSync(this.#handle, checkU64(entityId, 'entityId'), toU32(spaceId, 'spaceId'));
    return rec && decodeTimeline(rec, this.#bigint);
  }

  /**
   * Retention: removes every point of the entity in the space with start ≤ timestamp ≤ end,
   * as one RocksDB range tombstone plus an exact timeline update in the same atomic batch.
   * Resolves to the number of points removed. Applied after the async writes called before it,
   * awaited or not. Follow large retention passes with {@link HotStore.compact} so the
   * tombstones stop costing reads.
   *
   * @example
   * ```ts
   * const removed = await store.deleteRange(42, 0, 0, Date.now() - 30 * 86_400_000); // keep 30 days
   * ```
   */
  async deleteRange(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike): Promise<number> {
    const e = checkU64(entityId, 'entityId');
    const r = checkRange(start, end, undefined);
    const space = toU32(spaceId, 'spaceId');
    this.#flushPuts(); // puts called before this call are written before it (docs/threads.md)
    return native.deleteRange(this.#handle, e, space, r.start, r.end);
  }

  /** Synchronous {@link HotStore.deleteRange}. */
  deleteRangeSync(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike): number {
    const e = checkU64(entityId, 'entityId');
    const r = checkRange(start, end, undefined);
    return native.deleteRangeSync(this.#handle, e, toU32(spaceId, 'spaceId'), r.start, r.end);
  }

  /**
   * Every timeline in the store (optionally of one space), in key order (entity, then space).
   * Reads from one RocksDB snapshot taken at the first step, in batches of a few hundred
   * timelines per native call; breaking out of the loop releases the snapshot.
   *
   * @example
   * ```ts
   * for await (const tl of store.entities(0)) console.log(tl.entityId, tl.pointCount);
   * ```
   */
  entities(spaceId?: number): AsyncIterableIterator<EntityTimeline> {
    const space = spaceId === undefined ? undefined : toU32(spaceId, 'spaceId');
    const handle = this.#handle;
    const bigint = this.#bigint;
    return (async function* () {
      const it = native.iterator(handle, 'timelines', {});
      try {
        for (;;) {
          const [records, ended] = await native.iteratorNext(handle, it, ENTITY_BATCH, 0, false, true, false, false);
          yield* timelinesIn(records, bigint, space);
          if (ended) return;
        }
      } finally {
        native.iteratorClose(it);
      }
    })();
  }

  /** Synchronous {@link HotStore.entities}: a plain iterator. */
  entitiesSync(spaceId?: number): IterableIterator<EntityTimeline> {
    const space = spaceId === undefined ? undefined : toU32(spaceId, 'spaceId');
    const handle = this.#handle;
    const bigint = this.#bigint;
    return (function* () {
      const it = native.iterator(handle, 'timelines', {});
      try {
        for (;;) {
          const [records, ended] = native.iteratorNextSync(handle, it, ENTITY_BATCH, 0, false, true, false, false);
          yield* timelinesIn(records, bigint, space);
          if (ended) return;
        }
      } finally {
        native.iteratorClose(it);
      }
    })();
  }

  /**
   * Every space with its dimension, entity count and point count (summed from the exact
   * timelines, so this reads the whole, small, timelines column family).
   *
   * @example
   * ```ts
   * await store.spaces(); // [{ spaceId: 0, dim: 384, entities: 1000, points: 100000 }]
   * ```
   */
  async spaces(): Promise<SpaceInfo[]> {
    return native.spaceSummaries(this.#handle);
  }

  /** Synchronous {@link HotStore.spaces}. */
  spacesSync(): SpaceInfo[] {
    return native.spaceSummariesSync(this.#handle);
  }

  /**
   * RocksDB's view of the store: per column family live data, estimated keys, memtable
   * bytes, SST files and compression; bloom-filter tickers; and {@link HotStore.spaces}.
   *
   * @example
   * ```ts
   * const s = await store.stats();
   * console.log(s.columnFamilies.vectors.sstFiles, s.bloom.prefixUseful);
   * ```
   */
  async stats(): Promise<StoreStats> {
    const [cfs, spaces] = await Promise.all([native.columnFamilies(this.#handle), native.spaceSummaries(this.#handle)]);
    return collectStats(this.#handle, this.path, cfs, spaces);
  }

  /** Synchronous {@link HotStore.stats}. */
  statsSync(): StoreStats {
    return collectStats(this.#handle, this.path, native.columnFamiliesSync(this.#handle), native.spaceSummariesSync(this.#handle));
  }

  /**
   * Full manual compaction of every column family: reclaims the space of deleted points
   * and drops range tombstones left by {@link HotStore.deleteRange}. Runs on the thread pool.
   *
   * @example
   * ```ts
   * await store.compact();
   * ```
   */
  async compact(): Promise<void> {
    return native.compact(this.#handle);
  }

  /** Synchronous {@link HotStore.compact}; blocks until compaction is done. */
  compactSync(): void {
    native.compactSync(this.#handle);
  }

  /**
   * Writes a consistent copy of the store to `dir` (which must not exist; its parent is
   * created) while the store stays open: a RocksDB checkpoint, hard-linking SST files when
   * `dir` is on the same filesystem. The copy opens with {@link HotStore.open}. It holds every
   * async write called before this call, awaited or not, and none called after.
   *
   * @example
   * ```ts
   * await store.checkpoint('./backups/2024-06-01');
   * const copy = await HotStore.open('./backups/2024-06-01', { readOnly: true });
   * ```
   */
  async checkpoint(dir: string): Promise<void> {
    const to = checkCheckpointDir(dir);
    this.#flushPuts(); // the copy holds every async write called before this call
    return native.checkpoint(this.#handle, to);
  }

  /** Synchronous {@link HotStore.checkpoint}. */
  checkpointSync(dir: string): void {
    native.checkpointSync(this.#handle, checkCheckpointDir(dir));
  }

  /**
   * Checks every timeline against the vectors it summarises (one consistent snapshot; writers
   * are not blocked) and reports each disagreement and every undecodable record.
   */
  async verify(options?: VerifyOptions): Promise<VerifyReport> {
    return verifyAsync(this.#handle, this.#bigint, options, false);
  }

  /** Synchronous {@link HotStore.verify}. */
  verifySync(options?: VerifyOptions): VerifyReport {
    return verifySync(this.#handle, this.#bigint, options, false);
  }

  /**
   * Rewrites every wrong, missing or undecodable timeline from the vectors and deletes orphan
   * timelines, holding the write lock for the whole pass. Undecodable vectors are only
   * reported unless `dropUndecodable` is set. The report lists what was found and `repaired`
   * what was changed.
   */
  async repair(options?: RepairOptions): Promise<VerifyReport> {
    return verifyAsync(this.#handle, this.#bigint, options, true);
  }

  /** Synchronous {@link HotStore.repair}. */
  repairSync(options?: RepairOptions): VerifyReport {
    return verifySync(this.#handle, this.#bigint, options, true);
  }

  /** Closes the store after in-flight operations settle. Idempotent. */
  async close(): Promise<void> {
    this.#flushPuts(); // puts issued before close() are in flight, not refused
    return native.close(this.#handle);
  }

  /** Synchronous {@link HotStore.close}; blocks until in-flight operations have finished. */
  closeSync(): void {
    this.#flushPuts();
    native.closeSync(this.#handle);
  }

  /** Copies a vector to the end of the staging buffer (grown when full); returns its offset. */
  #stage(vector: Float32Array): number {
    const at = this.#staged;
    if (at + vector.length > this.#staging.length) {
      const grown = new Float32Array(Math.max(2 * this.#staging.length, at + vector.length, 1024));
      grown.set(this.#staging.subarray(0, at));
      this.#staging = grown;
    }
    this.#staging.set(vector, at);
    this.#staged = at + vector.length;
    return at;
  }

  /** Sends the puts queued this tick: alone through put, together through putGroup. */
  #flushPuts(): void {
    const group = this.#queued;
    if (group.length === 0) return;
    this.#queued = [];
    const staging = this.#staging;
    this.#staged = 0;
    if (staging.length > MAX_KEPT_STAGING) this.#staging = new Float32Array(0);
    const h = this.#handle;
    try {
      // Both calls copy the vectors out of `staging` before they return.
      if (group.length === 1) {
        const { space, entityId, timestamp, at, length, resolve, reject } = group[0];
        native.put(h, space, entityId, timestamp, staging.subarray(at, at + length)).then(resolve, reject);
        return;
      }
      const n = group.length;
      const spaces = new Uint32Array(n);
      const offsets = new Uint32Array(n + 1);
      let numbers = true;
      for (let i = 0; i < n; i++) {
        const g = group[i];
        spaces[i] = g.space;
        offsets[i + 1] = g.at + g.length;
        if (typeof g.entityId !== 'number' || typeof g.timestamp !== 'number') numbers = false;
      }
      const ids = numbers ? new Float64Array(n) : new BigUint64Array(n);
      const tss = numbers ? new Float64Array(n) : new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const { entityId, timestamp } = group[i];
        ids[i] = (numbers ? entityId : BigInt(entityId)) as never;
        tss[i] = (numbers ? timestamp : BigInt(timestamp)) as never;
      }
      native.putGroup(h, spaces, ids, tss, staging.subarray(0, offsets[n]), offsets).then(
        (results) => results.forEach((err, i) => (err ? group[i].reject(err) : group[i].resolve())),
        (err) => group.forEach((g) => g.reject(err)),
      );
    } catch (err) {
      for (const g of group) g.reject(err);
    }
  }

  /** @internal The native handle, for the modules of this package (introspection, adapters). */
  get _handle(): NativeHandle {
    return this.#handle;
  }

  #assertOpen(): void {
    if (!native.isOpen(this.#handle)) throw makeError('CVX_NOT_OPEN', 'the store is closed');
  }

  #point(entityId: IntLike, timestamp: IntLike, vector: Float32Array): TemporalPoint {
    return {
      entityId: toOutput(entityId, this.#bigint, 'entityId'),
      timestamp: toOutput(timestamp, this.#bigint, 'timestamp'),
      vector,
    };
  }

  #pointsAt([ids, tss]: KeyCols, got: NativeGetMany): Array<TemporalPoint | undefined> {
    const out: Array<TemporalPoint | undefined> = new Array(got.length);
    for (let i = 0; i < got.length; i++) {
      const v = got[i];
      out[i] = v === undefined ? undefined : this.#point(ids[i], tss[i], v);
    }
    return out;
  }

  #points(entityId: IntLike, cols: NativeRange<BigInt64Array | Float64Array>): TemporalPoint[] {
    const id = toOutput(entityId, this.#bigint, 'entityId');
    const { count, dim, timestamps, vectors } = cols;
    const out: TemporalPoint[] = new Array(count);
    for (let i = 0; i < count; i++) {
      out[i] = { entityId: id, timestamp: timestamps[i], vector: vectors.subarray(i * dim, (i + 1) * dim) };
    }
    return out;
  }
}


