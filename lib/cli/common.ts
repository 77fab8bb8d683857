// Shared pieces of the cvx-hot commands: exit codes, argument parsers for commander (a bad
// value is a usage error, exit 2), opening a store for a command, and error reporting.
import * as fs from 'fs';
import { InvalidArgumentError } from 'commander';
import { HotStore, HotStoreError } from '../index';
import { I64_MAX, I64_MIN, isSafeBigint, narrow, U32_MAX, U64_MAX } from '../ints';
import type { HotStoreOptions } from '../types';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the command reports itself (message on stderr) with the given exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT_FAILURE) {
    super(message);
  }
}

const INT = /^-?\d+$/;

/** An unsigned 64-bit id: a number when safe, a bigint beyond. */
export function parseId(v: string): number | bigint {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a non-negative integer');
  const b = BigInt(v);
  if (b > U64_MAX) throw new InvalidArgumentError('expected an integer below 2^64');
  return narrow(b);
}

/** A signed 64-bit timestamp: a number when safe, a bigint beyond. */
export function parseTimestamp(v: string): number | bigint {
  if (!INT.test(v)) throw new InvalidArgumentError('expected an integer');
  const b = BigInt(v);
  if (b < I64_MIN || b > I64_MAX) throw new InvalidArgumentError('expected a signed 64-bit integer');
  return narrow(b);
}

/** A non-negative width in the i64 domain (a tolerance): a number when safe, a bigint beyond. */
export function parseTolerance(v: string): number | bigint {
  if (!/^\d+$/.test(v) || BigInt(v) > I64_MAX) throw new InvalidArgumentError('expected an integer in [0, 2^63-1]');
  return narrow(BigInt(v));
}

/** A space id (u32). */
export function parseSpace(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > U32_MAX) throw new InvalidArgumentError('expected an integer in [0, 2^32-1]');
  return Number(v);
}

/** A positive integer (counts, sizes). */
export function parsePositive(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError('expected a positive integer');
  return Number(v);
}

/**
 * Opens the store of a command. Reading commands open read-only and refuse a missing
 * directory with a clear message instead of creating an empty store there.
 */
export async function openStore(dir: string, mode: 'read' | 'write', extra: HotStoreOptions = {}): Promise<HotStore> {
  if (mode === 'read' && !fs.existsSync(dir)) throw new CliError(`no store at ${dir} (the directory does not exist)`);
  // bigint: ids and timestamps beyond 2^53 print exactly instead of failing.
  return HotStore.open(dir, mode === 'read' ? { ...extra, readOnly: true, createIfMissing: false, bigint: true } : { ...extra, bigint: true });
}

/**
 * Runs `fn` with an open store and closes it whatever happens. When closing fails too, the
 * message keeps `fn`'s error first (the cause) and adds `progress()`, so that a full disk
 * reports what failed and how far the command got, not only the failed close.
 */
export async function withStore<T>(
  dir: string, mode: 'read' | 'write', fn: (s: HotStore) => Promise<T>, progress?: () => string, extra?: HotStoreOptions,
): Promise<T> {
  const store = await openStore(dir, mode, extra);
  const sofar = () => (progress ? `; ${progress()}` : '');
  let result: T;
  try {
    result = await fn(store);
  } catch (e) {
    try {
      await store.close();
    } catch (closeError) {
      throw new CliError(`${describeError(e)}; closing the store then failed too: ${describeError(closeError)}${sofar()}`, e instanceof CliError ? e.exitCode : EXIT_FAILURE);
    }
    throw e;
  }
  try {
    await store.close();
  } catch (closeError) {
    throw new CliError(`closing the store failed: ${describeError(closeError)}${sofar()}`);
  }
  return result;
}

/**
 * The shortest decimal that reads back as the same f32: vectors print as 0.1, not as
 * 0.10000000149011612 (the f64 expansion of the stored f32).
 */
export function f32(v: number): number {
  for (let p = 1; p < 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return s;
  }
  return v;
}

/** JSON with bigints as numbers when safe and as strings (exact) otherwise; f32 vectors shortest. */
export function toJson(v: unknown, indent?: number): string {
  return JSON.stringify(v, (_k, x) => {
    if (typeof x === 'bigint') return isSafeBigint(x) ? Number(x) : x.toString();
    if (x instanceof Float32Array) return Array.from(x, f32);
    if (x && x.type === 'Buffer' && Array.isArray(x.data)) return Buffer.from(x.data).toString('hex'); // keys, as hex
    return x;
  }, indent);
}

/** Message for stderr: HotStoreErrors carry their code. */
export function describeError(e: unknown): string {
  if (e instanceof HotStoreError) return `${e.message} (${e.code})`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Writes to a stream honouring backpressure. */
export async function write(out: NodeJS.WritableStream, chunk: string | Uint8Array): Promise<void> {
  if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
}
