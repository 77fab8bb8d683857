// The backend-independent data API: what the embedded HotStore and RedisClusterStore both
// implement, with the same types, the same argument checks (validate.ts) and the same
// HotStoreError codes. Code written against TemporalStore runs on either backend; the
// conformance suite (__tests__/conformance/) runs one set of cases against both.
import type { ColumnarBatch, KeyColumns } from './columns';
import type { HotStore } from './store';
import type {
  AsOfColumns, AsOfOptions, EntityTimeline, GetManyOptions, IntLike, PointInput, PointKey, RangeColumns, RangeOptions,
  TemporalPoint, VerifyOptions, VerifyReport,
} from './types';

/**
 * The async data API both backends implement: writes, point/range/as-of reads, timelines,
 * verify and close. Methods outside it (the `*Sync` forms, `snapshot()`, followers,
 * `checkpoint`, `compact`, the level adapter) are embedded-only; `spaces`, `entities` and
 * `stats` exist on both but differ on a cluster (docs/scale-out.md).
 *
 * @example
 * ```ts
 * import { HotStore, RedisClusterStore, type TemporalStore } from 'cvx-storage';
 * async function record(store: TemporalStore) {
 *   await store.put(0, { entityId: 42, timestamp: 1000, vector: [0.1, 0.2, 0.3] });
 *   return store.getLatest(42, 0);
 * }
 * await record(await HotStore.open('./data/example'));
 * await record(await RedisClusterStore.connect(['redis://127.0.0.1:7100']));
 * ```
 */
export interface TemporalStore {
  /** Writes one point; overwrites an existing timestamp. The point and its timeline change atomically. */
  put(spaceId: number, point: PointInput): Promise<void>;
  /** Writes many points (atomic as a whole on the embedded store, per (entity, space) on a cluster). */
  putMany(spaceId: number, points: Iterable<PointInput> | ColumnarBatch): Promise<void>;
  /** The point at exactly `timestamp`, or undefined. */
  get(entityId: IntLike, spaceId: number, timestamp: IntLike): Promise<TemporalPoint | undefined>;
  /** The points at many keys of one space, in key order, undefined where none is stored. */
  getMany(spaceId: number, keys: Iterable<PointKey> | KeyColumns, options?: GetManyOptions): Promise<Array<TemporalPoint | undefined>>;
  /** Points with start ≤ timestamp ≤ end, ascending (descending with `reverse`), at most `limit`. */
  range(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeOptions): Promise<TemporalPoint[]>;
  /** {@link TemporalStore.range} as columns. */
  rangeColumns(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeOptions): Promise<RangeColumns>;
  /** Removes one point; resolves true when one was removed. */
  delete(entityId: IntLike, spaceId: number, timestamp: IntLike): Promise<boolean>;
  /** Removes the entity's points with start ≤ timestamp ≤ end; resolves the number removed. */
  deleteRange(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike): Promise<number>;
  /** The entity's timeline in the space, exact at all times, or undefined. */
  getTimeline(entityId: IntLike, spaceId: number): Promise<EntityTimeline | undefined>;
  /** Checks every timeline against the points it summarises. */
  verify(options?: VerifyOptions): Promise<VerifyReport>;
  /** Closes after in-flight operations settle. Idempotent. */
  close(): Promise<void>;
  /** The entity's point with the greatest timestamp ≤ t (within `tolerance`), or undefined. */
  getAsOf(entityId: IntLike, spaceId: number, t: IntLike, options?: AsOfOptions): Promise<TemporalPoint | undefined>;
  /** The entity's newest point in the space, or undefined. */
  getLatest(entityId: IntLike, spaceId: number): Promise<TemporalPoint | undefined>;
  /** getAsOf for many entities of one space, as columns. */
  getManyAsOf(
    spaceId: number, entityIds: Iterable<IntLike> | Float64Array | BigUint64Array,
    t: IntLike | Iterable<IntLike> | Float64Array | BigInt64Array, options?: AsOfOptions,
  ): Promise<AsOfColumns>;
}

/** Compile-time proof that HotStore satisfies the interface: tsc fails here if it drifts. */
export type HotStoreIsATemporalStore = HotStore extends TemporalStore ? true : never;
const hotStoreConforms: HotStoreIsATemporalStore = true;
void hotStoreConforms;
