// The busy writer (children/busy_writer.ts) as a child process the tests drive (started,
// SIGKILLed and restarted), and the check of everything a reader beside it shows: which
// batches are visible, each whole or absent, timelines agreeing with the vectors. Shared by
// readers_beside_a_writer.test.ts and followers.test.ts.
import { ChildProcess } from 'child_process';
import { HotStore } from '../../lib';
import { spawnChild } from './child';
import { batchOfEntity, DIM, FRESH, freshEntity, SHARED, SPACE, vectorOf } from '../children/busy_protocol';

/** Points per batch. */
export const PER_BATCH = SHARED + FRESH;

/**
 * The busy writer, restarted with SIGKILL when asked (each run resumes after the last batch
 * the store holds), and the last batch any run acknowledged (-1 before the first).
 */
export class Writer {
  child!: ChildProcess;
  lastAck = -1;
  /** The current run has opened the store (holds its lock) and has not been killed. */
  holding = false;
  /** What runs that ended on their own (not killed by us) said. */
  readonly died: string[] = [];
  private opened!: Promise<void>;

  constructor(private readonly dir: string, private readonly mode: string) {
    this.start();
  }

  private start(): void {
    const child = spawnChild('busy_writer.ts', [this.dir, this.mode]);
    this.child = child;
    let buf = '';
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    this.opened = new Promise((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        buf += d;
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) {
          if (l === 'open') {
            if (this.child === child) this.holding = true;
            resolve();
          } else if (l.startsWith('ack ')) this.lastAck = Number(l.slice(4));
        }
      });
      child.on('exit', (code, sig) => {
        if (sig !== 'SIGKILL') this.died.push(`writer exited (${code ?? sig}): ${stderr.trim()}`);
        reject(new Error(`writer exited (${code ?? sig}): ${stderr}`));
      });
    });
    this.opened.catch(() => undefined);
  }

  async acked(n: number): Promise<void> {
    await this.opened;
    while (this.lastAck < n) {
      if (this.died.length) throw new Error(this.died.join('; '));
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGKILL mid-write and start again at once: readers then race the new run's recovery. */
  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  stop(): Promise<void> {
    this.holding = false;
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

const same = (a: ArrayLike<number>, b: number[]) => a.length === b.length && b.every((x, i) => a[i] === x);

/**
 * Everything wrong with what `store` shows, given that batches 0..acked were acknowledged
 * before it was opened. The shared entities' timelines say how many batches are visible; every
 * other read must agree with that number exactly.
 */
export async function problemsOf(store: HotStore, acked: number): Promise<string[]> {
  const out: string[] = [];
  const tl0 = await store.getTimeline(0, SPACE);
  const visible = tl0 ? tl0.pointCount : 0;
  if (visible - 1 < acked) out.push(`sees batches 0..${visible - 1} but 0..${acked} were acknowledged before the open`);
  for (let e = 0; e < SHARED; e++) {
    const tl = await store.getTimeline(e, SPACE);
    const got = tl ? `${tl.pointCount} ${tl.firstSeen}..${tl.lastSeen}` : 'none';
    const want = visible ? `${visible} 0..${visible - 1}` : 'none';
    if (got !== want) out.push(`timeline of shared entity ${e} is ${got}, entity 0's says ${want}`);
    const r = await store.rangeColumns(e, SPACE, 0, 1e12);
    if (r.count !== visible) out.push(`range of shared entity ${e} has ${r.count} points, its timeline ${visible}`);
    for (let i = 0; i < r.count; i++) {
      if (Number(r.timestamps[i]) !== i || !same(r.vectors.subarray(i * DIM, (i + 1) * DIM), vectorOf(i, e))) {
        out.push(`range of shared entity ${e}: point ${i} is wrong (timestamp ${r.timestamps[i]})`);
        break;
      }
    }
  }
  // The fresh entities of every visible batch and of the next two, which must not be there.
  const keys: { entityId: number; timestamp: number }[] = [];
  for (let b = 0; b < visible + 2; b++) for (let j = 0; j < FRESH; j++) keys.push({ entityId: freshEntity(b, j), timestamp: b });
  const got = await store.getMany(SPACE, keys);
  const partial = new Set<number>();
  got.forEach((p, i) => {
    const { entityId, timestamp: b } = keys[i];
    if (b < visible && (!p || !same(p.vector, vectorOf(b, entityId)))) partial.add(b);
    if (b >= visible && p) partial.add(b);
  });
  for (const b of partial) out.push(`batch ${b} is partly visible to getMany (timelines show ${visible} batches)`);
  let fresh = 0;
  for await (const tl of store.entities(SPACE)) {
    const b = batchOfEntity(Number(tl.entityId));
    if (b < 0) continue;
    fresh++;
    if (b >= visible || tl.pointCount !== 1 || Number(tl.firstSeen) !== b || Number(tl.lastSeen) !== b) {
      out.push(`entities(): entity ${tl.entityId} of batch ${b} has ${tl.pointCount} points ${tl.firstSeen}..${tl.lastSeen}, ${visible} batches visible`);
    }
  }
  if (fresh !== visible * FRESH) out.push(`entities() lists ${fresh} fresh entities, ${visible} batches make ${visible * FRESH}`);
  const spaces = await store.spaces();
  const points = spaces.find((s) => s.spaceId === SPACE)?.points ?? 0;
  if (points !== visible * PER_BATCH) out.push(`spaces() counts ${points} points, ${visible} batches make ${visible * PER_BATCH}`);
  const stats = await store.stats();
  if (stats.spaces.length !== spaces.length) out.push('stats() and spaces() disagree');
  const report = await store.verify();
  if (!report.ok || report.vectorsScanned !== visible * PER_BATCH) {
    out.push(`verify(): ok ${report.ok}, ${report.vectorsScanned} vectors, issues ${JSON.stringify(report.issues.slice(0, 3))}`);
  }
  return out;
}

