// What the busy writer (busy_writer.ts) and the readers beside it agree on: which points batch
// b writes and their vectors, all derived from b, so a reader can tell exactly which batches
// it sees and whether each one is whole.
export const SPACE = 0;
export const DIM = 16;
/** Entities 0..SHARED-1 get one point per batch (timestamp b): their timelines grow with every batch. */
export const SHARED = 4;
/** Each batch also makes FRESH new entities, with one point each. */
export const FRESH = 24;
const FRESH_BASE = 1000;

export interface BatchPoint { entityId: number; timestamp: number; vector: number[] }

/** The fresh entities of batch b. */
export const freshEntity = (b: number, j: number) => FRESH_BASE + b * FRESH + j;
/** Which batch made a fresh entity; -1 for a shared one. */
export const batchOfEntity = (e: number) => (e < FRESH_BASE ? -1 : Math.floor((e - FRESH_BASE) / FRESH));

/** Exact in f32: small integers. */
export function vectorOf(b: number, e: number): number[] {
  return Array.from({ length: DIM }, (_, k) => ((b * 131 + e * 7 + k) % 65_536) - 32_768);
}

/** Every point batch b writes, in one putMany. */
export function batchPoints(b: number): BatchPoint[] {
  const pts: BatchPoint[] = [];
  for (let e = 0; e < SHARED; e++) pts.push({ entityId: e, timestamp: b, vector: vectorOf(b, e) });
  for (let j = 0; j < FRESH; j++) {
    const e = freshEntity(b, j);
    pts.push({ entityId: e, timestamp: b, vector: vectorOf(b, e) });
  }
  return pts;
}
