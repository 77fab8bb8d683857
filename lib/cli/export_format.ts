// The `cvx-hot export` format (version 2, docs/format.md "Exports"): the exact bytes of its
// header and trailer, and the checksum that binds them. Writer (export.ts) and reader
// (export_check.ts, ingest.ts) take every constant from here.
//
// A CBOR sequence: header item, one item per point, trailer item. The header and trailer are
// written byte for byte as below (not through a CBOR encoder) so that a reader can recognise
// them by their bytes: the header by the first HEADER.length bytes, the trailer by the last
// TRAILER_LENGTH bytes. That lets a streaming reader hash every byte before the trailer
// without decoding positions out of the CBOR.
import { createHash, Hash } from 'crypto';

export const EXPORT_MAGIC = 'cvx-hot-export';
export const TRAILER_MAGIC = 'cvx-hot-export-end';
export const EXPORT_VERSION = 2;
/** The version written by cvx-hot 0.1: a header, points, no count and no checksum. */
export const UNVERIFIABLE_VERSION = 1;

const text = (s: string) => Buffer.concat([Buffer.from([0x60 + s.length]), Buffer.from(s, 'utf8')]);

/** `{ "cvx": "cvx-hot-export", "version": 2 }`: map(2), text keys, the version as uint 2. */
export const HEADER = Buffer.concat([Buffer.from([0xa2]), text('cvx'), text(EXPORT_MAGIC), text('version'), Buffer.from([EXPORT_VERSION])]);

// `{ "cvx": "cvx-hot-export-end", "count": uint64, "sha256": bytes(32) }`; the count always
// takes the 8-byte form (0x1b) so that the trailer has one length.
const TRAILER_PREFIX = Buffer.concat([Buffer.from([0xa3]), text('cvx'), text(TRAILER_MAGIC), text('count'), Buffer.from([0x1b])]);
const DIGEST_PREFIX = Buffer.concat([text('sha256'), Buffer.from([0x58, 0x20])]);
export const TRAILER_LENGTH = TRAILER_PREFIX.length + 8 + DIGEST_PREFIX.length + 32;

/**
 * SHA-256 of every byte before the trailer. Chosen over CRC32C because Node's crypto has it
 * (no dependency, native speed, faster than a CRC in JavaScript) and because it catches every
 * change, not only the burst errors a CRC is built for.
 */
export const newChecksum = (): Hash => createHash('sha256');

export function encodeTrailer(count: number, digest: Buffer): Buffer {
  const n = Buffer.alloc(8);
  n.writeBigUInt64BE(BigInt(count));
  return Buffer.concat([TRAILER_PREFIX, n, DIGEST_PREFIX, digest]);
}

/** The count and digest of a trailer, or undefined when `b` is not one byte for byte. */
export function decodeTrailer(b: Buffer): { count: bigint; digest: Buffer } | undefined {
  if (b.length !== TRAILER_LENGTH || !b.subarray(0, TRAILER_PREFIX.length).equals(TRAILER_PREFIX)) return undefined;
  const at = TRAILER_PREFIX.length + 8;
  if (!b.subarray(at, at + DIGEST_PREFIX.length).equals(DIGEST_PREFIX)) return undefined;
  return { count: b.readBigUInt64BE(TRAILER_PREFIX.length), digest: Buffer.from(b.subarray(at + DIGEST_PREFIX.length)) };
}

/** What a decoded item is, as far as the export framing goes. */
export function exportItemKind(v: unknown): 'header' | 'trailer' | 'other' {
  if (v === null || typeof v !== 'object') return 'other';
  const magic = (v as Record<string, unknown>).cvx;
  return magic === EXPORT_MAGIC ? 'header' : magic === TRAILER_MAGIC ? 'trailer' : 'other';
}
