// Argument validation for the public API, each rule and its message in one place. Here
// every argument's shape and type is checked, naming the argument, before anything reaches
// the shim, so a refused call never touches the store. The shim re-checks only what memory
// safety needs, plus the data-dependent rules only the engine side can know: finite values
// on the data it has copied, and one dimension per space.
import { invalidArgument } from './errors';
import { I64_MAX, I64_MIN, U32_MAX, U64_MAX } from './ints';
import type { GetManyOptions, IntLike, PointInput, PointKey, RangeColumnsOptions, RangeOptions } from './types';
/** Largest accepted vector dimension (256 KiB of f32 per vector). */
export const MAX_DIM = 65536;

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/** An unsigned 64-bit id; returned unchanged (number or bigint) for the shim. */
export function checkU64(v: unknown, name: string): IntLike {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && v >= 0) return v;
  } else if (typeof v === 'bigint') {
    if (v >= 0n && v <= U64_MAX) return v;
  }
  throw invalidArgument(`${name} must be an integer in [0, 2^64-1] (a safe-integer number or a bigint), got ${describe(v)}`);
}

/** A signed 64-bit timestamp; returned unchanged for the shim. */
export function checkI64(v: unknown, name: string): IntLike {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return v;
  } else if (typeof v === 'bigint') {
    if (v >= I64_MIN && v <= I64_MAX) return v;
  }
  throw invalidArgument(`${name} must be an integer in [-2^63, 2^63-1] (a safe-integer number or a bigint), got ${describe(v)}`);
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

/** Refuses a Float32Array the shim would read in place while another thread could change it. */
export function checkNotShared(v: Float32Array, name: string): void {
  if (typeof SharedArrayBuffer !== 'undefined' && v.buffer instanceof SharedArrayBuffer) {
    throw invalidArgument(`${name} is backed by a SharedArrayBuffer, which another thread could change mid-write; copy it first`);
  }
}

/** Refuses an empty Float32Array: a zero-length vector, or one whose buffer was transferred away. */
function checkNotEmpty(v: Float32Array, name: string): void {
  if (v.length === 0) throw invalidArgument(`${name} is empty (or its buffer was detached)`);
}

/** Turns an accepted vector into the Float32Array the shim reads in place. */
export function toVector(v: unknown, name: string): Float32Array {
  let out: Float32Array;
  if (v instanceof Float32Array) {
    checkNotShared(v, name);
    out = v;
  } else if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    const arr = v as ArrayLike<unknown>;
    for (let i = 0; i < arr.length; i++) {
      if (typeof arr[i] !== 'number') throw invalidArgument(`${name}[${i}] must be a number, got ${describe(arr[i])}`);
    }
    out = Float32Array.from(arr as ArrayLike<number>);
  } else {
    throw invalidArgument(`${name} must be a Float32Array or an array of numbers, got ${describe(v)}`);
  }
  checkNotEmpty(out, name);
  if (out.length > MAX_DIM) throw invalidArgument(`${name} has ${out.length} elements; the maximum dimension is ${MAX_DIM}`);
  return out;
}

/** A validated point: ids kept as given, vector as Float32Array. */
export interface CheckedPoint {
  entityId: IntLike;
  timestamp: IntLike;
  vector: Float32Array;
}

export function checkPoint(p: unknown, name: string): CheckedPoint {
  if (p === null || typeof p !== 'object') throw invalidArgument(`${name} must be an object { entityId, timestamp, vector }, got ${describe(p)}`);
  const q = p as PointInput;
  return {
    entityId: checkU64(q.entityId, `${name}.entityId`),
    timestamp: checkI64(q.timestamp, `${name}.timestamp`),
    vector: toVector(q.vector, `${name}.vector`),
  };
}

/** A {@link PointKey} argument, checked; ids and timestamps returned unchanged for the shim. */
export function checkKey(k: unknown, name: string): { entityId: IntLike; timestamp: IntLike } {
  if (k === null || typeof k !== 'object') throw invalidArgument(`${name} must be an object { entityId, timestamp }, got ${describe(k)}`);
  const q = k as PointKey;
  return { entityId: checkU64(q.entityId, `${name}.entityId`), timestamp: checkI64(q.timestamp, `${name}.timestamp`) };
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
    const o = options as RangeOptions;
    if (o.limit !== undefined) {
      if (typeof o.limit !== 'number' || !Number.isSafeInteger(o.limit) || o.limit < 1) {
        throw invalidArgument(`options.limit must be a positive integer, got ${describe(o.limit)}`);
      }
      limit = o.limit;
    }
    if (o.reverse !== undefined) {
      if (typeof o.reverse !== 'boolean') throw invalidArgument(`options.reverse must be a boolean, got ${describe(o.reverse)}`);
      reverse = o.reverse;
    }
    into = checkInto((o as RangeColumnsOptions).into, intoAllowed);
  }
  return { start: s, end: e, limit, reverse, into };
}

/** An options.into: a non-empty Float32Array, taken only where `allowed` (the sync reads). */
function checkInto(v: unknown, allowed: boolean): Float32Array | undefined {
  if (v === undefined) return undefined;
  if (!allowed) throw invalidArgument('options.into is taken by rangeColumnsSync and getManySync only');
  if (!(v instanceof Float32Array)) throw invalidArgument(`options.into must be a Float32Array, got ${describe(v)}`);
  checkNotEmpty(v, 'options.into');
  return v;
}

/** getMany's options; `options.into` is refused unless `intoAllowed`. */
export function checkGetManyOptions(options: unknown, intoAllowed: boolean): Float32Array | undefined {
  return checkOptionsObject(options) ? checkInto((options as GetManyOptions).into, intoAllowed) : undefined;
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
