// The on-disk key codec in TypeScript, byte-for-byte the same as native/codec.h, for
// tooling (ldb, export, tests). The store itself never builds keys in JS.
import { invalidArgument } from './errors';
import { toU64, toI64, toU32 } from './validate';
import type { IntLike } from './types';

/** Length of a `vectors` key: entity u64 BE · space u32 BE · timestamp i64 BE (sign bit flipped). */
export const KEY_SIZE = 20;
/** Length of the entity+space prefix, which is also the `timelines` key. */
export const PREFIX_SIZE = 12;

const SIGN = 1n << 63n;

/** Decoded `vectors` key. */
export interface DecodedKey {
  entityId: bigint;
  spaceId: number;
  timestamp: bigint;
}

/**
 * Encodes the 12-byte entity+space prefix (the `timelines` key).
 *
 * @example
 * ```ts
 * encodePrefix(42, 0).toString('hex'); // '000000000000002a00000000'
 * ```
 */
export function encodePrefix(entityId: IntLike, spaceId: number): Buffer {
  const out = Buffer.allocUnsafe(PREFIX_SIZE);
  out.writeBigUInt64BE(toU64(entityId, 'entityId'), 0);
  out.writeUInt32BE(toU32(spaceId, 'spaceId'), 8);
  return out;
}

/**
 * Encodes a 20-byte `vectors` key. Byte order of keys equals numeric order of
 * (entityId, spaceId, timestamp), negative timestamps included.
 *
 * @example
 * ```ts
 * encodeKey(42, 0, -1).toString('hex'); // '000000000000002a000000007fffffffffffffff'
 * ```
 */
export function encodeKey(entityId: IntLike, spaceId: number, timestamp: IntLike): Buffer {
  const out = Buffer.allocUnsafe(KEY_SIZE);
  out.writeBigUInt64BE(toU64(entityId, 'entityId'), 0);
  out.writeUInt32BE(toU32(spaceId, 'spaceId'), 8);
  out.writeBigUInt64BE(BigInt.asUintN(64, toI64(timestamp, 'timestamp')) ^ SIGN, 12);
  return out;
}

/** Decodes a 20-byte `vectors` key; throws CVX_INVALID_ARGUMENT for any other length. */
export function decodeKey(key: Uint8Array): DecodedKey {
  if (!(key instanceof Uint8Array) || key.length !== KEY_SIZE) {
    throw invalidKey(key);
  }
  const b = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  return {
    entityId: b.readBigUInt64BE(0),
    spaceId: b.readUInt32BE(8),
    timestamp: BigInt.asIntN(64, b.readBigUInt64BE(12) ^ SIGN),
  };
}

function invalidKey(key: unknown): Error {
  const len = key instanceof Uint8Array ? key.length : 'not a Uint8Array';
  return invalidArgument(`key must be a ${KEY_SIZE}-byte Uint8Array (got ${len})`);
}
