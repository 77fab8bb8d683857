// Public data shapes of the API: what HotStore's methods take and return, verify's
// report included.

/** An integer argument: a number must be a safe integer; a bigint may use the full 64-bit domain. */
export type IntLike = number | bigint;

/** A point to write. `vector` is read in place when it is a Float32Array. */
export interface PointInput {
  entityId: IntLike;
  timestamp: IntLike;
  vector: Float32Array | ArrayLike<number>;
}

/** Where a stored point is, within one space: what {@link HotStore.getMany} looks up. */
export interface PointKey {
  entityId: IntLike;
  timestamp: IntLike;
}

/** A stored point. Ids and timestamps are numbers unless the store was opened with `bigint: true`. */
export interface TemporalPoint {
  entityId: number | bigint;
  timestamp: number | bigint;
  vector: Float32Array;
}

/** Per (entity, space) summary kept in the `timelines` column family, exact at all times. */
export interface EntityTimeline {
  entityId: number | bigint;
  spaceId: number;
  firstSeen: number | bigint;
  lastSeen: number | bigint;
  pointCount: number;
  keyframeInterval: number;
}

export interface RangeOptions {
  /** Maximum number of points to return (a positive integer); all when absent. */
  limit?: number;
  /** Newest first when true. */
  reverse?: boolean;
}

/** {@link HotStore.getAsOf}'s options. */
export interface AsOfOptions {
  /**
   * How far before `t` the point may be: only a point with `t − tolerance ≤ timestamp ≤ t`
   * is returned. A non-negative integer in the i64 domain (number or bigint); `t − tolerance`
   * below −2^63 counts from −2^63. Absent: no limit.
   */
  tolerance?: IntLike;
}

/** {@link HotStore.getManyAsOfSync}'s options: getAsOf's tolerance, and a matrix to read into. */
export interface ManyAsOfOptions extends AsOfOptions {
  /**
   * Where to write the vectors instead of a new Float32Array: entity i's row at element
   * `i * dim` (zeros where none was found), and the answer's `vectors` a view of it
   * (`into.subarray(0, count * dim)`). It must hold `entityIds.length * dim` floats
   * (`CVX_INVALID_ARGUMENT` otherwise, with `into` untouched). Sync only.
   */
  into?: Float32Array;
}

/**
 * {@link HotStore.getManyAsOf}'s answer, one row per entity asked, in the order asked:
 * entity i's point is `timestamps[i]` and `vectors.subarray(i * dim, (i + 1) * dim)` when
 * `found[i] === 1`.
 */
export interface AsOfColumns {
  /** The number of entities asked (`entityIds.length`). */
  count: number;
  /** The space's dimension; 0 when the space was never written. */
  dim: number;
  /** `found[i] === 1` when entity i has a point in `[t_i − tolerance, t_i]`, else 0. */
  found: Uint8Array;
  /** The found point's timestamp (0 where none was found); a BigInt64Array in every integer mode. */
  timestamps: BigInt64Array;
  /** `count * dim` floats, row i at element `i * dim`, zeros where none was found. */
  vectors: Float32Array;
}

/** {@link HotStore.latestAll}'s options. */
export interface LatestAllOptions {
  /**
   * The moment whose state is read: each entity's point with the greatest timestamp ≤ `at`.
   * An integer of the i64 domain (number or bigint). Absent: +∞, each entity's latest point.
   */
  at?: IntLike;
  /** Entities looked up per batch, an integer in [1, 65536]. Default 1000. */
  batchSize?: number;
}

/**
 * One batch of {@link HotStore.latestAll}: the points of `count` entities, in entity-id order,
 * as columns. Only entities that have a point at or before `at` are in it.
 */
export interface PointBatch {
  count: number;
  /** The space's vector dimension. */
  dim: number;
  entityIds: BigUint64Array;
  timestamps: BigInt64Array;
  /** Row i is `vectors.subarray(i * dim, (i + 1) * dim)`. */
  vectors: Float32Array;
}

/** {@link HotStore.getManySync}'s options. */
export interface GetManyOptions {
  /**
   * Where to write the vectors instead of a new Float32Array each: key i's vector at element
   * `i * dim`, and each answer's `vector` a view of it (`into.subarray(i * dim, (i + 1) * dim)`).
   * Slots of absent keys are left as they were. `into` must hold `keys.length * dim` floats
   * (`CVX_INVALID_ARGUMENT` otherwise). Sync only, like rangeColumnsSync's.
   */
  into?: Float32Array;
}

/** {@link HotStore.rangeColumnsSync}'s options: those of every range, and a buffer to read into. */
export interface RangeColumnsOptions extends RangeOptions {
  /**
   * Where to write the vectors, from element 0, instead of a new Float32Array: the result's
   * `vectors` is then `into.subarray(0, count * dim)`. A caller that reuses one buffer for many
   * ranges gets no fresh memory per call (docs/performance.md). The range must fit
   * (`CVX_INVALID_ARGUMENT` otherwise, with `into` partly written); pass `limit` to bound it.
   */
  into?: Float32Array;
}

/** All points of a range in one buffer: point i is `vectors.subarray(i * dim, (i + 1) * dim)`. */
export interface RangeColumns {
  count: number;
  /** Vector dimension; 0 when the range is empty. */
  dim: number;
  timestamps: BigInt64Array;
  vectors: Float32Array;
}

export interface HotStoreOptions {
  /** Create the store when the directory holds none. Default true. */
  createIfMissing?: boolean;
  /** Open without write access; writes fail with CVX_READ_ONLY. Default false. */
  readOnly?: boolean;
  /** Return ids and timestamps as bigint instead of number. Default false. */
  bigint?: boolean;
  /** fsync the WAL on every write (survives power loss). Default false (survives process crash). */
  sync?: boolean;
  /** Written into new timelines. Default 10. */
  keyframeInterval?: number;
  /**
   * Open a store whose WAL is damaged anyway (a plain open refuses it with CVX_CORRUPTION):
   * damaged WAL records are skipped, the timelines are recomputed from the vectors that
   * remain, and {@link HotStore.salvaged} says what was dropped. Writable opens only.
   * Default false.
   */
  salvage?: boolean;
  /**
   * Open as a follower of the process that writes the store (docs/processes.md): a read-only
   * RocksDB secondary instance that {@link HotStore.catchUp} (or `followIntervalMs`) advances
   * to the writer's latest acknowledged writes. Opens whether or not a writer runs, and keeps
   * working when the writer restarts or crashes. Implies `readOnly` (`readOnly: false` is
   * refused); writes fail with CVX_READ_ONLY. Default false.
   */
  follower?: boolean;
  /**
   * A follower's working directory (its RocksDB info log), created when missing and kept at
   * close; one per follower, never the store's own directory. Default: a private directory
   * under the OS temporary directory, removed at close.
   */
  followerDir?: string;
  /**
   * A follower catches up by itself every this many milliseconds (an unref'd timer, stopped by
   * close). An automatic catch-up that fails is passed to `onFollowError`, or, without one,
   * emitted as a process warning (once per run of failures); the store stays open and the
   * timer keeps trying. Integer in [1, 2^31-1]. Default: none (only {@link HotStore.catchUp}).
   */
  followIntervalMs?: number;
  /** Told of each automatic catch-up that failed (see `followIntervalMs`). */
  onFollowError?: (error: Error) => void;
  /**
   * How long the writer keeps WAL files whose data is already in table files, so that a change
   * feed consumer ({@link HotStore.changes}) can resume from an older sequence after a restart
   * (RocksDB's `WAL_ttl_seconds`). The kept files move to `<path>/archive/` and cost their size
   * on disk (about what was written in that time). Integer in [0, 2^32-1]; default 0. With both
   * this and `walSizeLimitMB` 0, no WAL is kept: a consumer can only resume from what the live
   * WAL still holds, and gets CVX_FEED_TRIMMED otherwise. Writable opens only.
   */
  walTtlSeconds?: number;
  /**
   * The most WAL kept for change feed consumers, in MiB (RocksDB's `WAL_size_limit_MB`): the
   * oldest kept files go first once `<path>/archive/` holds more (checked every 10 minutes).
   * With `walTtlSeconds` too, a file goes when either says so. Integer in [0, 2^32-1];
   * default 0 (no size limit; no WAL kept unless `walTtlSeconds` is set). Writable opens only.
   */
  walSizeLimitMB?: number;
}

/** One damaged stretch of a WAL that a salvage open skipped. */
export interface WalDrop {
  /** The WAL file (the store's path + `/NNNNNN.log`). */
  file: string;
  /** Bytes skipped there: the damaged record and what could not be read after it. */
  bytes: number;
  /** RocksDB's reason, e.g. `Corruption: checksum mismatch`. */
  reason: string;
}

/** What {@link HotStore.salvaged} reports: what a salvage open dropped and repaired. */
export interface SalvageReport {
  /** Every damaged stretch skipped, in the order RocksDB met them. */
  drops: WalDrop[];
  /** The WAL files that were damaged (each once). */
  walFiles: string[];
  /** Bytes skipped in all. The points they held are gone; their count is not knowable. */
  droppedBytes: number;
  /** Timelines that disagreed with the remaining vectors, and how they were repaired. */
  issuesFound: number;
  timelinesWritten: number;
  timelinesDeleted: number;
}

/** What {@link HotStore.rebuild} did. */
export interface RebuildReport {
  /** Table files and WAL files in the directory before the rebuild (its sources). */
  tableFiles: number;
  walFiles: number;
  /** Files RocksDB's repair could not use, moved to the store's `lost/` folder (paths relative to it). */
  lost: string[];
  /** Vectors and (entity, space) timelines in the rebuilt store. */
  vectors: number;
  series: number;
  /** Timelines that disagreed with the vectors after the rebuild, and how they were repaired. */
  issuesFound: number;
  timelinesWritten: number;
  timelinesDeleted: number;
}

/** One embedding space: its fixed dimension and how much it holds. */
export interface SpaceInfo {
  spaceId: number;
  /** Vector dimension, fixed by the space's first write. */
  dim: number;
  /** Number of (entity, space) timelines, i.e. entities with at least one point here. */
  entities: number;
  /** Number of stored points, summed from the exact timelines. */
  points: number;
}

/** RocksDB facts about one column family. */
export interface ColumnFamilyStats {
  /** RocksDB's estimate of live data (`rocksdb.estimate-live-data-size`), bytes. */
  liveDataBytes: number;
  /** RocksDB's estimate of the number of keys (`rocksdb.estimate-num-keys`). */
  estimatedKeys: number;
  /** Bytes in memtables not yet flushed (`rocksdb.cur-size-all-mem-tables`). */
  memtableBytes: number;
  /** Number of SST files and their total size. */
  sstFiles: number;
  sstBytes: number;
  /** Compression of new SST files: `none` for vectors, `lz4` for timelines. */
  compression: string;
}

/** What {@link HotStore.stats} reports. */
export interface StoreStats {
  path: string;
  columnFamilies: { default: ColumnFamilyStats; vectors: ColumnFamilyStats; timelines: ColumnFamilyStats };
  /**
   * Bloom-filter tickers since open: `useful` counts point reads a whole-key filter answered
   * without reading a block; `prefixChecked` / `prefixUseful` the same for prefix seeks (ranges).
   */
  bloom: { useful: number; fullPositive: number; fullTruePositive: number; prefixChecked: number; prefixUseful: number };
  /**
   * Bytes the engine wrote since open (RocksDB tickers): `userBytes` issued by writes (points
   * and timelines, keys included), `walBytes` to the write-ahead log, `flushBytes` to table
   * files by memtable flushes, `compactionBytesWritten` / `compactionBytesRead` by compactions.
   * Write amplification of the table files is (flushBytes + compactionBytesWritten) / userBytes.
   * Bulk loads write their table files outside these counters.
   */
  writes: { userBytes: number; walBytes: number; flushBytes: number; compactionBytesWritten: number; compactionBytesRead: number };
  spaces: SpaceInfo[];
}

/** What kind of disagreement or damage an issue describes. */
export type VerifyIssueKind =
  | 'timeline-mismatch'     // stored timeline disagrees with the vectors (count, first, last, ids)
  | 'timeline-missing'      // vectors exist without a timeline
  | 'timeline-orphan'       // a timeline exists without vectors
  | 'timeline-undecodable'  // timeline value is not a valid CBOR timeline record
  | 'vector-undecodable'    // vector value is empty, not whole f32s, of the wrong dimension, or non-finite
  | 'key-undecodable';      // a key of the wrong length (vectors: 20 bytes, timelines: 12)

/** A timeline as verify computes or reads it. */
export interface TimelineSummary {
  entityId: number | bigint;
  spaceId: number;
  firstSeen: number | bigint;
  lastSeen: number | bigint;
  pointCount: number | bigint;
  keyframeInterval: number;
}

export interface VerifyIssue {
  kind: VerifyIssueKind;
  columnFamily: 'vectors' | 'timelines';
  /** The raw RocksDB key. */
  key: Buffer;
  /** Decoded from the key when it has the right length. */
  entityId?: number | bigint;
  spaceId?: number;
  /** Only for vectors keys. */
  timestamp?: number | bigint;
  message: string;
  /** The stored timeline, when there is one and it decodes. */
  stored?: TimelineSummary;
  /** The timeline the vectors imply (what repair writes). */
  expected?: TimelineSummary;
}

export interface VerifyReport {
  /** True when no issue was found. For repair(): what was found before repairing. */
  ok: boolean;
  vectorsScanned: number;
  timelinesScanned: number;
  /** (entity, space) series with at least one vector. */
  series: number;
  /** Number of issues found, including those beyond `maxIssues`. */
  issueCount: number;
  /** The first `maxIssues` issues, in key order. */
  issues: VerifyIssue[];
  truncated: boolean;
  /** What repair() changed; all zero for verify(). */
  repaired: { timelinesWritten: number; timelinesDeleted: number; vectorsDeleted: number };
}

export interface VerifyOptions {
  /** Most issues listed in the report (all are counted). Default 1000. */
  maxIssues?: number;
}

export interface RepairOptions extends VerifyOptions {
  /** Also delete undecodable vectors and wrong-length keys (default false: report only). */
  dropUndecodable?: boolean;
}
