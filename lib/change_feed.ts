// The change feed (HotStore.changes): its options checked, the native feed handle stepped (one
// crossing per step, up to `batchSize` whole write batches), each batch shaped into a
// ChangeRecord, and the wait for new writes when caught up. And a replica's side: the records'
// batches handed to the native applyChanges. What is read and written is native
// (native/change_feed.{h,cc}, native/replica.cc); see docs/processes.md.
import { native, type NativeFeed, type NativeFeedStep, type NativeHandle } from './binding';
import { invalidArgument } from './errors';
import { decodeKey, KEY_SIZE } from './keys';
import type { IntLike } from './types';
import { checkBoolean, checkU64, describe, readOptions } from './validate';

/** A column family as the feed names it. */
export type FeedColumnFamily = 'default' | 'vectors' | 'timelines';

/** A RocksDB operation as the feed names it. */
export type FeedOperation = 'put' | 'delete' | 'singleDelete' | 'deleteRange' | 'merge';

/**
 * One change of a {@link ChangeRecord}: a point-level change decoded, or a raw operation. Ids and
 * timestamps are numbers, bigints with `bigint: true`; in number mode one outside the safe range
 * is a bigint anyway (a feed never stops on a point).
 */
export type Change =
  | { type: 'put'; entityId: number | bigint; spaceId: number; timestamp: number | bigint; vector: Float32Array }
  | { type: 'delete'; entityId: number | bigint; spaceId: number; timestamp: number | bigint }
  /** Every point of the entity in the space with start ≤ timestamp < endExclusive. */
  | { type: 'deleteRange'; entityId: number | bigint; spaceId: number; start: number | bigint; endExclusive: number | bigint }
  /**
   * Anything else, as RocksDB holds it: timelines, the level adapter's records (`default`), the
   * store's own system records. `value` is the end key of a deleteRange, absent for deletes.
   */
  | { type: 'raw'; op: FeedOperation; columnFamily: FeedColumnFamily; key: Buffer; value?: Buffer };

/** One write batch of the store, whole, as {@link HotStore.changes} yields it. */
export interface ChangeRecord {
  /**
   * The batch's last sequence number (the store's {@link HotStore.latestSequence} right after
   * it): pass it as `since` to resume after this record.
   */
  sequence: number;
  /** The batch's first sequence number (RocksDB's batch sequence). */
  firstSequence: number;
  /** Its changes, in the batch's order (decoded when first read). */
  changes: Change[];
  /** The batch's bytes as the WAL holds them: what {@link HotStore.applyChanges} writes. */
  batch: Buffer;
}

/** Options of {@link HotStore.changes}. */
export interface ChangesOptions {
  /**
   * The sequence the consumer last applied (a record's `sequence`, a replica's
   * {@link HotStore.appliedSequence}, a checkpoint's `sequence`): the feed starts after it.
   * Default: the store's latest sequence when changes() is called (only writes made from then on).
   */
  since?: IntLike;
  /** At most this many write batches per native call. Integer in [1, 65536]; default 256. */
  batchSize?: number;
  /**
   * Keep waiting for new writes once caught up (polling every `pollMs`), until the loop breaks,
   * `signal` aborts or the store closes. Default true; false ends the feed once caught up.
   */
  follow?: boolean;
  /** How often a caught-up feed looks for new writes, in ms. Integer in [1, 2^31-1]; default 50. */
  pollMs?: number;
  /** Ends the feed (the loop's iteration then finishes without an error). */
  signal?: AbortSignal;
}

const KINDS: FeedOperation[] = ['put', 'delete', 'singleDelete', 'deleteRange', 'merge'];
const CFS: FeedColumnFamily[] = ['default', 'vectors', 'timelines'];

interface FeedArgs {
  since?: IntLike;
  batchSize: number;
  follow: boolean;
  pollMs: number;
  signal?: AbortSignal;
}

function intIn(v: unknown, name: string, lo: number, hi: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw invalidArgument(`${name} must be an integer in [${lo}, ${hi === 2 ** 31 - 1 ? '2^31-1' : hi}], got ${describe(v)}`);
  }
  return v;
}

/** Checks changes()'s options; every message names the option. */
export function changesArgs(options: unknown): FeedArgs {
  const o = readOptions<ChangesOptions>(options, ['since', 'batchSize', 'follow', 'pollMs', 'signal']);
  const signal = o.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalidArgument(`options.signal must be an AbortSignal, got ${describe(signal)}`);
  }
  return {
    since: o.since === undefined ? undefined : checkU64(o.since, 'options.since'),
    batchSize: intIn(o.batchSize, 'options.batchSize', 1, 65536, 256),
    follow: checkBoolean(o.follow, 'options.follow', true),
    pollMs: intIn(o.pollMs, 'options.pollMs', 1, 2 ** 31 - 1, 50),
    signal,
  };
}

/** A batch's operations decoded; vectors-family operations become point-level changes. */
function decodeChanges(data: Buffer, ops: Uint32Array, bigint: boolean): Change[] {
  const out: Change[] = [];
  for (let i = 0; i < ops.length; i += 6) {
    const op = KINDS[ops[i]];
    const cf = CFS[ops[i + 1]];
    const key = data.subarray(ops[i + 2], ops[i + 2] + ops[i + 3]);
    const value = op === 'delete' || op === 'singleDelete' ? undefined : data.subarray(ops[i + 4], ops[i + 4] + ops[i + 5]);
    out.push(pointChange(op, cf, key, value, bigint) ?? { type: 'raw', op, columnFamily: cf, key, value });
  }
  return out;
}

/**
 * An id or timestamp as the store's mode gives it, except that in number mode one outside the
 * safe range stays a bigint: a feed never stops on a point a number cannot hold.
 */
function out(v: bigint, bigint: boolean): number | bigint {
  return bigint || v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER) ? v : Number(v);
}

function pointChange(op: FeedOperation, cf: FeedColumnFamily, key: Buffer, value: Buffer | undefined, bigint: boolean): Change | undefined {
  if (cf !== 'vectors' || key.length !== KEY_SIZE) return undefined;
  const k = decodeKey(key);
  const entityId = out(k.entityId, bigint);
  const at = { entityId, spaceId: k.spaceId };
  if (op === 'put' && value && value.length % 4 === 0) {
    const vector = new Float32Array(value.length / 4);
    new Uint8Array(vector.buffer).set(value); // a copy: the batch's bytes need not be aligned
    return { type: 'put', ...at, timestamp: out(k.timestamp, bigint), vector };
  }
  if (op === 'delete') return { type: 'delete', ...at, timestamp: out(k.timestamp, bigint) };
  if (op === 'deleteRange' && value && value.length === KEY_SIZE) {
    const end = decodeKey(value);
    if (end.entityId !== k.entityId || end.spaceId !== k.spaceId) return undefined;
    return { type: 'deleteRange', ...at, start: out(k.timestamp, bigint), endExclusive: out(end.timestamp, bigint) };
  }
  return undefined;
}

/** The records of one native step. */
function recordsOf(step: NativeFeedStep, bigint: boolean): ChangeRecord[] {
  const out: ChangeRecord[] = [];
  for (let i = 1; i < step.length; i++) {
    const [first, count, data, ops] = step[i] as [number, number, Buffer, Uint32Array];
    let changes: Change[] | undefined; // decoded when first read: a replica only needs `batch`
    out.push({
      sequence: first + count - 1,
      firstSequence: first,
      get changes() {
        return (changes ??= decodeChanges(data, ops, bigint));
      },
      batch: data,
    });
  }
  return out;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * The feed itself: `catchUp` (a follower's) is called first and whenever caught up, so a
 * follower's feed moves with its writer. Ends when the store closes while it waits.
 */
export async function* changeFeed(
  handle: NativeHandle, a: FeedArgs, bigint: boolean, catchUp?: () => Promise<unknown>,
): AsyncGenerator<ChangeRecord, void, undefined> {
  if (catchUp) await catchUp();
  const since = a.since ?? (await native.latestSequence(handle));
  const feed: NativeFeed = native.feedOpen(handle, since);
  const step = () => {
    let p: Promise<NativeFeedStep>;
    try {
      p = native.feedNext(handle, feed, a.batchSize, 0);
    } catch (e) {
      p = Promise.reject(e); // a closed store refuses at once: the loop meets it after the records it holds
    }
    p.catch(() => undefined); // a step read ahead and never awaited (the loop ended) is no unhandled rejection
    return p;
  };
  let first = true;
  let next: Promise<NativeFeedStep> | undefined = step();
  try {
    while (!a.signal?.aborted) {
      let got: NativeFeedStep;
      try {
        got = await (next ?? step());
      } catch (e) {
        if (first || native.isOpen(handle)) throw e;
        return; // the store closed while the feed followed it: the feed ends
      }
      first = false;
      const records = recordsOf(got, bigint);
      // While the consumer works on these records, the next step reads on the pool.
      next = records.length > 0 ? step() : undefined;
      for (const r of records) yield r;
      if (records.length > 0) continue;
      if (!a.follow) return;
      if (catchUp) await catchUp();
      await sleep(a.pollMs, a.signal);
      if (!native.isOpen(handle)) return;
    }
  } finally {
    native.feedClose(feed);
  }
}

/** The batches of `records` (one record or an array), for the native applyChanges. */
export function batchesOf(records: unknown): Buffer[] {
  const list = Array.isArray(records) ? records : [records];
  return list.map((r, i) => {
    const name = Array.isArray(records) ? `records[${i}]` : 'record';
    const b = (r as ChangeRecord | null)?.batch;
    if (!(b instanceof Uint8Array) || b.length < 12) throw invalidArgument(`${name}.batch must be a change record's batch (a Buffer)`);
    return b as Buffer;
  });
}
