// What the crash tests share: the model of what a crash-test writer (children/crash_writer.ts)
// had acknowledged, built from its protocol lines, and the checks a reopened store must pass
// against it: per lane, exactly the acknowledged state or that state plus the one write in
// flight (which then stays in the model), timelines equal to a scan of the vectors, nothing
// outside the writer's domain, and verify() clean.
import { HotStore } from '../../lib';
import { DIMS, ENTITIES, LANES, Model, Op, key, laneView, readAll } from '../children/crash_protocol';

export { Model };
import { spawnChild, rng } from './child';
import { dump } from './raw';
import type { ChildProcess, SpawnOptions } from 'child_process';

/** Applies an operation to the model; with `check`, a delete's answer must match the model. */
export function apply(model: Model, op: Op, result: unknown, check: boolean): void {
  if (op.op === 'delete') {
    const k = key(op.space, op.e, op.t);
    if (check && result !== model.has(k)) throw new Error(`delete ${k} acknowledged ${result} but the model says ${model.has(k)}`);
    model.delete(k);
  } else {
    for (const p of op.points) model.set(key(op.space, p.e, p.t), p.v);
  }
}

/** A writer's round, read from its lines: acknowledged ops applied to `model`, the rest pending. */
export interface Round {
  pending: Map<number, Op>; // per lane: begun and not acknowledged (in flight, or failed)
  failures: string[]; // `F` lines: writes or the open that failed
  acked: number;
  // per lane: the op acknowledged and the monotonic time (ns) it was, in order
  acks: Map<number, Array<{ op: Op; result: unknown; ns: bigint }>>;
}

export function applyLines(model: Model, lines: string[]): Round {
  const round: Round = { pending: new Map(), failures: [], acked: 0, acks: new Map() };
  for (const line of lines) {
    if (line === 'O' || line === 'S') continue;
    const [tag, laneText, ...rest] = line.split(' ');
    if (tag === 'F') {
      round.failures.push(line);
      continue;
    }
    const lane = Number(laneText);
    if (tag === 'B') {
      round.pending.set(lane, JSON.parse(rest.join(' ')));
      continue;
    }
    const [nsText, ...json] = rest;
    const op = round.pending.get(lane)!;
    const result = JSON.parse(json.join(' '));
    apply(model, op, result, true);
    round.pending.delete(lane);
    round.acked++;
    if (!round.acks.has(lane)) round.acks.set(lane, []);
    round.acks.get(lane)!.push({ op, result, ns: BigInt(nsText) });
  }
  return round;
}

/**
 * Checks a reopened store against the model: each lane holds the acknowledged state, or it
 * plus its pending write (then applied to the model). Returns how many pending writes landed.
 */
export function expectReopened(store: HotStore, model: Model, pending: Map<number, Op>, where: string): number {
  const actual = readAll(store);
  let landed = 0;
  for (let lane = 0; lane < LANES; lane++) {
    const got = laneView(actual, lane);
    if (got === laneView(model, lane)) continue;
    const op = pending.get(lane);
    const after = new Map(model);
    if (op) apply(after, op, undefined, false);
    if (!op || got !== laneView(after, lane)) {
      throw new Error(`${where}: lane ${lane} holds neither the acknowledged state nor it plus the in-flight ` +
        `${op ? op.op : '(none)'}\n got ${got}\n acknowledged ${laneView(model, lane)}`);
    }
    apply(model, op, undefined, false); // the unacknowledged write landed whole: it must now stay
    landed++;
  }
  expectConsistent(store, actual, where);
  return landed;
}

/** Timelines agree with a scan of the vectors, nothing lies outside the domain, verify() is clean. */
export function expectConsistent(store: HotStore, actual: Model, where: string): void {
  for (let s = 0; s < DIMS.length; s++) {
    for (let e = 0; e < ENTITIES; e++) {
      const ts = [...actual.keys()].filter((k) => k.startsWith(`${s}/${e}/`)).map((k) => Number(k.split('/')[2]));
      const tl = store.getTimelineSync(e, s);
      if (ts.length === 0) expect({ where, e, s, tl }).toEqual({ where, e, s, tl: undefined });
      else expect({ where, e, s, ...tl }).toMatchObject({ where, e, s, pointCount: ts.length, firstSeen: Math.min(...ts), lastSeen: Math.max(...ts) });
    }
  }
  expect(dump(store).vectors).toHaveLength(actual.size); // nothing outside the writer's domain
  const report = store.verifySync();
  if (!report.ok) throw new Error(`${where}: verify() reports ${JSON.stringify(report.issues.slice(0, 3))}`);
}

/**
 * Starts a crash-test writer and SIGKILLs it at a random moment: in 10% of rounds (or when
 * `early`) 0-150 ms after it starts opening, i.e. during open or WAL recovery, otherwise
 * 5-205 ms (or `ingestMs`) into ingest. `onStart` sees the child (to start companions). Resolves with its lines.
 */
export function crashRound(
  dir: string, sync: boolean, seed: number, forceEarly = false,
  opts: {
    allowFailures?: boolean; // the writer parks a lane whose write fails, instead of exiting
    onStart?: (child: ChildProcess) => void;
    spawn?: SpawnOptions;
    ingestMs?: [number, number]; // the window of the kill after open, when not early (5-205 ms)
  } = {},
): Promise<string[]> {
  const r = rng(seed);
  const early = forceEarly || r() < 0.1;
  const [lo, hi] = opts.ingestMs ?? [5, 205];
  const delay = early ? r() * 150 : lo + r() * (hi - lo);
  const trigger = early ? 'S\n' : 'O\n';
  const args = [dir, sync ? 'sync' : 'nosync', String(seed), opts.allowFailures ? 'park' : 'fail'];
  return new Promise((resolve, reject) => {
    const child = spawnChild('crash_writer.ts', args, [], opts.spawn);
    let buf = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout!.on('data', (d) => {
      buf += d;
      // A writer whose open failed (a full disk) waits for its kill too.
      if (!timer && (buf.includes(trigger) || buf.includes('F open'))) timer = setTimeout(() => child.kill('SIGKILL'), delay);
    });
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself (code ${code}): ${stderr}`));
      else resolve(buf.split('\n').filter((l) => l.length > 0));
    });
    opts.onStart?.(child);
  });
}
