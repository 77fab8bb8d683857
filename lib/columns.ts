// Columnar packing: putMany's points or batch, getMany's keys and getManyAsOf's columns as the
// flat columns the shim reads (entity ids, timestamps, vectors), through the one integer-column
// packer that putMany, getMany, getManyAsOf and the put coalescer share.
import { invalidArgument, makeError } from './errors';
import type { IntLike, PointInput, PointKey } from './types';
import { elementCount, plainView, typedArrayKind } from './typed';
import { checkI64, checkKey, checkNotShared, checkPoint, checkU64, field, MAX_DIM, toU32, unreadable } from './validate';

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

/**
 * `v` as a column the shim takes as it is, or undefined: a Float64Array, or a BigUint64Array
 * (`unsigned`) / BigInt64Array, in a plain view (typed.ts) so that its `length` and indexing,
 * here and in HotStore and shape.ts, are the language's own.
 */
function typedColumn(v: unknown, unsigned: boolean): IdColumn | TimestampColumn | undefined {
  switch (typedArrayKind(v)) {
    case 'Float64Array': return plainView(v as Float64Array, Float64Array);
    case 'BigUint64Array': return unsigned ? plainView(v as BigUint64Array, BigUint64Array) : undefined;
    case 'BigInt64Array': return unsigned ? undefined : plainView(v as BigInt64Array, BigInt64Array);
    default: return undefined;
  }
}

/** A column of `n` integers as given: typed arrays pass as they are, others are checked and packed. */
function intColumn(
  v: unknown, n: number, name: string, check: (x: unknown, name: string) => IntLike, unsigned: boolean,
): IdColumn | TimestampColumn {
  const typed = typedColumn(v, unsigned);
  if (typed) {
    if (typed.length !== n) throw invalidArgument(`${name} must have ${n} elements`);
    return typed;
  }
  const len = v !== null && typeof v === 'object' ? field(v, 'length', `${name}.length`) : undefined;
  if (typeof len !== 'number') throw invalidArgument(`${name} must be an array or typed array of integers`);
  if (len !== n) throw invalidArgument(`${name} must have ${n} elements`);
  const arr = v as ArrayLike<unknown>;
  const checked: IntLike[] = new Array(n);
  for (let i = 0; i < n; i++) checked[i] = check(field(arr, i, `${name}[${i}]`), `${name}[${i}]`);
  return packInts(checked, itself, unsigned);
}

/**
 * A column of integers given as a typed column (passed as it is: the shim checks each element as
 * it copies it) or as any iterable of integers (each checked by `check`, then packed):
 * getManyAsOf's entityIds and t.
 */
export function iterableColumn(
  v: unknown, name: string, check: (x: unknown, name: string) => IntLike, unsigned: boolean,
): IdColumn | TimestampColumn {
  const typed = typedColumn(v, unsigned);
  if (typed) return typed;
  if (v === null || typeof v !== 'object' || typeof field(v, Symbol.iterator, name) !== 'function') {
    const kinds = unsigned ? 'a Float64Array or BigUint64Array' : 'a Float64Array or BigInt64Array';
    throw invalidArgument(`${name} must be an iterable of integers or ${kinds}`);
  }
  const checked: IntLike[] = [];
  try {
    for (const x of v as Iterable<unknown>) checked.push(check(x, `${name}[${checked.length}]`));
  } catch (e) {
    throw unreadable(`${name}[${checked.length}]`, e);
  }
  return packInts(checked, itself, unsigned);
}

function columnsFromBatch(b: object): Columns {
  const vectors = field(b, 'vectors', 'batch.vectors');
  const dimArg = field(b, 'dim', 'batch.dim');
  const entityIds = field(b, 'entityIds', 'batch.entityIds');
  const timestamps = field(b, 'timestamps', 'batch.timestamps');
  if (typedArrayKind(vectors) !== 'Float32Array') throw invalidArgument('batch.vectors must be a Float32Array');
  const v = vectors as Float32Array;
  checkNotShared(v, 'batch.vectors');
  const dim = toU32(dimArg, 'batch.dim');
  if (dim < 1 || dim > MAX_DIM) throw invalidArgument(`batch.dim must be in [1, ${MAX_DIM}]`);
  const floats = elementCount(v);
  if (floats % dim !== 0) throw invalidArgument('batch.vectors length must be a multiple of batch.dim');
  const n = floats / dim;
  const ids = intColumn(entityIds, n, 'batch.entityIds', checkU64, true) as IdColumn;
  const tss = intColumn(timestamps, n, 'batch.timestamps', checkI64, false) as TimestampColumn;
  // Packing the columns may have run the caller's code (an element's getter), which could have
  // detached or resized the vectors' buffer since their length was checked.
  if (elementCount(v) !== floats) throw invalidArgument('batch.vectors changed while the batch was read');
  return [ids, tss, v, dim];
}

/** Most floats reserved up front from an array's length, which a Proxy could make up. */
const MAX_RESERVED_FLOATS = 1 << 26;

function columnsFromPoints(points: unknown): Columns {
  if (points === null || typeof points !== 'object' || typeof field(points, Symbol.iterator, 'points') !== 'function') {
    throw invalidArgument('points must be an iterable of { entityId, timestamp, vector } or a columnar batch');
  }
  const ids: IntLike[] = [];
  const tss: IntLike[] = [];
  let vectors = new Float32Array(0);
  let dim = 1;
  let i = 0;
  try {
    // An array's length sizes the vectors' buffer once; a Proxy's may be made up, hence the cap.
    const hint = Array.isArray(points) ? points.length : 0;
    for (const p of points as Iterable<unknown>) {
      const c = checkPoint(p, `points[${i}]`);
      if (i === 0) {
        dim = c.dim;
        const reserve = Number.isSafeInteger(hint) && hint > 0 ? hint * dim : dim;
        vectors = new Float32Array(Math.min(reserve, Math.max(MAX_RESERVED_FLOATS, dim)));
      } else if (c.dim !== dim) {
        throw makeError('CVX_DIMENSION_MISMATCH', `points[${i}].vector has dimension ${c.dim} but points[0].vector has ${dim}`);
      }
      if ((i + 1) * dim > vectors.length) {
        const grown = new Float32Array(2 * vectors.length);
        grown.set(vectors);
        vectors = grown;
      }
      // Copied now, before the iterator's next step runs the caller's code, which could change
      // this vector; its length is the one checked (set() reads the same slot).
      vectors.set(c.vector, i * dim);
      ids.push(c.entityId);
      tss.push(c.timestamp);
      i++;
    }
  } catch (e) {
    throw unreadable(`points[${i}]`, e);
  }
  return [packInts(ids, itself, true), packInts(tss, itself, false), vectors.subarray(0, i * dim), dim];
}

/** putMany's points (objects or a {@link ColumnarBatch}) as the columns the shim reads. */
export function toColumns(points: Iterable<PointInput> | ColumnarBatch): Columns {
  if (points !== null && typeof points === 'object' && hasFields(points, 'vectors', 'dim', 'points')) {
    return columnsFromBatch(points);
  }
  return columnsFromPoints(points);
}

/** `a in obj && b in obj`, with whatever a Proxy's `has` trap throws refused as `name`. */
function hasFields(obj: object, a: string, b: string, name: string): boolean {
  try {
    return a in obj && b in obj;
  } catch (e) {
    throw unreadable(name, e);
  }
}

/** getMany's keys (objects or {@link KeyColumns}) as the two columns the shim reads. */
export function toKeyColumns(keys: Iterable<PointKey> | KeyColumns): KeyCols {
  let ids: unknown;
  let tss: unknown;
  if (keys !== null && typeof keys === 'object' && hasFields(keys, 'entityIds', 'timestamps', 'keys')) {
    ids = field(keys, 'entityIds', 'keys.entityIds');
    tss = field(keys, 'timestamps', 'keys.timestamps');
  } else if (keys !== null && typeof keys === 'object' && typeof field(keys, Symbol.iterator, 'keys') === 'function') {
    // Each key is checked once here, so its columns need no second pass.
    const checked: PointKey[] = [];
    try {
      for (const k of keys as Iterable<unknown>) checked.push(checkKey(k, `keys[${checked.length}]`));
    } catch (e) {
      throw unreadable(`keys[${checked.length}]`, e);
    }
    return [packInts(checked, entityIdOf, true), packInts(checked, timestampOf, false)];
  } else {
    throw invalidArgument('keys must be an iterable of { entityId, timestamp } or { entityIds, timestamps } columns');
  }
  let n: unknown;
  if (typedArrayKind(ids) !== undefined) n = elementCount(ids as ArrayBufferView);
  else if (ids !== null && typeof ids === 'object') n = field(ids, 'length', 'keys.entityIds.length');
  if (typeof n !== 'number') throw invalidArgument('keys.entityIds must be an array or typed array of integers');
  return [
    intColumn(ids, n, 'keys.entityIds', checkU64, true) as IdColumn,
    intColumn(tss, n, 'keys.timestamps', checkI64, false) as TimestampColumn,
  ];
}

/**
 * Element i of a packed column as a bigint, checked: a typed Float64Array column is checked
 * here element by element (the embedded shim does the same as it copies it), a BigUint64Array
 * or BigInt64Array holds only values of its domain. Used where no shim reads the column (the
 * cluster backend).
 */
export function columnBigInt(col: IdColumn | TimestampColumn, i: number, name: string, unsigned: boolean): bigint {
  const v = col[i];
  if (typeof v === 'bigint') return v;
  return unsigned ? BigInt(checkU64(v, `${name}[${i}]`)) : BigInt(checkI64(v, `${name}[${i}]`));
}
