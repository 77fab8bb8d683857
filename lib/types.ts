// Public data shapes of the API (SPEC §3).

/** An integer argument: a number must be a safe integer; a bigint may use the full 64-bit domain. */
export type IntLike = number | bigint;

/** A point to write. `vector` is read in place when it is a Float32Array. */
export interface PointInput {
  entityId: IntLike;
  timestamp: IntLike;
  vector: Float32Array | ArrayLike<number>;
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
}
