// As-of reads (getAsOf / getLatest): their argument checks, the window's lower bound
// (t − tolerance, saturated at the i64 minimum) and the shaping of the shim's answer.
// HotStore's methods stay thin: check here, one native call, shape here.
import type { NativeAsOf, NativeId } from './binding';
import { I64_MAX, I64_MIN } from './ints';
import { pointOf } from './shape';
import type { AsOfOptions, IntLike, TemporalPoint } from './types';
import { checkI64, checkTolerance, checkU64, readOptions, toU32 } from './validate';

/** The shim's arguments after the entity, as checked: [entityId, spaceId, t, minTimestamp?]. */
export type AsOfArgs = [NativeId, number, NativeId, NativeId | undefined];

/** getLatest's t: the top of the i64 domain, so every stored point qualifies. */
const LATEST: NativeId = I64_MAX;

/** Checks getAsOf's arguments; `minTimestamp` is undefined without a tolerance (no lower bound). */
export function asOfArgs(entityId: unknown, spaceId: unknown, t: unknown, options: unknown): AsOfArgs {
  const e = checkU64(entityId, 'entityId');
  const space = toU32(spaceId, 'spaceId');
  const at = checkI64(t, 't');
  const o = readOptions<AsOfOptions>(options, ['tolerance']);
  if (o.tolerance === undefined) return [e, space, at, undefined];
  const tol = checkTolerance(o.tolerance, 'options.tolerance');
  // Exact in bigint; below the domain the window simply starts at its bottom.
  const lo = BigInt(at) - BigInt(tol);
  return [e, space, at, lo < I64_MIN ? I64_MIN : lo];
}

/** Checks getLatest's arguments: getAsOf's at the top of the domain, without tolerance. */
export function latestArgs(entityId: unknown, spaceId: unknown): AsOfArgs {
  return [checkU64(entityId, 'entityId'), toU32(spaceId, 'spaceId'), LATEST, undefined];
}

/**
 * Where a sync as-of read writes its answer's timestamp (native/js_reads.cc, AsOfJob), so the
 * shim hands back the bare vector instead of making an object per call (a sixth of a short
 * history's read: docs/performance.md, "As-of reads"). Read right after the call, before any
 * other JS can run; a worker thread has a module, and so a slot, of its own.
 */
export const TIMESTAMP_SLOT = new BigInt64Array(1);

/** A sync as-of read's answer (the vector; its timestamp in TIMESTAMP_SLOT) as a point of `entityId`. */
export function asOfPointSync(entityId: IntLike, vector: Float32Array | undefined, bigint: boolean): TemporalPoint | undefined {
  return vector && pointOf(entityId, TIMESTAMP_SLOT[0], vector, bigint);
}

/** The shim's answer as a point of `entityId` in the store's integer mode. */
export function asOfPoint(entityId: IntLike, got: NativeAsOf | undefined, bigint: boolean): TemporalPoint | undefined {
  return got && pointOf(entityId, got.timestamp, got.vector, bigint);
}
