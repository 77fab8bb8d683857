// latestAll: a space's state at a moment (each entity's point with the greatest timestamp
// ≤ `at`) as an async iterator of columnar batches in entity-id order, all read from one
// snapshot. Its argument checks, the walk over the space's entity ids, and the per-batch
// lookup live here, as three separate pieces.
import { flags, native, NativeHandle, NativeReadHandle, NativeView } from './binding';
import { I64_MAX } from './ints';
import { PREFIX_SIZE } from './keys';
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

/** Timeline keys read per step of the walk: one crossing per few thousand entities. */
const WALK_STEP = 4096;

/**
 * The walk: the space's entity ids in id order, `size` at a time, from the keys of the
 * timelines column family (entity then space, big-endian: the 12-byte prefix), read through
 * one iterator on `handle`'s moment. Keys only: no timeline record is read or decoded.
 */
export async function* entityIdBatches(handle: NativeReadHandle, space: number, size: number): AsyncGenerator<BigUint64Array> {
  const it = native.iterator(handle, 'timelines', {});
  try {
    let ids = new BigUint64Array(size);
    let n = 0;
    for (;;) {
      const [keys, ended] = await native.iteratorNext(handle, it, WALK_STEP, 0, flags.keys);
      for (const k of keys as Buffer[]) {
        if (k.length !== PREFIX_SIZE || k.readUInt32BE(8) !== space) continue;
        ids[n++] = k.readBigUInt64BE(0);
        if (n === size) {
          yield ids;
          ids = new BigUint64Array(size);
          n = 0;
        }
      }
      if (ended) break;
    }
    if (n > 0) yield ids.subarray(0, n);
  } finally {
    native.iteratorClose(it);
  }
}

/**
 * The lookup: each id's point at `at` in `space`, as one batch of the entities that have one
 * (undefined when none has): one getManyAsOf crossing (one seek per entity), whose rows are
 * then packed down to the found ones.
 */
export async function lookupBatch(handle: NativeReadHandle, space: number, ids: BigUint64Array, at: IntLike): Promise<PointBatch | undefined> {
  const got = await native.getManyAsOf(handle, space, ids, at, undefined);
  let count = 0;
  for (let i = 0; i < got.count; i++) count += got.found[i];
  if (count === 0) return undefined;
  const dim = got.dim;
  const all = got.vectors!;
  const entityIds = new BigUint64Array(count);
  const timestamps = new BigInt64Array(count);
  const vectors = count === got.count ? all : new Float32Array(count * dim);
  let row = 0;
  for (let i = 0; i < got.count; i++) {
    if (!got.found[i]) continue;
    entityIds[row] = ids[i];
    timestamps[row] = got.timestamps[i];
    if (vectors !== all) vectors.set(all.subarray(i * dim, (i + 1) * dim), row * dim);
    row++;
  }
  return { count, dim, entityIds, timestamps, vectors };
}

/** The walk's next ids looked up; 'done' when the walk has ended. */
async function nextLookup(walk: AsyncGenerator<BigUint64Array>, view: NativeReadHandle, space: number, at: IntLike): Promise<PointBatch | undefined | 'done'> {
  const step = await walk.next();
  return step.done ? 'done' : lookupBatch(view, space, step.value, at);
}

/**
 * latestAll over checked arguments, on `view` (a read view's handle), or on a view of `store`
 * taken at the first step and released when the loop ends: the walk and every lookup read one
 * moment. Empty batches are skipped.
 */
export async function* latestAll(
  target: { view: NativeReadHandle } | { store: NativeHandle }, { space, at, batchSize }: LatestAllArgs,
): AsyncGenerator<PointBatch> {
  const view = 'view' in target ? target.view : native.snapshot(target.store);
  let walk: AsyncGenerator<BigUint64Array> | undefined;
  try {
    // The next batch's lookup is already running while this one is yielded: the pool reads
    // while the caller works on the batch.
    walk = entityIdBatches(view, space, batchSize);
    let next = nextLookup(walk, view, space, at);
    for (;;) {
      const got = await next;
      if (got === 'done') break;
      next = nextLookup(walk, view, space, at);
      next.catch(() => undefined); // awaited on the next step; a loop left early never awaits it
      if (got) yield got;
    }
  } finally {
    await walk?.return(undefined).catch(() => undefined); // closes its iterator once its step in flight ends
    if ('store' in target) native.snapshotRelease(view as NativeView);
  }
}
