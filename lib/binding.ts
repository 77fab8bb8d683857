// Loads the native addon in exactly one place and describes it with a typed interface.
// A Debug build is used when CVX_NATIVE_BUILD=Debug (CI's assert pass), Release otherwise.
import * as path from 'path';
import { makeError } from './errors';
import type { NativeVerifyReport } from './verify';

/** Opaque, type-tagged native store handle. */
export type NativeHandle = { readonly __cvxHandle: unique symbol };

export interface NativeOpenOptions {
  createIfMissing: boolean;
  readOnly: boolean;
  sync: boolean;
  keyframeInterval: number;
}

export type NativeId = number | bigint;

/** Column-shaped range answer from the shim. */
export interface NativeRange<TS extends BigInt64Array | Float64Array> {
  count: number;
  dim: number;
  timestamps: TS;
  vectors: Float32Array;
}

export interface NativeBinding {
  openSync(path: string, options: NativeOpenOptions): NativeHandle;
  open(path: string, options: NativeOpenOptions): Promise<NativeHandle>;
  closeSync(h: NativeHandle): void;
  close(h: NativeHandle): Promise<void>;
  isOpen(h: NativeHandle): boolean;

  putSync(h: NativeHandle, spaceId: number, entityId: NativeId, timestamp: NativeId, vector: Float32Array): void;
  put(h: NativeHandle, spaceId: number, entityId: NativeId, timestamp: NativeId, vector: Float32Array): Promise<void>;
  putManySync(
    h: NativeHandle,
    spaceId: number,
    entityIds: Float64Array | BigUint64Array,
    timestamps: Float64Array | BigInt64Array,
    vectors: Float32Array,
    dim: number,
  ): void;
  putMany(
    h: NativeHandle,
    spaceId: number,
    entityIds: Float64Array | BigUint64Array,
    timestamps: Float64Array | BigInt64Array,
    vectors: Float32Array,
    dim: number,
  ): Promise<void>;
  /** Coalesced independent puts; per put, undefined when written or the error that refused it. */
  putGroup(
    h: NativeHandle,
    spaces: Uint32Array,
    entityIds: Float64Array | BigUint64Array,
    timestamps: Float64Array | BigInt64Array,
    vectors: Float32Array,
    offsets: Uint32Array,
  ): Promise<Array<Error | undefined>>;
  getSync(h: NativeHandle, entityId: NativeId, spaceId: number, timestamp: NativeId): Float32Array | undefined;
  get(h: NativeHandle, entityId: NativeId, spaceId: number, timestamp: NativeId): Promise<Float32Array | undefined>;
  deleteSync(h: NativeHandle, entityId: NativeId, spaceId: number, timestamp: NativeId): boolean;
  delete(h: NativeHandle, entityId: NativeId, spaceId: number, timestamp: NativeId): Promise<boolean>;
  rangeSync(
    h: NativeHandle, entityId: NativeId, spaceId: number, start: NativeId, end: NativeId,
    limit: number, reverse: boolean, timestampsAsNumbers: boolean,
  ): NativeRange<BigInt64Array | Float64Array>;
  range(
    h: NativeHandle, entityId: NativeId, spaceId: number, start: NativeId, end: NativeId,
    limit: number, reverse: boolean, timestampsAsNumbers: boolean,
  ): Promise<NativeRange<BigInt64Array | Float64Array>>;
  getTimelineSync(h: NativeHandle, entityId: NativeId, spaceId: number): Buffer | undefined;
  getTimeline(h: NativeHandle, entityId: NativeId, spaceId: number): Promise<Buffer | undefined>;

  property(h: NativeHandle, columnFamily: string, name: string): string | undefined;
  tickers(h: NativeHandle): Record<string, number>;
  flush(h: NativeHandle): void;
  spaces(h: NativeHandle): Array<[number, number]>;
  /** C++ codecs, exposed so tests can compare them byte for byte with lib/keys.ts. */
  encodeKeyNative(entityId: NativeId, spaceId: number, timestamp: NativeId): Buffer;
  encodeTimelineNative(
    entityId: NativeId, spaceId: number, firstSeen: NativeId, lastSeen: NativeId, pointCount: NativeId, keyframeInterval: number,
  ): Buffer;
  verifySync(h: NativeHandle, repair: boolean, dropUndecodable: boolean, maxIssues: number): NativeVerifyReport;
  verify(h: NativeHandle, repair: boolean, dropUndecodable: boolean, maxIssues: number): Promise<NativeVerifyReport>;
  /** TEST TOOLING ONLY: writes raw bytes into a column family, bypassing every check. */
  _rawPut(h: NativeHandle, columnFamily: string, key: Uint8Array, value: Uint8Array): void;
  /** TEST TOOLING ONLY: deletes a raw key, bypassing timeline upkeep. */
  _rawDelete(h: NativeHandle, columnFamily: string, key: Uint8Array): void;
  /** TEST TOOLING ONLY: every [key, value] of a column family, in key order. */
  _rawScan(h: NativeHandle, columnFamily: string): Array<[Buffer, Buffer]>;
  setErrorFactory(factory: (code: string, message: string) => Error): void;
}

function load(): NativeBinding {
  const flavour = process.env.CVX_NATIVE_BUILD === 'Debug' ? 'Debug' : 'Release';
  const file = path.join(__dirname, '..', 'build', flavour, 'cvx_native.node');
  let addon: NativeBinding;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    addon = require(file) as NativeBinding;
  } catch (e) {
    throw makeError(
      'CVX_IO',
      `cvx-storage: the native addon could not be loaded from ${file} (${(e as Error).message}). ` +
        'Build it with `npm run build` after installing RocksDB (`bash scripts/setup.sh`).',
    );
  }
  addon.setErrorFactory((code, message) => makeError(code as never, message));
  return addon;
}

/** The loaded addon. */
export const native: NativeBinding = load();
