// As-of reads (getAsOf / getLatest / getManyAsOf): their argument checks, the window's lower
// bound (t − tolerance, saturated at the i64 minimum; getManyAsOf's shim computes it per entity)
// and the shaping of the shim's answers. HotStore's methods stay thin: check here, one native
// call, shape here.
import type { NativeAsOf, NativeAsOfColumns, NativeId } from './binding';
import { IdColumn, iterableColumn, TimestampColumn } from './columns';
import { invalidArgument } from './errors';
import { I64_MAX, I64_MIN } from './ints';
import { pointOf } from './shape';
import type { AsOfColumns, AsOfOptions, IntLike, ManyAsOfOptions, TemporalPoint } from './types';
import { checkI64, checkInto, checkTolerance, checkU64, readOptions, toU32 } from './validate';

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

/** getManyAsOf's shim arguments as checked: [spaceId, entityIds, t (one, or one per entity), tolerance?]. */
export type ManyAsOfArgs = [number, IdColumn, NativeId | TimestampColumn, NativeId | undefined];

/**
 * Checks getManyAsOf's arguments: entityIds and a column t as typed columns or iterables of
 * integers, a column t of one element per entity, and the options (`into` only where
 * `intoAllowed`, the sync form).
 */
export function manyAsOfArgs(
  spaceId: unknown, entityIds: unknown, t: unknown, options: unknown, intoAllowed: boolean,
): { args: ManyAsOfArgs; into: Float32Array | undefined } {
  const space = toU32(spaceId, 'spaceId');
  const ids = iterableColumn(entityIds, 'entityIds', checkU64, true) as IdColumn;
  let at: NativeId | TimestampColumn;
  if (t !== null && typeof t === 'object') {
    at = iterableColumn(t, 't', checkI64, false) as TimestampColumn;
    if (at.length !== ids.length) {
      throw invalidArgument(`t must be one timestamp or have one element per entityId (${ids.length}), got ${at.length}`);
    }
  } else {
    at = checkI64(t, 't');
  }
  const n = ids.length;
  const o = readOptions<ManyAsOfOptions>(options, ['tolerance', 'into']);
  const tolerance = o.tolerance === undefined ? undefined : checkTolerance(o.tolerance, 'options.tolerance');
  const into = checkInto(o.into, intoAllowed);
  // Reading t and the options may have run the caller's code (an iterator, a getter), which
  // could have detached or shrunk a typed column checked before it.
  if (ids.length !== n) throw invalidArgument('entityIds changed while the arguments were read');
  if (typeof at === 'object' && at.length !== n) throw invalidArgument('t changed while the arguments were read');
  return { args: [space, ids, at, tolerance], into };
}

/** The shim's columns as {@link AsOfColumns}: with `into`, `vectors` is the view of it the rows were written to. */
export function asOfColumns(got: NativeAsOfColumns, into: Float32Array | undefined): AsOfColumns {
  if (into) got.vectors = into.subarray(0, got.count * got.dim);
  return got as AsOfColumns;
}
