// What the bulk-load crash test's generations hold, shared by the child that loads them and
// the test that checks the store after each SIGKILL. Generation g writes, for 100 entities,
// timestamps 20g .. 20g+59 (so it overwrites two thirds of generation g-1's keys and
// g-2's last third) with vectors of value g, plus a duplicate of its first key given last.
export const ENTITIES = 100;
export const SPAN = 60;
export const STEP = 20;
export const DIM = 64;
export const BULK_MEMORY = 1 << 20; // about 6 runs per generation are spilled before the merge

export function* generation(g: number): Generator<{ entityId: number; timestamp: number; vector: Float32Array }> {
  const v = new Float32Array(DIM).fill(g);
  for (let e = 0; e < ENTITIES; e++) {
    for (let t = 0; t < SPAN; t++) yield { entityId: e, timestamp: STEP * g + t, vector: v };
  }
  yield { entityId: 0, timestamp: STEP * g, vector: v };
}

/** The generation each key holds after generations 0..last, per entity: timestamp → g. */
export function expected(last: number): Map<number, number> {
  const m = new Map<number, number>();
  for (let g = 0; g <= last; g++) for (let t = 0; t < SPAN; t++) m.set(STEP * g + t, g);
  return m;
}
