// RedisClusterStore: the TemporalStore API on a Redis Cluster. It only wires the pieces: every
// method checks its arguments synchronously with the embedded store's rules (so a refused call
// sends nothing and a caller may reuse its buffers at once), then runs its work bounded by
// `timeoutMs` and tracked, so close() waits for it. Layout, scripts and what is atomic:
// docs/scale-out.md.
import type { ColumnarBatch, KeyColumns } from '../columns';
import { storeClosed } from '../errors';
import type { TemporalStore } from '../temporal_store';
import type {
  AsOfColumns, AsOfOptions, EntityTimeline, GetManyOptions, IntLike, PointInput, PointKey, RangeColumns, RangeOptions, SpaceInfo,
  TemporalPoint, VerifyOptions, VerifyReport,
} from '../types';
import { toU32 } from '../validate';
import { verifyArgs } from '../verify';
import { bounded, checkNodes, ClusterStoreOptions, openCluster, resolveClusterOptions, withRetries } from './connect';
import { ClusterStats, clusterStats, entityTimelines, spaceSummaries } from './listing';
import {
  getAsOfWork, getLatestWork, getManyAsOfWork, getManyWork, getTimelineWork, getWork, rangeColumnsWork, rangeWork,
} from './reads';
import { defineScripts } from './scripts';
import { SpaceDims } from './space_dims';
import { verifyCluster } from './verify';
import { ClusterCtx, deleteRangeWork, deleteWork, putManyWork, putWork } from './writes';

/**
 * The hot tier on a Redis Cluster: the same API, types, semantics and error codes as
 * {@link HotStore} ({@link TemporalStore}), for data that outgrows one machine. One point's
 * write is atomic; putMany is atomic per (entity, space). Unreachable nodes and failovers that
 * do not recover within `timeoutMs` fail with CVX_UNAVAILABLE.
 *
 * @example
 * ```ts
 * import { RedisClusterStore } from 'cvx-storage';
 * const store = await RedisClusterStore.connect(['redis://127.0.0.1:7100'], { durability: { replicas: 1 } });
 * await store.put(0, { entityId: 42, timestamp: 1000, vector: [0.1, 0.2, 0.3] });
 * const p = await store.getLatest(42, 0);          // { entityId: 42, timestamp: 1000, vector: Float32Array }
 * const tl = await store.getTimeline(42, 0);       // { pointCount: 1, firstSeen: 1000, ... }
 * await store.close();
 * ```
 */
export class RedisClusterStore implements TemporalStore {
  readonly #ctx: ClusterCtx;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;
  #closing?: Promise<void>;

  private constructor(ctx: ClusterCtx) {
    this.#ctx = ctx;
  }

  /**
   * Connects to the cluster that `nodes` (any of its nodes: `redis://host:port`, `host:port` or
   * `{ host, port }`) belong to; CVX_UNAVAILABLE when it is not reachable within `timeoutMs`.
   */
  static async connect(nodes: ReadonlyArray<string | { host: string; port: number }>, options?: ClusterStoreOptions): Promise<RedisClusterStore> {
    const startup = checkNodes(nodes);
    const o = resolveClusterOptions(options);
    const client = defineScripts(await openCluster(startup, o));
    return new RedisClusterStore({ client, o, dims: new SpaceDims(client, o.prefix, o.replicas, o.timeoutMs) });
  }

  /** True until close() has been called. */
  get isOpen(): boolean {
    return !this.#closed;
  }

  /**
   * Runs checked work: refused once closed, bounded by timeoutMs, retried within it while the
   * cluster is unavailable when the work is idempotent (every read, put, putMany; not delete and
   * deleteRange, whose answers count what they removed), tracked for close().
   */
  #run<T>(what: string, check: () => () => Promise<T>, retry = true): Promise<T> {
    let work: () => Promise<T>;
    try {
      if (this.#closed) throw storeClosed();
      work = check();
    } catch (e) {
      return Promise.reject(e);
    }
    const { client, o } = this.#ctx;
    const p = bounded(withRetries(client, work, what, Date.now() + o.timeoutMs, retry), o.timeoutMs, what);
    this.#inFlight.add(p);
    const done = () => this.#inFlight.delete(p);
    p.then(done, done);
    return p;
  }

  /** Writes one point (vector, time index and timeline in one script). Overwrites an existing timestamp. */
  put(spaceId: number, point: PointInput): Promise<void> {
    return this.#run('put', () => putWork(this.#ctx, spaceId, point));
  }

  /** Writes many points: one script per (entity, space), each atomic, pipelined per node; not atomic as a whole. */
  putMany(spaceId: number, points: Iterable<PointInput> | ColumnarBatch): Promise<void> {
    return this.#run('putMany', () => putManyWork(this.#ctx, spaceId, points) ?? (async () => undefined));
  }

  /** The point at exactly `timestamp`, or undefined. */
  get(entityId: IntLike, spaceId: number, timestamp: IntLike): Promise<TemporalPoint | undefined> {
    return this.#run('get', () => getWork(this.#ctx, entityId, spaceId, timestamp));
  }

  /** The points at many keys of one space, in key order (pipelined per node; not one snapshot). */
  getMany(spaceId: number, keys: Iterable<PointKey> | KeyColumns, options?: GetManyOptions): Promise<Array<TemporalPoint | undefined>> {
    return this.#run('getMany', () => getManyWork(this.#ctx, spaceId, keys, options));
  }

  /** Points with start ≤ timestamp ≤ end, ascending (descending with `reverse`), read in one script. */
  range(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeOptions): Promise<TemporalPoint[]> {
    return this.#run('range', () => rangeWork(this.#ctx, entityId, spaceId, start, end, options));
  }

  /** {@link RedisClusterStore.range} as columns. */
  rangeColumns(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike, options?: RangeOptions): Promise<RangeColumns> {
    return this.#run('rangeColumns', () => rangeColumnsWork(this.#ctx, entityId, spaceId, start, end, options));
  }

  /** Removes one point; resolves true when one was removed. The timeline stays exact. */
  delete(entityId: IntLike, spaceId: number, timestamp: IntLike): Promise<boolean> {
    return this.#run('delete', () => deleteWork(this.#ctx, entityId, spaceId, timestamp), false);
  }

  /** Removes the entity's points with start ≤ timestamp ≤ end in one script; resolves the number removed. */
  deleteRange(entityId: IntLike, spaceId: number, start: IntLike, end: IntLike): Promise<number> {
    return this.#run('deleteRange', () => deleteRangeWork(this.#ctx, entityId, spaceId, start, end), false);
  }

  /** The entity's timeline in the space, or undefined. */
  getTimeline(entityId: IntLike, spaceId: number): Promise<EntityTimeline | undefined> {
    return this.#run('getTimeline', () => getTimelineWork(this.#ctx, entityId, spaceId));
  }

  /** The entity's point with the greatest timestamp ≤ t (within `tolerance`), or undefined. */
  getAsOf(entityId: IntLike, spaceId: number, t: IntLike, options?: AsOfOptions): Promise<TemporalPoint | undefined> {
    return this.#run('getAsOf', () => getAsOfWork(this.#ctx, entityId, spaceId, t, options));
  }

  /** The entity's newest point in the space, or undefined. */
  getLatest(entityId: IntLike, spaceId: number): Promise<TemporalPoint | undefined> {
    return this.#run('getLatest', () => getLatestWork(this.#ctx, entityId, spaceId));
  }

  /** getAsOf for many entities of one space, as columns (pipelined per node; not one snapshot). */
  getManyAsOf(
    spaceId: number, entityIds: Iterable<IntLike> | Float64Array | BigUint64Array,
    t: IntLike | Iterable<IntLike> | Float64Array | BigInt64Array, options?: AsOfOptions,
  ): Promise<AsOfColumns> {
    return this.#run('getManyAsOf', () => getManyAsOfWork(this.#ctx, spaceId, entityIds, t, options));
  }

  /** Checks every series (each read whole at one moment; the walk is not atomic). */
  verify(options?: VerifyOptions): Promise<VerifyReport> {
    return this.#run('verify', () => {
      verifyArgs(options, false); // refused at the call, before any read
      return () => verifyCluster(this.#ctx, options);
    });
  }

  /** Every space with its dimension, entities and points; read slot by slot, not atomic. */
  spaces(): Promise<SpaceInfo[]> {
    return this.#run('spaces', () => () => spaceSummaries(this.#ctx));
  }

  /** Every timeline (optionally of one space) in (entity, space) order; read slot by slot, not atomic. */
  entities(spaceId?: number): AsyncIterableIterator<EntityTimeline> {
    const space = spaceId === undefined ? undefined : toU32(spaceId, 'spaceId');
    if (this.#closed) throw storeClosed();
    return entityTimelines(this.#ctx, space, (p) => bounded(p, this.#ctx.o.timeoutMs, 'entities'));
  }

  /** Memory and keys per node, and {@link RedisClusterStore.spaces}; read node by node, not atomic. */
  stats(): Promise<ClusterStats> {
    return this.#run('stats', () => () => clusterStats(this.#ctx));
  }

  /** Closes after in-flight operations settle. Idempotent. */
  close(): Promise<void> {
    if (!this.#closing) {
      this.#closed = true;
      this.#closing = (async () => {
        await Promise.allSettled([...this.#inFlight]);
        try {
          await bounded(this.#ctx.client.quit(), this.#ctx.o.timeoutMs, 'close');
        } catch {
          // An unreachable cluster cannot be told goodbye: drop the connections.
        } finally {
          this.#ctx.client.disconnect();
        }
      })();
    }
    return this.#closing;
  }
}
