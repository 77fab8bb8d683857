// Argument validation for the public API, each rule and its message in one place. Here
// every argument's shape and type is checked, naming the argument, before anything reaches
// the shim, so a refused call never touches the store. The shim re-checks only what memory
// safety needs, plus the data-dependent rules only the engine side can know: finite values
// on the data it has copied, and one dimension per space. Typed arrays are read through the
// language's own accessors (typed.ts), and whatever reading an argument throws (a getter, a
// Proxy trap, a revoked Proxy, an iterator) becomes a refusal naming it: nothing but a
// HotStoreError leaves argument handling.
import { HotStoreError, invalidArgument } from './errors';
import { I64_MAX, I64_MIN, U32_MAX, U64_MAX } from './ints';
import { elementCount, isShared, plainView, typedArrayKind } from './typed';
import type { GetManyOptions, IntLike, PointKey, RangeColumnsOptions, RangeOptions } from './types';
/** Largest accepted vector dimension (256 KiB of f32 per vector). */
export const MAX_DIM = 65536;

export function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return String(v);
  if (v === null) return 'null';
  if (isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/** Array.isArray, which throws for a revoked Proxy: such a value is no array. */
function isArray(v: unknown): v is unknown[] {
  try {
    return Array.isArray(v);
  } catch {
    return false;
  }
}

/** What an error thrown by the caller's code says, without trusting it to say it safely. */
function messageOf(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return 'an exception that cannot be described';
  }
}

/**
 * The refusal of an argument whose reading threw: a getter, a Proxy trap, a revoked Proxy,
 * an iterator. A HotStoreError (a refusal from a nested check) passes through unchanged; any
 * other error is kept as the refusal's `cause`.
 */
export function unreadable(name: string, e: unknown): HotStoreError {
  try {
    if (e instanceof HotStoreError) return e;
  } catch {
    // e is a revoked Proxy: not ours
  }
  const err = invalidArgument(`${name} could not be read: ${messageOf(e)}`);
  Object.defineProperty(err, 'cause', { value: e, configurable: true, writable: true });
  return err;
}

/** `obj[key]`, with whatever a getter or Proxy trap throws turned into a refusal naming `name`. */
export function field(obj: object, key: PropertyKey, name: string): unknown {
  try {
    return (obj as Record<PropertyKey, unknown>)[key];
  } catch (e) {
    throw unreadable(name, e);
  }
}

/**
 * An integer in [lo, hi] as a safe-integer number or a bigint, returned unchanged for the shim;
 * `range` is how the message writes the bounds. The one check behind the three below.
 */
function checkIntIn(v: unknown, name: string, lo: bigint, hi: bigint, range: string): IntLike {
  if (typeof v === 'number' ? Number.isSafeInteger(v) && v >= Number(lo) : typeof v === 'bigint' && v >= lo && v <= hi) {
    return v as IntLike;
  }
  throw invalidArgument(`${name} must be an integer in ${range} (a safe-integer number or a bigint), got ${describe(v)}`);
}

/** An unsigned 64-bit id; returned unchanged (number or bigint) for the shim. */
export function checkU64(v: unknown, name: string): IntLike {
  return checkIntIn(v, name, 0n, U64_MAX, '[0, 2^64-1]');
}

/** A signed 64-bit timestamp; returned unchanged for the shim. */
export function checkI64(v: unknown, name: string): IntLike {
  return checkIntIn(v, name, I64_MIN, I64_MAX, '[-2^63, 2^63-1]');
}

/** A non-negative width in the i64 domain (a tolerance): [0, 2^63-1]; returned unchanged. */
export function checkTolerance(v: unknown, name: string): IntLike {
  return checkIntIn(v, name, 0n, I64_MAX, '[0, 2^63-1]');
}

export function toU64(v: unknown, name: string): bigint {
  return BigInt(checkU64(v, name));
}

export function toI64(v: unknown, name: string): bigint {
  return BigInt(checkI64(v, name));
}

export function toU32(v: unknown, name: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= U32_MAX) return v;
  throw invalidArgument(`${name} must be an integer in [0, 2^32-1], got ${describe(v)}`);
}

/** A count or size: an integer number in [lo, hi] (a batch size, say). */
export function checkIntNumber(v: unknown, name: string, lo: number, hi: number): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi) return v;
  throw invalidArgument(`${name} must be an integer in [${lo}, ${hi}], got ${describe(v)}`);
}

/** A non-empty string argument (a path or a directory). */
export function checkNonEmptyString(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length === 0) throw invalidArgument(`${name} must be a non-empty string`);
  return v;
}

/**
 * A file-system path: a non-empty string, without a NUL byte (the system would read the path
 * only up to it, naming another directory) and not only whitespace (almost surely a mistake).
 */
export function checkPath(v: unknown, name: string): string {
  const s = checkNonEmptyString(v, name);
  if (s.includes('\0')) throw invalidArgument(`${name} must not contain a NUL byte`);
  if (s.trim().length === 0) throw invalidArgument(`${name} must not be only whitespace`);
  return s;
}

/**
 * Refuses a typed array in shared memory: another thread could change it while the call copies
 * it, so what is stored could be a mix of values no thread ever wrote. The caller copies it at
 * a moment of its choosing instead. Read through the array's own slot, so a subclass or an own
 * `buffer` property cannot hide it.
 */
export function checkNotShared(v: ArrayBufferView, name: string): void {
  if (isShared(v)) {
    throw invalidArgument(`${name} is backed by a SharedArrayBuffer, which another thread could change mid-write; copy it first`);
  }
}

/** Refuses a vector of no elements, or of more than MAX_DIM. */
function checkDim(n: number, name: string): void {
  if (n === 0) throw invalidArgument(`${name} is empty (or its buffer was detached)`);
  if (n > MAX_DIM) throw invalidArgument(`${name} has ${n} elements; the maximum dimension is ${MAX_DIM}`);
}

/** n elements of `arr` as a new Float32Array: each read once, so what is checked is what is kept. */
function copyNumbers(arr: ArrayLike<unknown>, n: number, name: string): Float32Array {
  checkDim(n, name);
  const out = new Float32Array(n);
  let i = 0;
  try {
    for (; i < n; i++) {
      const x = arr[i];
      if (typeof x !== 'number') throw invalidArgument(`${name}[${i}] must be a number, got ${describe(x)}`);
      out[i] = x;
    }
  } catch (e) {
    throw unreadable(`${name}[${i}]`, e);
  }
  return out;
}

/**
 * Turns an accepted vector into the Float32Array the shim reads: a Float32Array as it is (the
 * shim reads its elements through the same slots as here), any other vector copied.
 */
export function toVector(v: unknown, name: string): Float32Array {
  const kind = typedArrayKind(v);
  if (kind === 'Float32Array') {
    const vector = v as Float32Array;
    checkNotShared(vector, name);
    checkDim(elementCount(vector), name);
    return vector;
  }
  if (kind !== undefined) {
    checkNotShared(v as ArrayBufferView, name);
    return copyNumbers(v as ArrayLike<unknown>, elementCount(v as ArrayBufferView), name);
  }
  if (isArray(v)) {
    // A Proxy around an array may answer any length: one too large is refused before allocating.
    const n = field(v, 'length', `${name}.length`);
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalidArgument(`${name} has no valid length`);
    return copyNumbers(v, n, name);
  }
  throw invalidArgument(`${name} must be a Float32Array or an array of numbers, got ${describe(v)}`);
}

/** A validated point: ids kept as given, vector as Float32Array and its dimension. */
export interface CheckedPoint {
  entityId: IntLike;
  timestamp: IntLike;
  vector: Float32Array;
  /** The vector's element count, as its own slot says (never a `length` getter). */
  dim: number;
}

export function checkPoint(p: unknown, name: string): CheckedPoint {
  if (p === null || typeof p !== 'object') throw invalidArgument(`${name} must be an object { entityId, timestamp, vector }, got ${describe(p)}`);
  const entityId = checkU64(field(p, 'entityId', `${name}.entityId`), `${name}.entityId`);
  const timestamp = checkI64(field(p, 'timestamp', `${name}.timestamp`), `${name}.timestamp`);
  const vector = toVector(field(p, 'vector', `${name}.vector`), `${name}.vector`);
  return { entityId, timestamp, vector, dim: elementCount(vector) };
}

/** A {@link PointKey} argument, checked; ids and timestamps returned unchanged for the shim. */
export function checkKey(k: unknown, name: string): { entityId: IntLike; timestamp: IntLike } {
  if (k === null || typeof k !== 'object') throw invalidArgument(`${name} must be an object { entityId, timestamp }, got ${describe(k)}`);
  return {
    entityId: checkU64(field(k, 'entityId', `${name}.entityId`), `${name}.entityId`),
    timestamp: checkI64(field(k, 'timestamp', `${name}.timestamp`), `${name}.timestamp`),
  };
}

export interface CheckedRange {
  start: IntLike;
  end: IntLike;
  limit: number;
  reverse: boolean;
  /** options.into, when the caller accepts one (rangeColumnsSync) and passed it. */
  into?: Float32Array;
}

/** A range's bounds and options; `options.into` is refused unless `intoAllowed`. */
export function checkRange(start: unknown, end: unknown, options: unknown, intoAllowed = false): CheckedRange {
  const s = checkI64(start, 'start');
  const e = checkI64(end, 'end');
  if (BigInt(s) > BigInt(e)) throw invalidArgument(`start (${describe(s)}) must not be greater than end (${describe(e)})`);
  let limit = 0;
  let reverse = false;
  let into: Float32Array | undefined;
  if (checkOptionsObject(options)) {
    const l = field(options, 'limit' satisfies keyof RangeOptions, 'options.limit');
    if (l !== undefined) {
      if (typeof l !== 'number' || !Number.isSafeInteger(l) || l < 1) {
        throw invalidArgument(`options.limit must be a positive integer, got ${describe(l)}`);
      }
      limit = l;
    }
    const r = field(options, 'reverse' satisfies keyof RangeOptions, 'options.reverse');
    if (r !== undefined) {
      if (typeof r !== 'boolean') throw invalidArgument(`options.reverse must be a boolean, got ${describe(r)}`);
      reverse = r;
    }
    into = checkInto(field(options, 'into' satisfies keyof RangeColumnsOptions, 'options.into'), intoAllowed);
  }
  return { start: s, end: e, limit, reverse, into };
}

/**
 * An options.into: a non-empty Float32Array, taken only where `allowed` (the sync reads).
 * Returned as a plain Float32Array over the same memory (typed.ts, plainView), so the views
 * the answer is made of are carved by the language, never by a subclass's code. It may be
 * shared memory: it is only written, never trusted.
 */
export function checkInto(v: unknown, allowed: boolean): Float32Array | undefined {
  if (v === undefined) return undefined;
  if (!allowed) throw invalidArgument('options.into is taken by rangeColumnsSync, getManySync and getManyAsOfSync only');
  if (typedArrayKind(v) !== 'Float32Array') throw invalidArgument(`options.into must be a Float32Array, got ${describe(v)}`);
  const into = v as Float32Array;
  if (elementCount(into) === 0) throw invalidArgument('options.into is empty (or its buffer was detached)');
  return plainView(into, Float32Array);
}

/** getMany's options; `options.into` is refused unless `intoAllowed`. */
export function checkGetManyOptions(options: unknown, intoAllowed: boolean): Float32Array | undefined {
  if (!checkOptionsObject(options)) return undefined;
  return checkInto(field(options, 'into' satisfies keyof GetManyOptions, 'options.into'), intoAllowed);
}

/**
 * The named fields of an options argument, each read once through {@link field} (so a getter
 * or a Proxy that throws is refused, naming `options.<key>`); empty when none was passed.
 */
export function readOptions<T extends object>(options: unknown, keys: ReadonlyArray<keyof T & string>): Partial<T> {
  const out: Partial<T> = {};
  if (checkOptionsObject(options)) for (const k of keys) out[k] = field(options, k, `options.${k}`) as T[typeof k];
  return out;
}

/** False when no options were passed; throws unless they are an object. */
export function checkOptionsObject(options: unknown): options is object {
  if (options === undefined) return false;
  if (options === null || typeof options !== 'object') throw invalidArgument(`options must be an object, got ${describe(options)}`);
  return true;
}

export function checkBoolean(v: unknown, name: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw invalidArgument(`${name} must be a boolean, got ${describe(v)}`);
  return v;
}

/**
 * Refuses a vector holding NaN or ±Infinity, naming the element: `name[i] is not finite`. The
 * embedded shim applies this rule to its own copy of the floats (native/js_support.cc, same
 * words); a cluster store applies it here, to the Float32Array it then encodes and sends.
 */
export function checkFinite(v: Float32Array, name: string): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw invalidArgument(`${name}[${i}] is not finite (NaN and Infinity are refused)`);
  }
}
