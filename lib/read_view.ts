// The read methods every read target has: HotStore (the store as it is now) and StoreSnapshot
// (the store at one moment, lib/snapshot.ts). Each checks its arguments (validate.ts, as_of.ts,
// columns.ts), makes one native call on its target (a store handle or a read view's handle:
// the shim reads either) and shapes the answer (shape.ts). No engine logic lives here.
import { asOfArgs, asOfColumns, asOfPoint, asOfPointSync, latestArgs, manyAsOfArgs, TIMESTAMP_SLOT } from './as_of';
import { flags, native, NativeHandle, NativeReadHandle } from './binding';
import { KeyColumns, toKeyColumns } from './columns';
import { AsOfCoalescer } from './as_of_coalescer';
import { GetCoalescer } from './get_coalescer';
import { latestAll, latestAllArgs } from './latest_all';
import { entityTimelines, entityTimelinesSync } from './operations';
import { decodeTimeline } from './records';
import { pointOf, pointsAt, pointsOf, viewsOf } from './shape';
import type {
  AsOfColumns, AsOfOptions, EntityTimeline, GetManyOptions, IntLike, LatestAllOptions, ManyAsOfOptions, PointBatch, PointKey, RangeColumns, RangeColumnsOptions, RangeOptions, SpaceInfo, TemporalPoint,
} from './types';
import { checkGetManyOptions, checkI64, checkRange, checkU64, toU32 } from './validate';

/** A range's native flags: its order, and whether timestamps come back as numbers (number mode). */
function rangeFlags(reverse: boolean, timestampsAsNumbers: boolean): number {
  return (reverse ? flags.reverse : 0) | (timestampsAsNumbers ? flags.timestampsAsNumbers : 0);
}

/**
 * Point, range, as-of, timeline and listing reads. {@link HotStore} reads the store as it is
 * when each call runs; {@link StoreSnapshot} (from {@link HotStore.snapshot}) reads it as it
 * was when the snapshot was taken. The methods are the same on both.
 *
 * @example
 * ```ts
 * import { HotStore } from 'cvx-storage';
 * const store = await HotStore.open('./data/example');
 * await store.put(0, { entityId: 42, timestamp: 1000, vector: [0.1, 0.2, 0.3] });
 * const p = await store.get(42, 0, 1000); // { entityId: 42, timestamp: 1000, vector: Float32Array }
 * await store.close();
 * ```
 */
export class ReadView {
  readonly #target: NativeReadHandle;
  readonly #bigint: boolean;
  /** The target is a store (not a view): a walk over many calls takes its own view of it. */
  readonly #isStore: boolean;
  /** This target's async gets of one tick, sent as one MultiGet (get_coalescer.ts). */
  readonly #gets: GetCoalescer;
  /** This target's async getAsOf / getLatest of one tick, sent as one getManyAsOf (as_of_coalescer.ts). */
  readonly #asOfs: AsOfCoalescer;

  /** @internal Made by HotStore and StoreSnapshot only. */
  protected constructor(target: NativeReadHandle, bigint: boolean, isStore: boolean) {
    this.#target = target;
    this.#bigint = bigint;
    this.#isStore = isStore;
    this.#gets = new GetCoalescer(target);
    this.#asOfs = new AsOfCoalescer(target);
  }

  /** @internal Sends the gets and as-of reads queued this tick, before the target closes or is released. */
  protected _flushReads(): void {
    this.#gets.flush();
    this.#asOfs.flush();
  }

  /**
   * The point at exactly `timestamp`, or undefined. Gets called in the same tick on the same
   * store (or the same snapshot) are read together, in one RocksDB MultiGet on the thread pool;
   * each promise still settles with its own answer, and an argument refused here rejects only its
   * own call. A lone get is answered on the calling thread when its data is in memory or in the
   * OS page cache, and goes to the pool only when it would wait for the disk.
   *
   * @example
   * ```ts
   * const [a, b] = await Promise.all([store.get(42, 0, 1000), store.get(7, 0, 1000)]); // one engine call
   * ```
   */
  async get(entityId: IntLike, spaceId: number, timestamp: IntLike): Promise<TemporalPoint | undefined> {
    const e = checkU64(entityId, 'entityId');
    const t = checkI64(timestamp, 'timestamp');
    const v = await this.#gets.get(toU32(spaceId, 'spaceId'), e, t);
    return v && pointOf(e, t, v, this.#bigint);
  }

  /** Synchronous {@link HotStore.get}. */
  getSync(entityId: IntLike, spaceId: number, timestamp: IntLike): TemporalPoint | undefined {
    const e = checkU64(entityId, 'entityId');
    const t = checkI64(timestamp, 'timestamp');
    const v = native.getSync(this.#target, e, toU32(spaceId, 'spaceId'), t);
    return v && pointOf(e, t, v, this.#bigint);
  }

  /**
   * The entity's point with the greatest timestamp ≤ `t` (its state as of `t`), or undefined;
   * with `options.tolerance`, only if that timestamp is also ≥ `t − tolerance`. One native
   * call, one RocksDB seek: the cost does not grow with the entity's history. Calls in the same
   * tick on the same store (or snapshot) are read together, one getManyAsOf per space and
   * tolerance (one iterator, one pool round trip), each settling with its own answer.
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
    return asOfPoint(args[0], await this.#asOfs.get(args), this.#bigint);
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
    return asOfPointSync(args[0], native.getAsOfSync(this.#target, ...args, TIMESTAMP_SLOT), this.#bigint);
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
    return asOfPoint(args[0], await this.#asOfs.get(args), this.#bigint);
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
    return asOfPointSync(args[0], native.getAsOfSync(this.#target, ...args, TIMESTAMP_SLOT), this.#bigint);
  }

  /**
   * getAsOf for many entities of one space in one native call: row i answers `entityIds[i]` at
   * `t` (one timestamp for all) or at `t[i]` (a column of one per entity), within the tolerance.
   * The answer is columns: `found`, `timestamps` and one `count × dim` matrix of vectors (zeros
   * where nothing was found), all from one moment of the store.
   *
   * @example
   * ```ts
   * await store.put(0, { entityId: 1, timestamp: 1000, vector: [1, 2] });
   * await store.put(0, { entityId: 2, timestamp: 3000, vector: [3, 4] });
   * const { found, timestamps, vectors } = await store.getManyAsOf(0, [1, 2, 3], 2000);
   * // found [1, 0, 0]: entity 2's point is after t, entity 3 has none; timestamps[0] === 1000n;
   * // vectors [1, 2, 0, 0, 0, 0]
   * const perEvent = await store.getManyAsOf(0, [1, 2], [1500, 3500], { tolerance: 1000 }); // found [1, 1]
   * ```
   */
  async getManyAsOf(
    spaceId: number, entityIds: Iterable<IntLike> | Float64Array | BigUint64Array,
    t: IntLike | Iterable<IntLike> | Float64Array | BigInt64Array, options?: AsOfOptions,
  ): Promise<AsOfColumns> {
    const { args } = manyAsOfArgs(spaceId, entityIds, t, options, false);
    return asOfColumns(await native.getManyAsOf(this.#target, ...args), undefined);
  }

  /**
   * Synchronous {@link HotStore.getManyAsOf}. With `options.into`, row i is written at element
   * `i * dim` of the caller's Float32Array and `vectors` is a view of it: a batch of as-of
   * lookups lands in one reused matrix, with no fresh memory per call.
   *
   * @example
   * ```ts
   * const ids = new Float64Array([1, 2, 3]);
   * const into = new Float32Array(ids.length * 2); // room for 3 entities of dim 2
   * const { found, vectors } = store.getManyAsOfSync(0, ids, Date.now(), { into }); // vectors: a view of into
   * ```
   */
  getManyAsOfSync(
    spaceId: number, entityIds: Iterable<IntLike> | Float64Array | BigUint64Array,
    t: IntLike | Iterable<IntLike> | Float64Array | BigInt64Array, options?: ManyAsOfOptions,
  ): AsOfColumns {
    const { args, into } = manyAsOfArgs(spaceId, entityIds, t, options, true);
    return asOfColumns(native.getManyAsOfSync(this.#target, ...args, into), into);
  }

  /**
   * The whole space's state at `options.at` (default +∞, each entity's latest point), without
   * knowing the entity ids: an async iterator of {@link PointBatch}es in entity-id order, each
   * with the point of greatest timestamp ≤ `at` of up to `batchSize` entities (default 1000)
   * as columns. Entities with no point at or before `at` are left out, and batches are never
   * empty. Everything is read from one RocksDB snapshot, taken at the first step on a store
   * (a snapshot's own moment on a {@link StoreSnapshot}): writes made during the walk never
   * show. Breaking out of the loop releases it. Ids and timestamps are bigint columns whatever
   * the store's integer mode. Arguments are checked at the call.
   *
   * @example
   * ```ts
   * for await (const b of store.latestAll(0, { at: 1_700_000_000_000 })) {
   *   for (let i = 0; i < b.count; i++) {
   *     const v = b.vectors.subarray(i * b.dim, (i + 1) * b.dim); // entity b.entityIds[i] at b.timestamps[i]
   *   }
   * }
   * ```
   */
  latestAll(spaceId: number, options?: LatestAllOptions): AsyncIterableIterator<PointBatch> {
    const args = latestAllArgs(spaceId, options);
    return latestAll(this.#isStore ? { store: this.#target as NativeHandle } : { view: this.#target }, args);
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
    return pointsAt(cols, await native.getMany(this.#target, space, ...cols), this.#bigint);
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
    if (!into) return pointsAt(cols, native.getManySync(this.#target, space, ...cols), this.#bigint);
    return pointsAt(cols, viewsOf(into, native.getManySync(this.#target, space, ...cols, into)), this.#bigint);
  }

  /** Points with start ≤ timestamp ≤ end, ascending (descending with `reverse`). */
  async range(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeOptions): Promise<TemporalPoint[]> {
    const e = checkU64(entityId, 'entityId');
    const r = checkRange(start, end, options);
    const cols = await native.range(this.#target, e, toU32(spaceId, 'spaceId'), r.start, r.end, r.limit, rangeFlags(r.reverse, !this.#bigint));
    return pointsOf(e, cols, this.#bigint);
  }

  /** Synchronous {@link HotStore.range}. */
  rangeSync(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeOptions): TemporalPoint[] {
    const e = checkU64(entityId, 'entityId');
    const r = checkRange(start, end, options);
    const cols = native.rangeSync(this.#target, e, toU32(spaceId, 'spaceId'), r.start, r.end, r.limit, rangeFlags(r.reverse, !this.#bigint));
    return pointsOf(e, cols, this.#bigint);
  }

  /** Like {@link HotStore.range}, but all vectors in one Float32Array and timestamps in one BigInt64Array. */
  async rangeColumns(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeOptions): Promise<RangeColumns> {
    const e = checkU64(entityId, 'entityId');
    const r = checkRange(start, end, options);
    return (await native.range(this.#target, e, toU32(spaceId, 'spaceId'), r.start, r.end, r.limit, rangeFlags(r.reverse, false))) as RangeColumns;
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
    const cols = native.rangeSync(this.#target, e, toU32(spaceId, 'spaceId'), r.start, r.end, r.limit, rangeFlags(r.reverse, false), r.into);
    if (r.into) cols.vectors = r.into.subarray(0, cols.count * cols.dim);
    return cols as RangeColumns;
  }

  /** The entity's timeline in a space (first/last timestamp, exact point count), or undefined. */
  async getTimeline(entityId: IntLike, spaceId: number): Promise<EntityTimeline | undefined> {
    const rec = await native.getTimeline(this.#target, checkU64(entityId, 'entityId'), toU32(spaceId, 'spaceId'));
    return rec && decodeTimeline(rec, this.#bigint);
  }

  /** Synchronous {@link HotStore.getTimeline}. */
  getTimelineSync(entityId: IntLike, spaceId: number): EntityTimeline | undefined {
    const rec = native.getTimelineSync(this.#target, checkU64(entityId, 'entityId'), toU32(spaceId, 'spaceId'));
    return rec && decodeTimeline(rec, this.#bigint);
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
    return entityTimelines(this.#target, this.#bigint, space);
  }

  /** Synchronous {@link HotStore.entities}: a plain iterator. */
  entitiesSync(spaceId?: number): IterableIterator<EntityTimeline> {
    const space = spaceId === undefined ? undefined : toU32(spaceId, 'spaceId');
    return entityTimelinesSync(this.#target, this.#bigint, space);
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
    return native.spaceSummaries(this.#target);
  }

  /** Synchronous {@link HotStore.spaces}. */
  spacesSync(): SpaceInfo[] {
    return native.spaceSummariesSync(this.#target);
  }
}
