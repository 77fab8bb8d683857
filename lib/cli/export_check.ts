// The first pass of importing an export: read the whole sequence, count its points, check
// the trailer's count and checksum (export_format.ts), and say what is wrong, before the
// import writes anything. A streaming check: it holds one item at a time.
import { cborItems, FramingError } from './cbor_items';
import { decodeTrailer, HEADER, newChecksum, TRAILER_LENGTH } from './export_format';

export interface ExportCheck {
  /** The whole point items read (before the problem, if there is one). */
  points: number;
  /** What is wrong, for the user ("truncated: 2998 points and no trailer"); unset when verified. */
  problem?: string;
  /** The points before the problem are whole items (the file was cut, or ends in garbage, and has no trailer). */
  salvageable: boolean;
}

/** Checks an export whose first bytes are HEADER; `copy` sees every chunk read (to spool stdin). */
export async function checkExport(chunks: AsyncIterable<Buffer>, copy?: (chunk: Buffer) => void): Promise<ExportCheck> {
  const tee = async function* () {
    for await (const c of chunks) {
      copy?.(c);
      yield c;
    }
  };
  const checksum = newChecksum();
  let points = 0;
  let items = 0;
  let trailer: ReturnType<typeof decodeTrailer>;
  try {
    for await (const item of cborItems(tee())) {
      items++;
      if (trailer) return { points, problem: `corrupt: item ${items} follows the trailer`, salvageable: false };
      if (items === 1) {
        if (!item.equals(HEADER)) return { points, problem: 'corrupt: the header is not a version 2 export header', salvageable: false };
      } else if (item.length === TRAILER_LENGTH && (trailer = decodeTrailer(item))) {
        continue;
      } else {
        points++;
      }
      checksum.update(item);
    }
  } catch (e) {
    if (!(e instanceof FramingError)) throw e;
    if (trailer) return { points, problem: `corrupt: item ${e.item} follows the trailer`, salvageable: false };
    const problem = e.cut
      ? `truncated: ${points} points, then a cut item, and no trailer`
      : `corrupt: item ${e.item}: ${e.message}, after ${points} points and with no trailer`;
    return { points, problem, salvageable: true };
  }
  if (!trailer) return { points, problem: `truncated: ${points} points and no trailer`, salvageable: true };
  if (trailer.count !== BigInt(points)) {
    return { points, problem: `corrupt: the trailer counts ${trailer.count} points but the file holds ${points}`, salvageable: false };
  }
  if (!checksum.digest().equals(trailer.digest)) {
    return { points, problem: `corrupt: checksum mismatch (the SHA-256 of the ${points} points read differs from the trailer's)`, salvageable: false };
  }
  return { points, salvageable: true };
}
