// What the crash-test writer and its parent agree on: lanes, entity ownership, dimensions,
// and the shape of an operation line.
export const LANES = 4;
export const ENTITIES_PER_LANE = 4; // lane L owns entities L, L+4, L+8, L+12
export const DIMS = [4, 2];         // space 0 and space 1

export type P = { e: number; t: number; v: number[] };
export type Op =
  | { op: 'put' | 'putMany'; space: number; points: P[] }
  | { op: 'delete'; space: number; e: number; t: number };
