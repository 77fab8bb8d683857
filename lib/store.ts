// The public HotStore class. It only wires the pieces: arguments checked by validate.ts
// (and packed by columns.ts), one native call per operation, answers shaped by shape.ts;
// async puts go through its PutCoalescer, opening through open.ts. No engine logic lives here.
import { asOfArgs, asOfPoint, asOfPointSync, latestArgs, TIMESTAMP_SLOT } from './as_of';
import { flags, native, NativeHandle } from './binding';
import { PutCoalescer } from './coalescer';
import { ColumnarBatch, KeyColumns, toColumns, toKeyColumns } from './columns';
import { rebuildAsync, rebuildSync, salvageReport } from './damage';
import { storeClosed } from './errors';
import { resolveOptions, undoCreated } from './open';
import { checkCheckpointDir, collectStats, entityTimelines, entityTimelinesSync } from './operations';
import { decodeTimeline } from './records';
import { pointOf, pointsAt, pointsOf, viewsOf } from './shape';
import type {
  AsOfOptions, EntityTimeline, GetManyOptions, HotStoreOptions, IntLike, PointInput, PointKey, RangeColumns, RangeColumnsOptions, RangeOptions, RebuildReport,
  RepairOptions, SalvageReport, SpaceInfo, StoreStats, TemporalPoint, VerifyOptions, VerifyReport,
} from './types';
import { verifyAsync, verifySync } from './verify';
import { checkGetManyOptions, checkI64, checkPoint, checkRange, checkU64, toU32 } from './validate';

/** A range's native flags: its order, and whether timestamps come back as numbers (number mode). */
function rangeFlags(reverse: boolean, timestampsAsNumbers: boolean): number {
  return (reverse ? flags.reverse : 0) | (timestampsAsNumbers ? flags.timestampsAsNumbers : 0);
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
  readonly #puts: PutCoalescer;
  /** The directory this store lives in. */
  readonly path: string;

  private constructor(handle: NativeHandle, path: string, bigint: boolean) {
    this.#handle = handle;
    this.#bigint = bigint;
    this.#puts = new PutCoalescer(handle);
    this.path = path;
  }

  /** Opens (creating by default) the store in `path`, on the thread pool. */
  static async open(path: string, options?: HotStoreOptions): Promise<HotStore> {
    const o = resolveOptions(path, options);
    let handle: NativeHandle;
    try {
      handle = await native.open(path, o.native);
    } catch (e) {
      undoCreated(o, e);
      throw e;
    }
    return new HotStore(handle, path, o.bigint);
  }

  /** Synchronous {@link HotStore.open}. */
  static openSync(path: string, options?: HotStoreOptions): HotStore {
    const o = resolveOptions(path, options);
    let handle: NativeHandle;
    try {
      handle = native.openSync(path, o.native);
    } catch (e) {
      undoCreated(o, e);
      throw e;
    }
    return new HotStore(handle, path, o.bigint);
  }

  /**
   * Rebuilds a store whose MANIFEST is damaged, which an open refuses with CVX_CORRUPTION
   * ("the MANIFEST is damaged"): RocksDB's repair makes a new MANIFEST from the table files
   * and WAL files in `path`, then the timelines are recomputed from the vectors. Every point
   * that is in a readable table file or WAL record comes back. The store must not be open.
   *
   * @example
   * ```ts
   * import { HotStore } from 'cvx-storage';
   * const report = await HotStore.rebuild('./data/example');
   * console.log(`${report.vectors} points in ${report.series} timelines; moved aside: ${report.lost.join(', ') || 'nothing'}`);
   * const store = await HotStore.open('./data/example');
   * await store.close();
   * ```
   */
  static rebuild(path: string): Promise<RebuildReport> {
    return rebuildAsync(path);
  }

  /** Synchronous {@link HotStore.rebuild}. */
  static rebuildSync(path: string): RebuildReport {
    return rebuildSync(path);
  }

  /**
   * What an open with `salvage: true` dropped: the damaged WAL records it skipped and the
   * timelines it then repaired. Undefined when nothing was dropped (or without `salvage`).
   *
   * @example
   * ```ts
   * import { HotStore } from 'cvx-storage';
   * const store = await HotStore.open('./data/example', { salvage: true });
   * if (store.salvaged) console.warn(`dropped ${store.salvaged.droppedBytes} bytes of ${store.salvaged.walFiles.join(', ')}`);
   * await store.close();
   * ```
   */
  get salvaged(): SalvageReport | undefined {
    return salvageReport(this.#handle);
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
    try {
      const p = checkPoint(point, 'point');
      return this.#puts.put(toU32(spaceId, 'spaceId'), p);
    } catch (e) {
      return Promise.reject(e);
    }
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
    this.#puts.flush(); // puts called before this call are written before it (docs/threads.md)
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
    return v && pointOf(e, t, v, this.#bigint);
  }

  /** Synchronous {@link HotStore.get}. */
  getSync(entityId: IntLike, spaceId: number, timestamp: IntLike): TemporalPoint | undefined {
    const e = checkU64(entityId, 'entityId');
    const t = checkI64(timestamp, 'timestamp');
    const v = native.getSync(this.#handle, e, toU32(spaceId, 'spaceId'), t);
    return v && pointOf(e, t, v, this.#bigint);
  }

  /**
   * The entity's point with the greatest timestamp ≤ `t` (its state as of `t`), or undefined;
   * with `options.tolerance`, only if that timestamp is also ≥ `t − tolerance`. One native
   * call, one RocksDB seek: the cost does not grow with the entity's history.
   *
   * @example
   * ```ts
   * await store.put(0, { entityId: 42, timestamp: 1000, vector: [1, 2] });
   * const p = await store.getAsOf(42, 0, 1500);                      // the point at 1000
   * const q = await store.getAsOf(42, 0, 1500, { tolerance: 100 });  // undefined: 1000 < 1400
   * ```
   */
  async getAsOf(entityId: IntLike, spaceId: number, t: IntLike, options?: AsOfOptions): Promise<TemporalPoint | undefined> {
    const args = asOfArgs(entityId, spaceId, t, options);
    return asOfPoint(args[0], await native.getAsOf(this.#handle, ...args), this.#bigint);
  }

  /**
   * Synchronous {@link HotStore.getAsOf}.
   *
   * @example
   * ```ts
   * const p = store.getAsOfSync(42, 0, Date.now(), { tolerance: 60_000 }); // a point of the last minute, or undefined
   * ```
   */
  getAsOfSync(entityId: IntLike, spaceId: number, t: IntLike, options?: AsOfOptions): TemporalPoint | undefined {
    const args = asOfArgs(entityId, spaceId, t, options);
    return asOfPointSync(args[0], native.getAsOfSync(this.#handle, ...args, TIMESTAMP_SLOT), this.#bigint);
  }

  /**
   * The entity's newest point in the space (getAsOf at the top of the i64 domain), or undefined.
   *
   * @example
   * ```ts
   * const latest = await store.getLatest(42, 0); // { entityId: 42, timestamp, vector } or undefined
   * ```
   */
  async getLatest(entityId: IntLike, spaceId: number): Promise<TemporalPoint | undefined> {
    const args = latestArgs(entityId, spaceId);
    return asOfPoint(args[0], await native.getAsOf(this.#handle, ...args), this.#bigint);
  }

  /**
   * Synchronous {@link HotStore.getLatest}.
   *
   * @example
   * ```ts
   * const latest = store.getLatestSync(42, 0);
   * ```
   */
  getLatestSync(entityId: IntLike, spaceId: number): TemporalPoint | undefined {
    const args = latestArgs(entityId, spaceId);
    return asOfPointSync(args[0], native.getAsOfSync(this.#handle, ...args, TIMESTAMP_SLOT), this.#bigint);
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
    return pointsAt(cols, await native.getMany(this.#handle, space, ...cols), this.#bigint);
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
    if (!into) return pointsAt(cols, native.getManySync(this.#handle, space, ...cols), this.#bigint);
    return pointsAt(cols, viewsOf(into, native.getManySync(this.#handle, space, ...cols, into)), this.#bigint);
  }

  /** Points with start ≤ timestamp ≤ end, ascending (descending with `reverse`). */
  async range(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeOptions): Promise<TemporalPoint[]> {
    const e = checkU64(entityId, 'entityId');
    const r = checkRange(start, end, options);
    const cols = await native.range(this.#handle, e, toU32(spaceId, 'spaceId'), r.start, r.end, r.limit, rangeFlags(r.reverse, !this.#bigint));
    return pointsOf(e, cols, this.#bigint);
  }

  /** Synchronous {@link HotStore.range}. */
  rangeSync(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeOptions): TemporalPoint[] {
    const e = checkU64(entityId, 'entityId');
    const r = checkRange(start, end, options);
    const cols = native.rangeSync(this.#handle, e, toU32(spaceId, 'spaceId'), r.start, r.end, r.limit, rangeFlags(r.reverse, !this.#bigint));
    return pointsOf(e, cols, this.#bigint);
  }

  /** Like {@link HotStore.range}, but all vectors in one Float32Array and timestamps in one BigInt64Array. */
  async rangeColumns(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeOptions): Promise<RangeColumns> {
    const e = checkU64(entityId, 'entityId');
    const r = checkRange(start, end, options);
    return (await native.range(this.#handle, e, toU32(spaceId, 'spaceId'), r.start, r.end, r.limit, rangeFlags(r.reverse, false))) as RangeColumns;
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
    const cols = native.rangeSync(this.#handle, e, toU32(spaceId, 'spaceId'), r.start, r.end, r.limit, rangeFlags(r.reverse, false), r.into);
    if (r.into) cols.vectors = r.into.subarray(0, cols.count * cols.dim);
    return cols as RangeColumns;
  }

  /** Removes one point; resolves true when a point was removed. The timeline stays exact. */
  async delete(entityId: IntLike, spaceId: number, timestamp: IntLike): Promise<boolean> {
    const args = [checkU64(entityId, 'entityId'), toU32(spaceId, 'spaceId'), checkI64(timestamp, 'timestamp')] as const;
    this.#puts.flush(); // puts called before this call are written before it (docs/threads.md)
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
    this.#puts.flush(); // puts called before this call are written before it (docs/threads.md)
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
    return entityTimelines(this.#handle, this.#bigint, space);
  }

  /** Synchronous {@link HotStore.entities}: a plain iterator. */
  entitiesSync(spaceId?: number): IterableIterator<EntityTimeline> {
    const space = spaceId === undefined ? undefined : toU32(spaceId, 'spaceId');
    return entityTimelinesSync(this.#handle, this.#bigint, space);
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
   * created) while the store stays open. A `dir` that is this store's directory or lies inside
   * it, under any spelling (relative, through a symlink, with `..`), is refused with
   * `CVX_INVALID_ARGUMENT` before anything is created. The copy is a RocksDB checkpoint,
   * hard-linking SST files when `dir` is on the same filesystem, and opens with
   * {@link HotStore.open}. It holds every async write called before this call, awaited or not,
   * and none called after.
   *
   * @example
   * ```ts
   * await store.checkpoint('./backups/2024-06-01');
   * const copy = await HotStore.open('./backups/2024-06-01', { readOnly: true });
   * ```
   */
  async checkpoint(dir: string): Promise<void> {
    const to = checkCheckpointDir(dir);
    this.#puts.flush(); // the copy holds every async write called before this call
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
    this.#puts.flush(); // puts issued before close() are in flight, not refused
    return native.close(this.#handle);
  }

  /** Synchronous {@link HotStore.close}; blocks until in-flight operations have finished. */
  closeSync(): void {
    this.#puts.flush();
    native.closeSync(this.#handle);
  }

  /** @internal The native handle, for the modules of this package (introspection, adapters). */
  get _handle(): NativeHandle {
    return this.#handle;
  }

  #assertOpen(): void {
    if (!native.isOpen(this.#handle)) throw storeClosed();
  }
}
