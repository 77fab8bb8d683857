// The public HotStore class. It only wires the pieces: the reads it shares with snapshots come
// from ReadView (read_view.ts); its writes check their arguments (validate.ts, columns.ts) and
// make one native call each, async puts through its PutCoalescer; opening goes through open.ts.
// No engine logic lives here.
import { native, NativeHandle } from './binding';
import { checkBulkOptions, runBulkLoad, type BulkItem, type BulkLoadOptions, type BulkLoadResult } from './bulk_load';
import { PutCoalescer } from './coalescer';
import { ColumnarBatch, toColumns } from './columns';
import { rebuildAsync, rebuildSync, salvageReport } from './damage';
import { storeClosed } from './errors';
import { FollowTimer } from './follow';
import { resolveOptions, undoCreated, type ResolvedOpen } from './open';
import { checkCheckpointDir, collectStats } from './operations';
import { StoreSnapshot } from './snapshot';
import { StoreFeed } from './store_feed';
import type {
  HotStoreOptions, IntLike, PointInput, RebuildReport, RepairOptions, SalvageReport, StoreStats, VerifyOptions, VerifyReport,
} from './types';
import { verifyAsync, verifySync } from './verify';
import { checkI64, checkPoint, checkRange, checkU64, toU32 } from './validate';
import { WriteGate } from './write_gate';

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
export class HotStore extends StoreFeed {
  readonly #handle: NativeHandle;
  readonly #bigint: boolean;
  readonly #puts: PutCoalescer;
  readonly #gate = new WriteGate(); // async writes issued while a bulk load runs wait here
  /** The directory this store lives in. */
  readonly path: string;
  #follow?: FollowTimer; // a follower's automatic catch-up (followIntervalMs)

  private constructor(handle: NativeHandle, path: string, bigint: boolean, o?: ResolvedOpen) {
    super(handle, bigint, o?.native.follower ?? false);
    this.#handle = handle;
    this.#bigint = bigint;
    this.#puts = new PutCoalescer(handle);
    this.path = path;
    const ms = o?.follow.intervalMs;
    if (ms !== undefined) this.#follow = new FollowTimer(handle, { ...o!.follow, intervalMs: ms });
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
    return new HotStore(handle, path, o.bigint, o);
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
    return new HotStore(handle, path, o.bigint, o);
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
      const space = toU32(spaceId, 'spaceId');
      if (this.#gate.closed) return this.#gate.run(() => this.#puts.put(space, p));
      return this.#puts.put(space, p);
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
    return this.#gate.run(() => {
      this.#puts.flush(); // puts called before this call are written before it (docs/threads.md)
      return native.putMany(this.#handle, space, ids, tss, vectors, dim);
    });
  }

  /**
   * Loads many points as sorted table files ingested at once (no WAL, no memtable): for
   * backfills, imports, migrations. `source`: an iterable or async iterable of points or of
   * columnar batches, one dimension. Sorted in bounded memory (`options.memoryBytes`, default
   * 512 MiB; more is spilled as sorted runs inside the store and merged). Vectors, timelines and
   * a new space's dimension land in one atomic step, also across a crash; timelines stay exact
   * (an overwrite is not counted twice; a key given twice keeps the last). A refused item
   * (naming `source[i]`) leaves the store unchanged. Async writes called while it runs apply
   * after it (sync writes cannot wait in line: they apply at once while the source is read, and
   * block until the final merge and ingest ends when called during it). close() during a load
   * sends the writes called before it (they apply) and refuses the load (CVX_NOT_OPEN). Each
   * read call sees all of it or none. docs/api.md has the details.
   *
   * @example
   * ```ts
   * async function* rows() {
   *   for (let i = 0; i < 1000; i++) yield { entityId: i % 10, timestamp: i, vector: [i, 0, 1] };
   * }
   * const { loaded, overwritten } = await store.bulkLoad(0, rows()); // 1000, 0
   * ```
   */
  bulkLoad(spaceId: number, source: Iterable<BulkItem> | AsyncIterable<BulkItem>, options?: BulkLoadOptions): Promise<BulkLoadResult> {
    try {
      const space = toU32(spaceId, 'spaceId');
      const memory = checkBulkOptions(options);
      this.#assertOpen();
      this.#puts.flush(); // puts called before this call are written before it
      return runBulkLoad(this.#handle, this.#gate, space, source, memory);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Synchronous {@link HotStore.putMany}. */
  putManySync(spaceId: number, points: Iterable<PointInput> | ColumnarBatch): void {
    const space = toU32(spaceId, 'spaceId');
    const [ids, tss, vectors, dim] = toColumns(points);
    if (ids.length === 0) return this.#assertOpen();
    native.putManySync(this.#handle, space, ids, tss, vectors, dim);
  }

  /**
   * A consistent read view of the store as it is now (a RocksDB snapshot): every read method of
   * the store, answered as of this moment across any number of calls, while writes go on.
   * Points deleted, range-deleted or compacted away after it was taken stay readable through
   * it. It holds every write that has completed when it is taken (every sync write, every
   * async write whose promise has settled); an async write still in flight is in it whole or
   * not at all (batches are atomic). Release it when done (`release()`, or `using` /
   * `await using`): a live snapshot keeps the data it can see from being reclaimed. Closing
   * the store releases it too.
   *
   * @example
   * ```ts
   * const snap = store.snapshot();
   * await store.put(0, { entityId: 42, timestamp: 2000, vector: [0.5, 0.5, 0.5] });
   * await snap.getLatest(42, 0);  // still the point at 1000: the snapshot was taken before the put
   * snap.release();
   * ```
   */
  snapshot(): StoreSnapshot {
    return StoreSnapshot._take(this.#handle, this.#bigint);
  }

  /** Removes one point; resolves true when a point was removed. The timeline stays exact. */
  async delete(entityId: IntLike, spaceId: number, timestamp: IntLike): Promise<boolean> {
    const args = [checkU64(entityId, 'entityId'), toU32(spaceId, 'spaceId'), checkI64(timestamp, 'timestamp')] as const;
    return this.#gate.run(() => {
      this.#puts.flush(); // puts called before this call are written before it (docs/threads.md)
      return native.delete(this.#handle, ...args);
    });
  }

  /** Synchronous {@link HotStore.delete}. */
  deleteSync(entityId: IntLike, spaceId: number, timestamp: IntLike): boolean {
    return native.deleteSync(this.#handle, checkU64(entityId, 'entityId'), toU32(spaceId, 'spaceId'), checkI64(timestamp, 'timestamp'));
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
    return this.#gate.run(() => {
      this.#puts.flush(); // puts called before this call are written before it (docs/threads.md)
      return native.deleteRange(this.#handle, e, space, r.start, r.end);
    });
  }

  /** Synchronous {@link HotStore.deleteRange}. */
  deleteRangeSync(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike): number {
    const e = checkU64(entityId, 'entityId');
    const r = checkRange(start, end, undefined);
    return native.deleteRangeSync(this.#handle, e, toU32(spaceId, 'spaceId'), r.start, r.end);
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
   * const { sequence } = await store.checkpoint('./backups/2024-06-01');
   * const copy = await HotStore.open('./backups/2024-06-01', { readOnly: true });
   * ```
   * Resolves `{ sequence }`: the store's sequence the copy holds; a change feed consumer that
   * starts from the copy resumes with `changes({ since: sequence })`.
   */
  async checkpoint(dir: string): Promise<{ sequence: number }> {
    const to = checkCheckpointDir(dir);
    return this.#gate.run(() => {
      this.#puts.flush(); // the copy holds every async write called before this call
      return native.checkpoint(this.#handle, to);
    });
  }

  /** Synchronous {@link HotStore.checkpoint}. */
  checkpointSync(dir: string): { sequence: number } {
    return native.checkpointSync(this.#handle, checkCheckpointDir(dir));
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
    this.#follow?.stop();
    this.#puts.flush(); // puts issued before close() are in flight, not refused
    this.#gate.shut(); // so are writes held behind a bulk load (which is refused: CVX_NOT_OPEN)
    this.#puts.flush(); // the puts among them
    this._flushReads(); // and so are gets and as-of reads
    return native.close(this.#handle);
  }

  /** Synchronous {@link HotStore.close}; blocks until in-flight operations have finished. */
  closeSync(): void {
    this.#follow?.stop();
    this.#puts.flush();
    this.#gate.shut();
    this.#puts.flush();
    this._flushReads();
    native.closeSync(this.#handle);
  }

  /** @internal StoreFeed: puts called before a feed starts are written before its start is read. */
  protected _flushPuts(): void {
    this.#puts.flush();
  }

  #assertOpen(): void {
    if (!native.isOpen(this.#handle)) throw storeClosed();
  }
}
