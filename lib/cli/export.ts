// `cvx-hot export`: every point of a store (or of one space) as a CBOR sequence (RFC 8742)
// that `cvx-hot import` reads back and verifies: the header, one map per point
// { entityId, spaceId, timestamp, vector } with the vector as a CBOR typed array (f32 LE),
// then the trailer with the count and a checksum of every byte before it (export_format.ts).
import { Encoder } from 'cbor-x';
import { I64_MAX, I64_MIN, narrow } from '../ints';
import type { HotStore } from '../store';
import { encodeTrailer, HEADER, newChecksum } from './export_format';
import type { Sink } from './sink';

const small = (v: number | bigint) => (typeof v === 'bigint' ? narrow(v) : v);

/** How far an export got; read by the command when it fails. */
export interface ExportProgress {
  points: number;
}

/**
 * Streams the export to `out`, honouring backpressure, and resolves once the trailer is
 * handed to the OS. Rejects with the stream's error (EPIPE, ENOSPC) as soon as it fails.
 */
export async function exportStore(store: HotStore, out: Sink, progress: ExportProgress, space?: number): Promise<void> {
  const enc = new Encoder({ useRecords: false } as never);
  const checksum = newChecksum();
  const emit = async (bytes: Uint8Array) => {
    checksum.update(bytes);
    await out.write(bytes);
  };
  await emit(HEADER);
  for await (const tl of store.entities(space)) {
    // One entity's trajectory at a time, as one buffer: memory stays bounded by the largest trajectory.
    const cols = await store.rangeColumns(tl.entityId, tl.spaceId, I64_MIN, I64_MAX);
    const entityId = small(tl.entityId);
    for (let i = 0; i < cols.count; i++) {
      const vector = cols.vectors.slice(i * cols.dim, (i + 1) * cols.dim);
      await emit(enc.encode({ entityId, spaceId: tl.spaceId, timestamp: small(cols.timestamps[i]), vector }));
      progress.points++;
    }
  }
  await out.write(encodeTrailer(progress.points, checksum.digest()));
  await out.flushed();
}
