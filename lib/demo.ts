// `npm run demo`: ingests synthetic drifting embedding trajectories into ./data/demo,
// queries them, prints throughput, then closes, reopens and verifies every point it wrote.
import * as fs from 'fs';
import * as path from 'path';
import { SingleBar, Presets } from 'cli-progress';
import { HotStore } from './index';
import { mulberry32 } from './prng';

export interface DemoOptions {
  dir: string;
  entities: number;
  points: number;
  dim: number;
  batch: number;
  quiet?: boolean;
}

/** Trajectory of one entity: a random start that drifts a little each step. */
function trajectory(entity: number, points: number, dim: number): Float32Array {
  const rnd = mulberry32(entity * 7919 + 1);
  const out = new Float32Array(points * dim);
  for (let d = 0; d < dim; d++) out[d] = rnd() * 2 - 1;
  for (let p = 1; p < points; p++) {
    for (let d = 0; d < dim; d++) out[p * dim + d] = out[(p - 1) * dim + d] + (rnd() - 0.5) * 0.05;
  }
  return out;
}

const timestampOf = (p: number) => 1_700_000_000_000 + p * 60_000;

export async function runDemo(o: DemoOptions): Promise<void> {
  const log = (s: string) => { if (!o.quiet) console.log(s); };
  fs.rmSync(o.dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(o.dir), { recursive: true });
  const total = o.entities * o.points;
  log(`cvx-storage demo: ${o.entities} entities × ${o.points} points × dim ${o.dim} = ${total} points into ${o.dir}`);

  const trajectories = Array.from({ length: o.entities }, (_, e) => trajectory(e, o.points, o.dim));
  let store = await HotStore.open(o.dir);
  const bar = new SingleBar({ format: 'ingest [{bar}] {percentage}% | {value}/{total} points | {rate} pts/s | ETA {eta}s', hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 }, Presets.shades_classic);
  if (!o.quiet) bar.start(total, 0, { rate: 0 });
  const t0 = performance.now();
  // Entities interleaved in time order, as a live embedding stream arrives.
  const ids = new Float64Array(o.batch);
  const tss = new Float64Array(o.batch);
  const vec = new Float32Array(o.batch * o.dim);
  let n = 0;
  let written = 0;
  for (let p = 0; p < o.points; p++) {
    for (let e = 0; e < o.entities; e++) {
      ids[n] = e;
      tss[n] = timestampOf(p);
      vec.set(trajectories[e].subarray(p * o.dim, (p + 1) * o.dim), n * o.dim);
      if (++n === o.batch) {
        await store.putMany(0, { entityIds: ids, timestamps: tss, vectors: vec, dim: o.dim });
        written += n;
        n = 0;
        if (!o.quiet) bar.update(written, { rate: Math.round(written / ((performance.now() - t0) / 1000)) });
      }
    }
  }
  if (n > 0) {
    await store.putMany(0, { entityIds: ids.subarray(0, n), timestamps: tss.subarray(0, n), vectors: vec.subarray(0, n * o.dim), dim: o.dim });
    written += n;
  }
  const ingestS = (performance.now() - t0) / 1000;
  if (!o.quiet) { bar.update(written, { rate: Math.round(written / ingestS) }); bar.stop(); }
  log(`ingest: ${written} points in ${ingestS.toFixed(2)} s = ${Math.round(written / ingestS)} points/s (${((written * o.dim * 4) / ingestS / 1e6).toFixed(0)} MB/s of vectors)`);

  const queries = Math.min(1000, o.entities * 2);
  const t1 = performance.now();
  let rows = 0;
  for (let q = 0; q < queries; q++) {
    const e = q % o.entities;
    const cols = await store.rangeColumns(e, 0, timestampOf(0), timestampOf(o.points - 1));
    rows += cols.count;
  }
  const rangeS = (performance.now() - t1) / 1000;
  log(`range: ${queries} full-trajectory queries (${rows} points) in ${rangeS.toFixed(2)} s = ${Math.round(rows / rangeS)} points/s`);
  const last10 = await store.range(7 % o.entities, 0, timestampOf(0), timestampOf(o.points - 1), { limit: 10, reverse: true });
  log(`latest 10 points of entity ${7 % o.entities}: timestamps ${last10.map((p) => p.timestamp).join(', ')}`);
  const tl = await store.getTimeline(7 % o.entities, 0);
  log(`timeline of entity ${7 % o.entities}: ${JSON.stringify(tl)}`);

  await store.close();
  log('closed; reopening to verify…');
  store = await HotStore.open(o.dir, { readOnly: true });
  let bad = 0;
  for (let e = 0; e < o.entities; e++) {
    const cols = store.rangeColumnsSync(e, 0, timestampOf(0), timestampOf(o.points - 1));
    const want = trajectories[e];
    if (cols.count !== o.points || cols.vectors.length !== want.length) { bad++; continue; }
    for (let i = 0; i < want.length; i++) if (cols.vectors[i] !== want[i]) { bad++; break; }
    const t = store.getTimelineSync(e, 0);
    if (!t || t.pointCount !== o.points || t.firstSeen !== timestampOf(0) || t.lastSeen !== timestampOf(o.points - 1)) bad++;
  }
  await store.close();
  if (bad > 0) throw new Error(`verification failed for ${bad} entities`);
  log(`verified: all ${written} points and ${o.entities} timelines read back exactly`);
}

if (require.main === module) {
  const num = (name: string, fallback: number) => {
    const v = process.env[name];
    return v === undefined ? fallback : Number(v);
  };
  runDemo({
    dir: process.env.CVX_DEMO_DIR ?? path.join(process.cwd(), 'data', 'demo'),
    entities: num('CVX_DEMO_ENTITIES', 1000),
    points: num('CVX_DEMO_POINTS', 100),
    dim: num('CVX_DEMO_DIM', 384),
    batch: 1000,
  }).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
