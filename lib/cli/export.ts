// `cvx-hot export`: every point of a store (or of one space) as a CBOR sequence (RFC 8742)
// that `cvx-hot import` reads back: a header item, then one map per point
// { entityId, spaceId, timestamp, vector } with the vector as a CBOR typed array (f32 LE).
import { Encoder } from 'cbor-x';
import { I64_MAX, I64_MIN, narrow } from '../ints';
import type { HotStore } from '../store';
import { write } from './common';

export const EXPORT_MAGIC = 'cvx-hot-export';
export const EXPORT_VERSION = 1;

const small = (v: number | bigint) => (typeof v === 'bigint' ? narrow(v) : v);

/** Streams the export to `out`, honouring backpressure; resolves with the number of points. */
export async function exportStore(store: HotStore, out: NodeJS.WritableStream, space?: number): Promise<number> {
  const enc = new Encoder({ useRecords: false } as never);
  await write(out, enc.encode({ cvx: EXPORT_MAGIC, version: EXPORT_VERSION }));
  let n = 0;
  for await (const tl of store.entities(space)) {
    // One entity's trajectory at a time, as one buffer: memory stays bounded by the largest trajectory.
    const cols = await store.rangeColumns(tl.entityId, tl.spaceId, I64_MIN, I64_MAX);
    const entityId = small(tl.entityId);
    for (let i = 0; i < cols.count; i++) {
      const vector = cols.vectors.slice(i * cols.dim, (i + 1) * cols.dim);
      await write(out, enc.encode({ entityId, spaceId: tl.spaceId, timestamp: small(cols.timestamps[i]), vector }));
      n++;
    }
  }
  return n;
}
