// Reading a CBOR sequence (RFC 8742) item by item: framing by our own scanner, which knows
// where each item starts and ends without decoding it, then one cbor-x decode per item.
// Knowing the boundaries is what lets an import verify an export's bytes exactly, tell a
// file cut at its end from one damaged inside, number every item, and go on after an item
// that frames correctly but does not make a point.
import { addExtension, Decoder } from 'cbor-x';

/** Larger items are refused: the largest point (65536 f64 values) is 512 KiB. */
export const MAX_ITEM_BYTES = 16 << 20;
const MAX_DEPTH = 64;

/** The sequence is not well-formed CBOR at item `item`; nothing after it can be framed. */
export class FramingError extends Error {
  constructor(message: string, readonly item: number, readonly cut: boolean) {
    super(message);
  }
}

const NEED_MORE = -1;

/** The argument of the head at `p`: [value, offset after the head], or NEED_MORE. */
function head(b: Buffer, p: number): [number, number] | typeof NEED_MORE {
  const ai = b[p] & 31;
  if (ai < 24) return [ai, p + 1];
  const size = ai === 24 ? 1 : ai === 25 ? 2 : ai === 26 ? 4 : ai === 27 ? 8 : 0;
  if (size === 0) throw new Error(ai === 31 ? 'indefinite length' : `reserved additional information ${ai}`);
  if (p + 1 + size > b.length) return NEED_MORE;
  const v = size === 8 ? Number(b.readBigUInt64BE(p + 1)) : b.readUIntBE(p + 1, size);
  return [v, p + 1 + size];
}

/** The end of the item at `p` (exclusive), NEED_MORE when `b` ends inside it; throws when malformed. */
function skip(b: Buffer, p: number, depth: number): number {
  if (depth > MAX_DEPTH) throw new Error(`nested deeper than ${MAX_DEPTH}`);
  if (p >= b.length) return NEED_MORE;
  const mt = b[p] >> 5;
  if ((b[p] & 31) === 31) return skipIndefinite(b, p, mt, depth);
  const h = head(b, p);
  if (h === NEED_MORE) return NEED_MORE;
  const [v, q] = h;
  switch (mt) {
    case 0: case 1: case 7: return q;
    case 2: case 3:
      if (v > MAX_ITEM_BYTES) throw new Error(`a string of ${v} bytes`);
      return q + v <= b.length ? q + v : NEED_MORE;
    case 6: return skip(b, q, depth + 1);
    default: { // 4 array, 5 map
      let at = q;
      for (let i = 0; i < (mt === 5 ? 2 * v : v); i++) {
        at = skip(b, at, depth + 1);
        if (at === NEED_MORE) return NEED_MORE;
      }
      return at;
    }
  }
}

function skipIndefinite(b: Buffer, p: number, mt: number, depth: number): number {
  if (mt < 2 || mt === 6) throw new Error(`indefinite length on major type ${mt}`);
  if (mt === 7) throw new Error('a break outside an indefinite-length item');
  let at = p + 1;
  for (;;) {
    if (at >= b.length) return NEED_MORE;
    if (b[at] === 0xff) return at + 1;
    if ((mt === 2 || mt === 3) && (b[at] >> 5 !== mt || (b[at] & 31) === 31)) throw new Error('a bad chunk in an indefinite-length string');
    at = skip(b, at, depth + 1);
    if (at === NEED_MORE) return NEED_MORE;
    if (mt === 5) {
      at = skip(b, at, depth + 1);
      if (at === NEED_MORE) return NEED_MORE;
    }
  }
}

/** The whole items at the start of `b`, where the first incomplete one begins, and the framing error that stopped it, if any. */
function frame(b: Buffer, firstItem: number): { items: Buffer[]; rest: number; error?: FramingError } {
  const items: Buffer[] = [];
  let p = 0;
  for (;;) {
    let end: number;
    try {
      end = skip(b, p, 0);
    } catch (e) {
      return { items, rest: p, error: new FramingError(`invalid CBOR (${(e as Error).message})`, firstItem + items.length, false) };
    }
    if (end === NEED_MORE) return { items, rest: p };
    items.push(b.subarray(p, end));
    p = end;
  }
}

/**
 * The exact bytes of each item of the sequence, in order. Throws a FramingError at the
 * first item that is malformed (`cut` false) or that the input ends inside (`cut` true).
 */
export async function* cborItems(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  let retryAt = 0; // an incomplete item is framed again only once its bytes have doubled: linear, not quadratic
  let item = 1;
  const drain = function* () {
    const b = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    const { items, rest, error } = frame(b, item);
    item += items.length;
    yield* items; // the items before a framing error are whole: a reader keeps them
    if (error) throw error;
    parts = rest < b.length ? [b.subarray(rest)] : [];
    size = b.length - rest;
    retryAt = 2 * size;
    if (size > MAX_ITEM_BYTES) throw new FramingError(`invalid CBOR (an item over ${MAX_ITEM_BYTES} bytes)`, item, false);
  };
  for await (const chunk of chunks) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= retryAt) yield* drain();
  }
  if (size) yield* drain();
  if (size) throw new FramingError(`the input ends inside an item (${size} bytes of it)`, item, true);
}

/** Float vectors given as bytes whose length is no multiple of the element size. */
export class BadVectorBytes {
  constructor(readonly bytes: number, readonly elementSize: number) {}
  get message(): string {
    return `vector is ${this.bytes} bytes, not a whole number of ${this.elementSize}-byte floats`;
  }
}

// cbor-x reads a typed array of 13 bytes as 3 floats and drops the rest. These decoders
// keep the float typed-array tags (RFC 8746: f32 and f64, big- and little-endian) exact and
// turn a ragged length into a per-record error. addExtension is process-wide; the CLI is
// the only code that decodes typed arrays.
for (const [tag, size, little] of [[81, 4, false], [85, 4, true], [82, 8, false], [86, 8, true]] as const) {
  addExtension({
    tag,
    decode: (b: Uint8Array) => {
      if (b.length % size) return new BadVectorBytes(b.length, size);
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const out = size === 4 ? new Float32Array(b.length / 4) : new Float64Array(b.length / 8);
      for (let i = 0; i < out.length; i++) out[i] = size === 4 ? dv.getFloat32(i * 4, little) : dv.getFloat64(i * 8, little);
      return out;
    },
  } as never);
}

const decoder = new Decoder({ useRecords: false, mapsAsObjects: true } as never);

/** One item's value; throws when the bytes frame but do not decode. */
export const decodeItem = (bytes: Buffer): unknown => decoder.decode(bytes);
