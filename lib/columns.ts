// Columnar packing: putMany's points or batch and getMany's keys as the flat columns the shim
// reads (entity ids, timestamps, vectors), through the one integer-column packer that
// putMany, getMany and the put coalescer share.
import { invalidArgument, makeError } from './errors';
import type { IntLike, PointInput, PointKey } from './types';
import { checkI64, checkKey, checkNotShared, checkPoint, checkU64, CheckedPoint, MAX_DIM, toU32 } from './validate';

/** A columnar batch for {@link HotStore.putMany}: point i is `vectors.subarray(i*dim, (i+1)*dim)`. */
export interface ColumnarBatch {
  entityIds: Float64Array | BigUint64Array | ArrayLike<IntLike>;
  timestamps: Float64Array | BigInt64Array | ArrayLike<IntLike>;
  vectors: Float32Array;
  dim: number;
}

/** Keys for {@link HotStore.getMany} as two columns: key i is (entityIds[i], timestamps[i]). */
export interface KeyColumns {
  entityIds: Float64Array | BigUint64Array | ArrayLike<IntLike>;
  timestamps: Float64Array | BigInt64Array | ArrayLike<IntLike>;
}

export type IdColumn = Float64Array | BigUint64Array;
export type TimestampColumn = Float64Array | BigInt64Array;
/** putMany's columns: entity ids, timestamps, vectors (point after point) and dimension. */
export type Columns = [IdColumn, TimestampColumn, Float32Array, number];
/** getMany's columns: key i is (ids[i], timestamps[i]). */
export type KeyCols = [IdColumn, TimestampColumn];

/** Reads one already-checked integer out of an item, for {@link packInts}. */
export type IntOf<T> = (item: T) => IntLike;
export const entityIdOf = (x: { entityId: IntLike }): IntLike => x.entityId;
export const timestampOf = (x: { timestamp: IntLike }): IntLike => x.timestamp;
const itself = (x: IntLike): IntLike => x;

/**
 * The one integer-column packer: already-checked values, read from `items` by `get`, as the
 * column the shim reads. A Float64Array when all are numbers (the common case, filled in
 * the same pass that finds it out), else a BigUint64Array (`unsigned`) or BigInt64Array.
 */
export function packInts<T>(items: ArrayLike<T>, get: IntOf<T>, unsigned: true): IdColumn;
export function packInts<T>(items: ArrayLike<T>, get: IntOf<T>, unsigned: false): TimestampColumn;
export function packInts<T>(items: ArrayLike<T>, get: IntOf<T>, unsigned: boolean): IdColumn | TimestampColumn;
export function packInts<T>(items: ArrayLike<T>, get: IntOf<T>, unsigned: boolean): IdColumn | TimestampColumn {
  const n = items.length;
  if (n > 0 && typeof get(items[0]) !== 'number') return packBigInts(items, get, unsigned);
  const nums = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = get(items[i]);
    if (typeof v !== 'number') return packBigInts(items, get, unsigned);
    nums[i] = v;
  }
  return nums;
}

function packBigInts<T>(items: ArrayLike<T>, get: IntOf<T>, unsigned: boolean): BigUint64Array | BigInt64Array {
  const n = items.length;
  const out = unsigned ? new BigUint64Array(n) : new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = BigInt(get(items[i]));
  return out;
}

/** A column of `n` integers as given: typed arrays pass as they are, others are checked and packed. */
function intColumn(
  v: unknown, n: number, name: string, check: (x: unknown, name: string) => IntLike, unsigned: boolean,
): IdColumn | TimestampColumn {
  if (v instanceof Float64Array || (unsigned ? v instanceof BigUint64Array : v instanceof BigInt64Array)) {
    if ((v as ArrayLike<unknown>).length !== n) throw invalidArgument(`${name} must have ${n} elements`);
    return v as IdColumn | TimestampColumn;
  }
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number') {
    throw invalidArgument(`${name} must be an array or typed array of integers`);
  }
  const arr = v as ArrayLike<unknown>;
  if (arr.length !== n) throw invalidArgument(`${name} must have ${n} elements`);
  const checked: IntLike[] = new Array(n);
  for (let i = 0; i < n; i++) checked[i] = check(arr[i], `${name}[${i}]`);
  return packInts(checked, itself, unsigned);
}

function columnsFromBatch(b: ColumnarBatch): Columns {
  if (!(b.vectors instanceof Float32Array)) throw invalidArgument('batch.vectors must be a Float32Array');
  checkNotShared(b.vectors, 'batch.vectors');
  const dim = toU32(b.dim, 'batch.dim');
  if (dim < 1 || dim > MAX_DIM) throw invalidArgument(`batch.dim must be in [1, ${MAX_DIM}]`);
  if (b.vectors.length % dim !== 0) throw invalidArgument('batch.vectors length must be a multiple of batch.dim');
  const n = b.vectors.length / dim;
  const ids = intColumn(b.entityIds, n, 'batch.entityIds', checkU64, true) as IdColumn;
  const tss = intColumn(b.timestamps, n, 'batch.timestamps', checkI64, false) as TimestampColumn;
  return [ids, tss, b.vectors, dim];
}

function columnsFromPoints(points: unknown): Columns {
  if (points === null || typeof points !== 'object' || typeof (points as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw invalidArgument('points must be an iterable of { entityId, timestamp, vector } or a columnar batch');
  }
  const checked: CheckedPoint[] = [];
  let i = 0;
  for (const p of points as Iterable<unknown>) {
    const c = checkPoint(p, `points[${i}]`);
    if (checked.length > 0 && c.vector.length !== checked[0].vector.length) {
      throw makeError(
        'CVX_DIMENSION_MISMATCH',
        `points[${i}].vector has dimension ${c.vector.length} but points[0].vector has ${checked[0].vector.length}`,
      );
    }
    checked.push(c);
    i++;
  }
  const n = checked.length;
  const dim = n ? checked[0].vector.length : 1;
  const vectors = new Float32Array(n * dim);
  for (let k = 0; k < n; k++) vectors.set(checked[k].vector, k * dim);
  return [packInts(checked, entityIdOf, true), packInts(checked, timestampOf, false), vectors, dim];
}

/** putMany's points (objects or a {@link ColumnarBatch}) as the columns the shim reads. */
export function toColumns(points: Iterable<PointInput> | ColumnarBatch): Columns {
  if (points !== null && typeof points === 'object' && 'vectors' in points && 'dim' in points) {
    return columnsFromBatch(points as ColumnarBatch);
  }
  return columnsFromPoints(points);
}

/** getMany's keys (objects or {@link KeyColumns}) as the two columns the shim reads. */
export function toKeyColumns(keys: Iterable<PointKey> | KeyColumns): KeyCols {
  let ids: unknown;
  let tss: unknown;
  if (keys !== null && typeof keys === 'object' && 'entityIds' in keys && 'timestamps' in keys) {
    ({ entityIds: ids, timestamps: tss } = keys as KeyColumns);
  } else if (keys !== null && typeof keys === 'object' && typeof (keys as Iterable<unknown>)[Symbol.iterator] === 'function') {
    // Each key is checked once here, so its columns need no second pass.
    const checked: PointKey[] = [];
    for (const k of keys as Iterable<unknown>) checked.push(checkKey(k, `keys[${checked.length}]`));
    return [packInts(checked, entityIdOf, true), packInts(checked, timestampOf, false)];
  } else {
    throw invalidArgument('keys must be an iterable of { entityId, timestamp } or { entityIds, timestamps } columns');
  }
  const n = ids !== null && typeof ids === 'object' ? (ids as ArrayLike<unknown>).length : undefined;
  if (typeof n !== 'number') throw invalidArgument('keys.entityIds must be an array or typed array of integers');
  return [
    intColumn(ids, n, 'keys.entityIds', checkU64, true) as IdColumn,
    intColumn(tss, n, 'keys.timestamps', checkI64, false) as TimestampColumn,
  ];
}
