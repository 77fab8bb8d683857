// What the crash-test writer, its readers and their parent agree on: lanes, entity
// ownership, dimensions, the shape of an operation line, and how a store's content is read
// and compared lane by lane.
import type { HotStore } from '../../lib';

export const LANES = 4;
export const ENTITIES_PER_LANE = 4; // lane L owns entities L, L+4, L+8, L+12
export const DIMS = [4, 2];         // space 0 and space 1

export type P = { e: number; t: number; v: number[] };
export type Op =
  | { op: 'put' | 'putMany'; space: number; points: P[] }
  | { op: 'delete'; space: number; e: number; t: number };

export const ENTITIES = LANES * ENTITIES_PER_LANE;
export type Model = Map<string, number[]>; // `${space}/${entity}/${ts}` → vector
export const key = (s: number, e: number, t: number) => `${s}/${e}/${t}`;
const laneOf = (k: string) => Number(k.split('/')[1]) % LANES;

/** Every point of the writer's domain in the store. */
export function readAll(store: HotStore): Model {
  const m: Model = new Map();
  for (let s = 0; s < DIMS.length; s++) {
    for (let e = 0; e < ENTITIES; e++) {
      for (const p of store.rangeSync(e, s, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)) {
        m.set(key(s, e, p.timestamp as number), Array.from(p.vector));
      }
    }
  }
  return m;
}

/** One lane's part of a model, as comparable text. */
export function laneView(m: Model, lane: number): string {
  return JSON.stringify([...m].filter(([k]) => laneOf(k) === lane).sort(([a], [b]) => (a < b ? -1 : 1)));
}
