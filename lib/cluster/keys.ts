// The cluster's key layout and value encodings (docs/scale-out.md, "Layout"). Every key of one
// (entity, space) series carries the same hash tag, so its vectors, its time index and its
// timeline sit in one slot and one Lua script can change them together. Timestamps travel and
// sort as 8 fixed-width big-endian bytes (the i64 with its sign bit flipped), so Redis's own
// byte-wise order of sorted-set members is time order: no float scores, no Lua arithmetic or
// string comparison ever touches a 64-bit value.
import { I64_MIN } from '../ints';

/** The three keys of one series: vectors (hash), time index (sorted set), timeline (hash). */
export interface SeriesKeys {
  vectors: string;
  index: string;
  timeline: string;
}

/** The hash tag of a series: `{<entity>:<space>}`, both in decimal. */
export function seriesTag(prefix: string, entityId: bigint, spaceId: number): string {
  return `${prefix}{${entityId}:${spaceId}}`;
}

export function seriesKeys(prefix: string, entityId: bigint, spaceId: number): SeriesKeys {
  const tag = seriesTag(prefix, entityId, spaceId);
  return { vectors: `${tag}:v`, index: `${tag}:i`, timeline: `${tag}:t` };
}

/** The key fixing a space's dimension, cluster-wide (its own slot). */
export function spaceKey(prefix: string, spaceId: number): string {
  return `${prefix}space:${spaceId}`;
}

/** SCAN patterns for every timeline key and every space key under `prefix`. */
export const timelinePattern = (prefix: string): string => `${globEscape(prefix)}{*}:t`;
export const spacePattern = (prefix: string): string => `${globEscape(prefix)}space:*`;

function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Parses `<prefix>{<entity>:<space>}:t` back into its ids; undefined for any other key. */
export function parseTimelineKey(prefix: string, key: string): { entityId: bigint; spaceId: number } | undefined {
  if (!key.startsWith(prefix) || !key.endsWith('}:t')) return undefined;
  const m = /^\{(\d{1,20}):(\d{1,10})\}:t$/.exec(key.slice(prefix.length));
  return m ? { entityId: BigInt(m[1]), spaceId: Number(m[2]) } : undefined;
}

const BIAS = -I64_MIN; // 2^63: maps [-2^63, 2^63-1] onto [0, 2^64-1], order kept

/** A timestamp as its 8-byte sort key. */
export function encodeTs(ts: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(ts + BIAS);
  return b;
}

/** An 8-byte sort key back to its timestamp. */
export function decodeTs(b: Buffer, offset = 0): bigint {
  return b.readBigUInt64BE(offset) - BIAS;
}

/** An inclusive lexicographic bound on the index (`[` + the 8 bytes), for ZRANGE BYLEX. */
export function lexBound(ts: bigint): Buffer {
  return Buffer.concat([Buffer.from('['), encodeTs(ts)]);
}

/** A vector as stored: its f32 elements, little-endian (the embedded store's value bytes too). */
export function encodeVector(v: Float32Array): Buffer {
  const b = Buffer.allocUnsafe(v.length * 4);
  for (let i = 0; i < v.length; i++) b.writeFloatLE(v[i], i * 4);
  return b;
}

/** A stored vector as a fresh Float32Array (copied: a reply Buffer may be unaligned). */
export function decodeVector(b: Buffer): Float32Array {
  const out = new Float32Array(b.length >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(i * 4);
  return out;
}
