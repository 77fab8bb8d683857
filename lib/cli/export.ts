// `cvx-hot export` (and `state --format export`): points as a CBOR sequence (RFC 8742) that
// `cvx-hot import` reads back and verifies: the header, one map per point
// { entityId, spaceId, timestamp, vector } with the vector as a CBOR typed array (f32 LE),
// then the trailer with the count and a checksum of every byte before it (export_format.ts).
// ExportWriter writes that framing for any source of points; exportStore feeds it a store.
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
 * Writes one export to `out`: begin() the header, point() each point, end() the trailer.
 * Every write honours backpressure and rejects with the stream's error (EPIPE, ENOSPC) as
 * soon as it fails; `progress` counts the points written.
 */
export class ExportWriter {
  readonly #enc = new Encoder({ useRecords: false } as never);
  readonly #checksum = newChecksum();

  constructor(private readonly out: Sink, private readonly progress: ExportProgress) {}

  begin(): Promise<void> {
    return this.#emit(HEADER);
  }

  /** One point; `vector` is encoded from its own bytes, so pass a copy, not a view of a larger buffer. */
  async point(entityId: number | bigint, spaceId: number, timestamp: number | bigint, vector: Float32Array): Promise<void> {
    await this.#emit(this.#enc.encode({ entityId: small(entityId), spaceId, timestamp: small(timestamp), vector }));
    this.progress.points++;
  }

  /** Writes the trailer and resolves once it is handed to the OS. */
  async end(): Promise<void> {
    await this.out.write(encodeTrailer(this.progress.points, this.#checksum.digest()));
    await this.out.flushed();
  }

  async #emit(bytes: Uint8Array): Promise<void> {
    this.#checksum.update(bytes);
    await this.out.write(bytes);
  }
}

/** Streams every point of the store (or of one space) as an export to `out`. */
export async function exportStore(store: HotStore, out: Sink, progress: ExportProgress, space?: number): Promise<void> {
  const w = new ExportWriter(out, progress);
  await w.begin();
  for await (const tl of store.entities(space)) {
    // One entity's trajectory at a time, as one buffer: memory stays bounded by the largest trajectory.
    const cols = await store.rangeColumns(tl.entityId, tl.spaceId, I64_MIN, I64_MAX);
    for (let i = 0; i < cols.count; i++) {
      await w.point(tl.entityId, tl.spaceId, cols.timestamps[i], cols.vectors.slice(i * cols.dim, (i + 1) * cols.dim));
    }
  }
  await w.end();
}
