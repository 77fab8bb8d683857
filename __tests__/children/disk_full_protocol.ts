// What the full-disk test and its child (disk_full.ts) share: the points they write, so the
// parent can check every acknowledged one byte for byte, and how a disk is filled.
import * as fs from 'fs';

export const DIM = 8;

/** The point written for entity `e`: its timestamp and vector follow from `e` alone. */
export function pointOf(e: number): { entityId: number; timestamp: number; vector: Float32Array } {
  return { entityId: e, timestamp: 1000 + e, vector: Float32Array.from({ length: DIM }, (_, i) => e + i / 8) };
}

/**
 * Appends to `file` until the filesystem has no byte left (ENOSPC), in shrinking chunks so
 * the last page is filled too. Returns the bytes written.
 */
export function fillDisk(file: string): number {
  const fd = fs.openSync(file, 'a');
  let total = 0;
  try {
    for (const size of [1 << 20, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x78);
      for (;;) {
        try {
          const n = fs.writeSync(fd, chunk);
          total += n;
          if (n < size) break;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
          break;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return total;
}
