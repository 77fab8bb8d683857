// The 64-bit integer domain of ids and timestamps: its bounds, and the exact conversions
// between bigint and number used by the checks, the answers, the reports and the CLI.
import { makeError } from './errors';

/** Largest entity id (u64). */
export const U64_MAX = (1n << 64n) - 1n;
/** Smallest and largest timestamp (i64). */
export const I64_MIN = -(1n << 63n);
export const I64_MAX = (1n << 63n) - 1n;
/** Largest space id (u32). */
export const U32_MAX = 0xffffffff;

const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** True when `v` is a safe integer, so a number holds it exactly. */
export function isSafeBigint(v: bigint): boolean {
  return v >= SAFE_MIN && v <= SAFE_MAX;
}

/** `v` as a number when that is exact, else the bigint itself: never rounds, never throws. */
export function narrow(v: bigint): number | bigint {
  return isSafeBigint(v) ? Number(v) : v;
}

/** Converts a stored 64-bit value to the caller's chosen integer type, never rounding. */
export function toOutput(v: number | bigint, asBigint: boolean, what: string): number | bigint {
  if (asBigint) return BigInt(v);
  if (typeof v === 'number') return v;
  if (isSafeBigint(v)) return Number(v);
  throw makeError('CVX_UNSAFE_INTEGER', `${what} ${v} is outside the safe-integer range; open the store with { bigint: true } to read it`);
}
