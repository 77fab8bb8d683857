// latestAll: a space's state at a moment (each entity's point with the greatest timestamp
// ≤ `at`) as an async iterator of columnar batches in entity-id order. Its argument checks,
// the walk over the space's entity ids, and the per-batch lookup live here, as three separate
// pieces: the lookup is the part that changes when one native as-of read for many entities
// on a snapshot replaces the per-entity reads below.
import { native, NativeHandle } from './binding';
import { I64_MAX } from './ints';
import { entityTimelines } from './operations';
import type { IntLike, LatestAllOptions, PointBatch } from './types';
import { checkI64, checkIntNumber, readOptions, toU32 } from './validate';

export const DEFAULT_BATCH = 1000;
/** Most entities per batch: bounds one batch's memory and one lookup's work. */
export const MAX_BATCH = 65536;

/** latestAll's arguments as checked. */
export interface LatestAllArgs {
  space: number;
  at: IntLike;
  batchSize: number;
}

/** Checks latestAll's arguments, naming the one at fault; `at` defaults to +∞ (the i64 top). */
export function latestAllArgs(spaceId: unknown, options: unknown): LatestAllArgs {
  const space = toU32(spaceId, 'spaceId');
  const o = readOptions<LatestAllOptions>(options, ['at', 'batchSize']);
  const at = o.at === undefined ? I64_MAX : checkI64(o.at, 'options.at');
  const batchSize = o.batchSize === undefined ? DEFAULT_BATCH : checkIntNumber(o.batchSize, 'options.batchSize', 1, MAX_BATCH);
  return { space, at, batchSize };
}

/**
 * The walk: the space's entity ids in id order, `size` at a time, from the timelines read
 * through one RocksDB snapshot (entities()). Ending the loop early releases the snapshot.
 */
export async function* entityIdBatches(handle: NativeHandle, space: number, size: number): AsyncGenerator<BigUint64Array> {
  let ids = new BigUint64Array(size);
  let n = 0;
  for await (const tl of entityTimelines(handle, true, space)) {
    ids[n++] = tl.entityId as bigint;
    if (n === size) {
      yield ids;
      ids = new BigUint64Array(size);
      n = 0;
    }
  }
  if (n > 0) yield ids.subarray(0, n);
}

/**
 * The lookup: each id's point at `at` in `space`, as one batch of the entities that have one
 * (undefined when none has). One as-of read per entity for now, all in flight at once on the
 * thread pool; each costs one seek whatever the entity's history.
 */
export async function lookupBatch(handle: NativeHandle, space: number, ids: BigUint64Array, at: IntLike): Promise<PointBatch | undefined> {
  const got = await Promise.all(Array.from(ids, (id) => native.getAsOf(handle, id, space, at, undefined)));
  let count = 0;
  let dim = 0;
  for (const g of got) {
    if (!g) continue;
    count++;
    dim = g.vector.length; // one dimension per space
  }
  if (count === 0) return undefined;
  const entityIds = new BigUint64Array(count);
  const timestamps = new BigInt64Array(count);
  const vectors = new Float32Array(count * dim);
  let row = 0;
  got.forEach((g, i) => {
    if (!g) return;
    entityIds[row] = ids[i];
    timestamps[row] = BigInt(g.timestamp);
    vectors.set(g.vector, row * dim);
    row++;
  });
  return { count, dim, entityIds, timestamps, vectors };
}

/** latestAll over checked arguments: the walk, each batch looked up, empty batches skipped. */
export async function* latestAll(handle: NativeHandle, { space, at, batchSize }: LatestAllArgs): AsyncGenerator<PointBatch> {
  for await (const ids of entityIdBatches(handle, space, batchSize)) {
    const batch = await lookupBatch(handle, space, ids, at);
    if (batch) yield batch;
  }
}
