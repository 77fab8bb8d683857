// Loads the native addon in exactly one place and describes it with a typed interface.
// Where it comes from: a matching prebuild (prebuilds/, RocksDB bundled) or the local build
// (build/Release); CVX_NATIVE_BUILD=Debug (CI's assert pass) or =Release forces the local one.
import * as fs from 'fs';
import * as path from 'path';
import { makeError } from './errors';
import type { RebuildReport, VerifyIssueKind } from './types';

/** Opaque, type-tagged native store handle. */
export type NativeHandle = { readonly __cvxHandle: unique symbol };
/** A read view's handle (native/js_snapshot.cc): reads take it in place of a store handle. */
export type NativeView = { readonly __cvxView: unique symbol };
/** What a read's first argument may be: a store, or a read view of one. */
export type NativeReadHandle = NativeHandle | NativeView;

export interface NativeOpenOptions {
  createIfMissing: boolean;
  readOnly: boolean;
  sync: boolean;
  keyframeInterval: number;
  salvage: boolean;
  /** A follower (always a RocksDB secondary); `followerDir` '' for a private working directory. */
  follower: boolean;
  followerDir: string;
  /** WAL retention for change feed consumers (RocksDB WAL_ttl_seconds, WAL_size_limit_MB); 0: none. */
  walTtlSeconds: number;
  walSizeLimitMB: number;
}

/** Opaque, type-tagged change feed handle (see native/js_feed.cc). */
export type NativeFeed = object & { readonly __cvxFeed: unique symbol };

/**
 * One feedNext answer: the store's latest sequence, then per batch its first sequence, the count
 * of sequences it uses, its bytes (a RocksDB WriteBatch) and 6 numbers per operation: kind (0 put,
 * 1 delete, 2 single delete, 3 deleteRange, 4 merge), column family (0 default, 1 vectors,
 * 2 timelines), key offset and length, value (or end key) offset and length, into the bytes.
 */
export type NativeFeedStep = [latest: number, ...batches: Array<[sequence: number, count: number, data: Buffer, ops: Uint32Array]>];

/** What a salvage open dropped (native/salvage.h); the shim's shape of SalvageReport. */
export interface NativeSalvageReport {
  drops: Array<{ file: string; bytes: number; reason: string }>;
  issuesFound: number;
  timelinesWritten: number;
  timelinesDeleted: number;
}

export type NativeId = number | bigint;

/** Column-shaped range answer from the shim. */
export interface NativeRange<TS extends BigInt64Array | Float64Array> {
  count: number;
  dim: number;
  timestamps: TS;
  vectors: Float32Array;
}

/** getMany's answer: per key, its vector or a hole (undefined). */
export type NativeGetMany = Array<Float32Array | undefined>;

/** getManySync's answer with `into`: the vectors are in the caller's array; which keys were found. */
export interface NativeGetManyInto {
  dim: number;
  found: Uint8Array;
}

/** getManyAsOf's answer from the shim; without `vectors` when they were written into `into`. */
export interface NativeAsOfColumns {
  count: number;
  dim: number;
  found: Uint8Array;
  timestamps: BigInt64Array;
  vectors?: Float32Array;
}

/** Opaque, type-tagged native iterator handle (see native/js_level.cc). */
export type NativeIterator = { readonly __cvxIterator: unique symbol };

/** The three column families of a store. */
export type ColumnFamilyName = 'default' | 'vectors' | 'timelines';

/** getAsOf's answer from the shim: the timestamp a Number when safe, else a BigInt. */
export interface NativeAsOf {
  timestamp: number | bigint;
  vector: Float32Array;
}

/** Encoded range bounds for native iterators and clear (gte wins over gt, lte over lt). */
export interface NativeRangeOptions {
  gt?: string | Uint8Array;
  gte?: string | Uint8Array;
  lt?: string | Uint8Array;
  lte?: string | Uint8Array;
  reverse?: boolean;
}

/** One space as summarised from the timelines. */
export interface NativeSpaceSummary {
  spaceId: number;
  dim: number;
  entities: number;
  points: number;
}

/** Per column family facts that stats() combines with properties and tickers. */
export interface NativeCfFacts {
  name: ColumnFamilyName;
  compression: string;
  sstFiles: number;
  sstBytes: number;
}

/** A timeline in the shim's verify report: ids as bigint, whatever they hold. */
export interface NativeTimeline {
  entityId: bigint; spaceId: number; firstSeen: bigint; lastSeen: bigint; pointCount: bigint; keyframeInterval: number;
}
/** One issue of the shim's verify report. */
export interface NativeIssue {
  kind: VerifyIssueKind; columnFamily: 'vectors' | 'timelines'; key: Buffer; message: string;
  stored?: NativeTimeline; expected?: NativeTimeline;
}
/** The shim's verify/repair report, before verify.ts shapes it. */
export interface NativeVerifyReport {
  vectorsScanned: number; timelinesScanned: number; series: number; issueCount: number;
  issues: NativeIssue[];
  repaired: { timelinesWritten: number; timelinesDeleted: number; vectorsDeleted: number };
}

type RawValue = string | Buffer;

/** (handle, spaceId, entityIds, timestamps, vectors, dim): the columnar batch of putMany. */
type PutManyArgs = [
  h: NativeHandle,
  spaceId: number,
  entityIds: Float64Array | BigUint64Array,
  timestamps: Float64Array | BigInt64Array,
  vectors: Float32Array,
  dim: number,
];

/**
 * The named bits that stand for the binding's yes/no arguments (native/flags.h owns the values):
 * e.g. `native.range(…, limit, flags.reverse | flags.timestampsAsNumbers)`.
 */
export interface NativeFlags {
  /** range: newest first. */
  readonly reverse: number;
  /** range: timestamps as a Float64Array (number mode) instead of a BigInt64Array. */
  readonly timestampsAsNumbers: number;
  /** iteratorNext: return each entry's key. */
  readonly keys: number;
  /** iteratorNext: return each entry's value. */
  readonly values: number;
  /** iteratorNext: keys as UTF-8 strings instead of Buffers. */
  readonly keysAsString: number;
  /** iteratorNext, rawGet: values as UTF-8 strings instead of Buffers. */
  readonly valuesAsString: number;
  /** verify: repair what is wrong. */
  readonly repair: number;
  /** verify: with repair, also delete undecodable records. */
  readonly dropUndecodable: number;
}

export interface NativeBinding {
  readonly flags: NativeFlags;
  openSync(path: string, options: NativeOpenOptions): NativeHandle;
  open(path: string, options: NativeOpenOptions): Promise<NativeHandle>;
  closeSync(h: NativeHandle): void;
  close(h: NativeHandle): Promise<void>;
  isOpen(h: NativeHandle): boolean;
  /** A follower's catch-up: whether its view moved. */
  catchUpSync(h: NativeHandle): boolean;
  catchUp(h: NativeHandle): Promise<boolean>;

  putSync(h: NativeHandle, spaceId: number, entityId: NativeId, timestamp: NativeId, vector: Float32Array): void;
  put(h: NativeHandle, spaceId: number, entityId: NativeId, timestamp: NativeId, vector: Float32Array): Promise<void>;
  putManySync(...args: PutManyArgs): void;
  putMany(...args: PutManyArgs): Promise<void>;
  /** bulkLoad's steps (lib/bulk_load.ts): a piece of points into the load's buffer (false: it is full); the buffer as a sorted run; the final merge + ingest; giving up. */
  bulkAppend(
    id: string, entityIds: Float64Array | BigUint64Array, timestamps: Float64Array | BigInt64Array, vectors: Float32Array, dim: number, memoryBytes: number,
  ): boolean;
  bulkSpill(h: NativeHandle, id: string, run: number): Promise<void>;
  bulkLoad(h: NativeHandle, spaceId: number, id: string, runs: number): Promise<{ loaded: number; overwritten: number }>;
  bulkDrop(id: string): void;
  /** Coalesced independent puts; per put, undefined when written or the error that refused it. */
  putGroup(
    h: NativeHandle,
    spaces: Uint32Array,
    entityIds: Float64Array | BigUint64Array,
    timestamps: Float64Array | BigInt64Array,
    vectors: Float32Array,
    offsets: Uint32Array,
  ): Promise<Array<Error | undefined>>;
  getSync(h: NativeReadHandle, entityId: NativeId, spaceId: number, timestamp: NativeId): Float32Array | undefined;
  getManySync(
    h: NativeReadHandle, spaceId: number, entityIds: Float64Array | BigUint64Array, timestamps: Float64Array | BigInt64Array,
  ): NativeGetMany;
  getManySync(
    h: NativeReadHandle, spaceId: number, entityIds: Float64Array | BigUint64Array, timestamps: Float64Array | BigInt64Array,
    into: Float32Array,
  ): NativeGetManyInto;
  getMany(
    h: NativeReadHandle, spaceId: number, entityIds: Float64Array | BigUint64Array, timestamps: Float64Array | BigInt64Array,
  ): Promise<NativeGetMany>;
  get(h: NativeReadHandle, entityId: NativeId, spaceId: number, timestamp: NativeId): Promise<Float32Array | undefined>;
  deleteSync(h: NativeHandle, entityId: NativeId, spaceId: number, timestamp: NativeId): boolean;
  delete(h: NativeHandle, entityId: NativeId, spaceId: number, timestamp: NativeId): Promise<boolean>;
  /** With `into`, the vectors are written there and the answer has no `vectors` of its own. */
  rangeSync(
    h: NativeReadHandle, entityId: NativeId, spaceId: number, start: NativeId, end: NativeId,
    limit: number, flags: number, into?: Float32Array,
  ): NativeRange<BigInt64Array | Float64Array>;
  range(
    h: NativeReadHandle, entityId: NativeId, spaceId: number, start: NativeId, end: NativeId,
    limit: number, flags: number,
  ): Promise<NativeRange<BigInt64Array | Float64Array>>;
  /** The point with the greatest timestamp in [minTimestamp (i64 min when absent), t]. */
  getAsOfSync(h: NativeReadHandle, entityId: NativeId, spaceId: number, t: NativeId, minTimestamp?: NativeId): NativeAsOf | undefined;
  /** With a timestamp slot: the bare vector, its timestamp written to `timestampSlot[0]` (sync only). */
  getAsOfSync(
    h: NativeReadHandle, entityId: NativeId, spaceId: number, t: NativeId, minTimestamp: NativeId | undefined, timestampSlot: BigInt64Array,
  ): Float32Array | undefined;
  getAsOf(h: NativeReadHandle, entityId: NativeId, spaceId: number, t: NativeId, minTimestamp?: NativeId): Promise<NativeAsOf | undefined>;
  getManyAsOfSync(
    h: NativeReadHandle, spaceId: number, entityIds: Float64Array | BigUint64Array, t: NativeId | Float64Array | BigInt64Array,
    tolerance: NativeId | undefined, into?: Float32Array,
  ): NativeAsOfColumns;
  getManyAsOf(
    h: NativeReadHandle, spaceId: number, entityIds: Float64Array | BigUint64Array, t: NativeId | Float64Array | BigInt64Array,
    tolerance: NativeId | undefined,
  ): Promise<NativeAsOfColumns>;
  getTimelineSync(h: NativeReadHandle, entityId: NativeId, spaceId: number): Buffer | undefined;
  getTimeline(h: NativeReadHandle, entityId: NativeId, spaceId: number): Promise<Buffer | undefined>;

  property(h: NativeHandle, columnFamily: string, name: string): string | undefined;
  tickers(h: NativeHandle): Record<string, number>;
  flush(h: NativeHandle): void;
  salvageReport(h: NativeHandle): NativeSalvageReport | undefined;
  rebuildSync(path: string): RebuildReport;
  rebuild(path: string): Promise<RebuildReport>;
  iterator(h: NativeReadHandle, cf: ColumnFamilyName, range: NativeRangeOptions): NativeIterator;
  iteratorNext(
    h: NativeReadHandle, it: NativeIterator, size: number, maxBytes: number, flags: number,
  ): Promise<[RawValue[], boolean]>;
  iteratorNextSync(
    h: NativeReadHandle, it: NativeIterator, size: number, maxBytes: number, flags: number,
  ): [RawValue[], boolean];
  iteratorSeek(h: NativeHandle, it: NativeIterator, target: string | Uint8Array): void;
  iteratorClose(it: NativeIterator): void;
  /** A read view of the store as it is now (a RocksDB snapshot). */
  snapshot(h: NativeHandle): NativeView;
  /** Lets the view go (now, or when its last read in flight ends). Idempotent. */
  snapshotRelease(view: NativeView): void;
  rawGet(h: NativeHandle, cf: ColumnFamilyName, key: string | Uint8Array, flags: number): Promise<RawValue | undefined>;
  rawGet(h: NativeHandle, cf: ColumnFamilyName, keys: Array<string | Uint8Array>, flags: number): Promise<Array<RawValue | undefined>>;
  rawGetSync(h: NativeHandle, cf: ColumnFamilyName, key: string | Uint8Array, flags: number): RawValue | undefined;
  rawWrite(
    h: NativeHandle, cf: ColumnFamilyName, puts: boolean[], keys: Array<string | Uint8Array>, values: Array<string | Uint8Array | undefined>,
  ): Promise<void>;
  rawClear(h: NativeHandle, cf: ColumnFamilyName, range: NativeRangeOptions, limit: number): Promise<void>;

  spaceSummaries(h: NativeReadHandle): Promise<NativeSpaceSummary[]>;
  spaceSummariesSync(h: NativeReadHandle): NativeSpaceSummary[];
  columnFamilies(h: NativeHandle): Promise<NativeCfFacts[]>;
  columnFamiliesSync(h: NativeHandle): NativeCfFacts[];
  compact(h: NativeHandle): Promise<void>;
  compactSync(h: NativeHandle): void;
  checkpoint(h: NativeHandle, dir: string): Promise<{ sequence: number }>;
  checkpointSync(h: NativeHandle, dir: string): { sequence: number };

  /** The change feed (native/js_feed.cc). */
  latestSequence(h: NativeHandle): Promise<number>;
  latestSequenceSync(h: NativeHandle): number;
  feedOpen(h: NativeHandle, since: number | bigint): NativeFeed;
  feedNext(h: NativeHandle, feed: NativeFeed, maxBatches: number, maxBytes: number): Promise<NativeFeedStep>;
  feedNextSync(h: NativeHandle, feed: NativeFeed, maxBatches: number, maxBytes: number): NativeFeedStep;
  feedClose(feed: NativeFeed): void;
  /** A replica's side: the batches' bytes applied with the source sequence; resolves the applied sequence. */
  applyChanges(h: NativeHandle, batches: Uint8Array[]): Promise<number>;
  applyChangesSync(h: NativeHandle, batches: Uint8Array[]): number;
  appliedSequence(h: NativeHandle): Promise<number | undefined>;
  appliedSequenceSync(h: NativeHandle): number | undefined;
  /** Makes the replica `h` a copy of the view (native/resync.h); resolves the view's sequence. */
  resync(h: NativeHandle, view: NativeView): Promise<number>;
  deleteRange(h: NativeHandle, entityId: NativeId, spaceId: number, start: NativeId, end: NativeId): Promise<number>;
  deleteRangeSync(h: NativeHandle, entityId: NativeId, spaceId: number, start: NativeId, end: NativeId): number;

  verifySync(h: NativeHandle, flags: number, maxIssues: number): NativeVerifyReport;
  verify(h: NativeHandle, flags: number, maxIssues: number): Promise<NativeVerifyReport>;
  setErrorFactory(factory: (code: string, message: string) => Error): void;
  /** Lets every store's writer thread finish its queued writes and end (process 'exit'). */
  quiesceWriters(): void;
}

/** scripts/prebuild_target.js: the one place that names prebuilds (shared with install and prebuild). */
interface PrebuildTarget {
  findPrebuild(root: string): string | undefined;
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * The addon files to try, in order. CVX_NATIVE_BUILD=Debug|Release: that local build only (CI's
 * assert pass must not silently load something else). Otherwise a prebuild matching this
 * platform, arch, libc and Node-API version, then the local Release build. A local build newer
 * than the prebuild goes first: someone compiled here after packaging (a contributor's checkout,
 * or an install that compiled because the prebuild would not load).
 */
export function addonCandidates(root: string = path.join(__dirname, '..')): string[] {
  const forced = process.env.CVX_NATIVE_BUILD;
  const local = (flavour: string) => path.join(root, 'build', flavour, 'cvx_native.node');
  if (forced === 'Debug' || forced === 'Release') return [local(forced)];
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const target = require(path.join(root, 'scripts', 'prebuild_target.js')) as PrebuildTarget;
  const prebuild = target.findPrebuild(root);
  if (!prebuild) return [local('Release')];
  return mtime(local('Release')) > mtime(prebuild) ? [local('Release'), prebuild] : [prebuild, local('Release')];
}

function load(): NativeBinding {
  const tried: string[] = [];
  let addon: NativeBinding | undefined;
  for (const file of addonCandidates()) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      addon = require(file) as NativeBinding;
      break;
    } catch (e) {
      tried.push(`${file} (${(e as Error).message})`);
    }
  }
  if (!addon) {
    throw makeError(
      'CVX_IO',
      `cvx-storage: the native addon could not be loaded from ${tried.join('; ')}. ` +
        'Build it with `npm run build` after installing RocksDB (`bash scripts/setup.sh`); see docs/install.md.',
    );
  }
  const loaded = addon;
  loaded.setErrorFactory((code, message) => makeError(code as never, message));
  // process.exit() on the main thread runs no env cleanup hooks: without this, a store's writer
  // thread could still be inside a write while the process runs its static destructors.
  process.once('exit', () => loaded.quiesceWriters());
  return loaded;
}

/** The loaded addon. */
export const native: NativeBinding = load();

/** The addon's named flag bits (see {@link NativeFlags}). */
export const flags: NativeFlags = native.flags;
