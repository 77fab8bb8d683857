// Result shaping: the shim's answers to the point reads (a vector, range columns, getMany's
// vectors or found flags) as the TemporalPoints HotStore returns, ids in the store's
// integer type.
import type { NativeGetMany, NativeGetManyInto, NativeRange } from './binding';
import type { KeyCols } from './columns';
import { toOutput } from './ints';
import type { IntLike, TemporalPoint } from './types';

/** One point read at (entityId, timestamp). */
export function pointOf(entityId: IntLike, timestamp: IntLike, vector: Float32Array, bigint: boolean): TemporalPoint {
  return {
    entityId: toOutput(entityId, bigint, 'entityId'),
    timestamp: toOutput(timestamp, bigint, 'timestamp'),
    vector,
  };
}

/** getMany's answer in key order: a point per found key, undefined for the others. */
export function pointsAt([ids, tss]: KeyCols, got: NativeGetMany, bigint: boolean): Array<TemporalPoint | undefined> {
  const out: Array<TemporalPoint | undefined> = new Array(got.length);
  for (let i = 0; i < got.length; i++) {
    const v = got[i];
    out[i] = v === undefined ? undefined : pointOf(ids[i], tss[i], v, bigint);
  }
  return out;
}

/** getManySync's answer with `into`: key i's vector is the view of `into` at element i*dim. */
export function viewsOf(into: Float32Array, { dim, found }: NativeGetManyInto): NativeGetMany {
  const views: NativeGetMany = new Array(found.length);
  for (let i = 0; i < found.length; i++) views[i] = found[i] ? into.subarray(i * dim, (i + 1) * dim) : undefined;
  return views;
}

/** A range's columns as points of one entity; each vector is a view of the one column. */
export function pointsOf(entityId: IntLike, cols: NativeRange<BigInt64Array | Float64Array>, bigint: boolean): TemporalPoint[] {
  const id = toOutput(entityId, bigint, 'entityId');
  const { count, dim, timestamps, vectors } = cols;
  const out: TemporalPoint[] = new Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = { entityId: id, timestamp: timestamps[i], vector: vectors.subarray(i * dim, (i + 1) * dim) };
  }
  return out;
}
