// One input record of `cvx-hot ingest` / `import` checked into a point: every rule a record
// must meet, so that a bad record is refused on its own (and skipped with --on-error skip)
// before it reaches a batch, and before its vector can fix a space's dimension.
import { I64_MAX, I64_MIN, narrow, U32_MAX, U64_MAX } from '../ints';
import type { PointInput } from '../types';
import { MAX_DIM } from '../validate';
import { BadVectorBytes } from './cbor_items';

/** An integer field: safe number, bigint, or a decimal string (for ids beyond 2^53 in JSON). */
function intField(v: unknown, name: string, min: bigint, max: bigint): number | bigint {
  let b: bigint | undefined;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error(`${name} must be an integer within ±2^53 (write larger ones as a decimal string), got ${v}`);
    b = BigInt(v);
  } else if (typeof v === 'bigint') b = v;
  else if (typeof v === 'string' && /^-?\d+$/.test(v)) b = BigInt(v);
  if (b === undefined) throw new Error(`${name} must be an integer, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  if (b < min || b > max) throw new Error(`${name} ${b} is out of range`);
  return narrow(b);
}

/**
 * Checks one record; returns its space and point or throws with what is wrong. `dims` holds
 * each space's dimension and learns a new space's only from a record that passed every check.
 */
export function toPoint(v: unknown, defaultSpace: number, dims: Map<number, number>): { space: number; point: PointInput } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('expected an object {entityId, spaceId?, timestamp, vector}');
  const o = v as Record<string, unknown>;
  const entityId = intField(o.entityId, 'entityId', 0n, U64_MAX);
  const space = o.spaceId === undefined ? defaultSpace : Number(intField(o.spaceId, 'spaceId', 0n, BigInt(U32_MAX)));
  const timestamp = intField(o.timestamp, 'timestamp', I64_MIN, I64_MAX);
  const raw = o.vector;
  if (raw instanceof BadVectorBytes) throw new Error(raw.message);
  if (!(Array.isArray(raw) || raw instanceof Float32Array || raw instanceof Float64Array)) throw new Error('vector must be an array of numbers');
  if (raw.length === 0) throw new Error('vector is empty');
  if (raw.length > MAX_DIM) throw new Error(`vector has ${raw.length} elements; the maximum dimension is ${MAX_DIM}`);
  const vector = Float32Array.from(raw as ArrayLike<number>);
  for (let i = 0; i < vector.length; i++) {
    if (typeof (raw as ArrayLike<unknown>)[i] !== 'number' || !Number.isFinite(vector[i])) throw new Error(`vector[${i}] is not a finite number`);
  }
  const dim = dims.get(space);
  if (dim === undefined) dims.set(space, vector.length);
  else if (dim !== vector.length) throw new Error(`vector has dimension ${vector.length} but space ${space} holds dimension ${dim}`);
  return { space, point: { entityId, timestamp, vector } };
}
