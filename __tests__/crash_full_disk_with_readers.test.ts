// The crash test's full-disk mode: the crash-test writer (children/crash_writer.ts) runs on a
// 16 MiB tmpfs that is filled, before its open or just after, to within 0-255 KiB, with two
// read-only readers (children/crash_reader.ts) opening the store while it writes; all three
// are SIGKILLed at a random moment. Then space is freed and the store reopened. Promised:
// - the writer's failed writes are CVX_IO "the disk is full" (or the reopen request that
//   follows a failed WAL append), never an abort;
// - after the kill, each lane holds exactly its acknowledged state, or that plus the write in
//   flight or failed, timelines agree with vectors, verify() is clean (helpers/crash_model.ts);
// - each reader opened without error and saw, per lane, a state the writer passed through
//   that includes every write acknowledged before the reader began (never part of a batch),
//   and its verify() was clean.
// Rounds accumulate on one store: CVX_CRASH_ROUNDS (default 50), CVX_CRASH_SEED to replay.
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { HotStore } from '../lib';
import { fillDisk } from './children/disk_full_protocol';
import { LANES, Op, laneView } from './children/crash_protocol';
import { rng, spawnChild } from './helpers/child';
import { apply, applyLines, crashRound, expectReopened, Model, Round } from './helpers/crash_model';
import { mountTmpfs } from './helpers/tmpfs';

const ROUNDS = Number(process.env.CVX_CRASH_ROUNDS ?? 50);
const SEED = Number(process.env.CVX_CRASH_SEED ?? Date.now() % 1e9);
const READERS = 2;

type ReaderOut = { began?: bigint; views: Map<number, string>; done?: string; error?: string };

/** Starts a reader that waits for "go"; collects what it prints. */
function startReader(db: string): { child: ChildProcess; out: ReaderOut; closed: Promise<void> } {
  const child = spawnChild('crash_reader.ts', [db], [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: ReaderOut = { views: new Map() };
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    const [tag, a, ...rest] = line.split(' ');
    if (tag === 'R') out.began = BigInt(a);
    else if (tag === 'V') out.views.set(Number(a), rest.join(' '));
    else if (tag === 'D') out.done = `${a} ${rest.join(' ')}`;
    else if (tag === 'E') out.error = `${a} ${rest.join(' ')}`;
  });
  // A reader killed before its "go" (the writer ended first) has closed its pipe: the write
  // then fails with EPIPE, which is no failure of the reader.
  child.stdin!.on('error', () => undefined);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const closed = new Promise<void>((resolve) => child.on('close', (code, signal) => {
    if (signal === null && code !== 0) out.error = `exited ${code}: ${stderr}`;
    resolve();
  }));
  return { child, out, closed };
}

/**
 * The lane states a reader that began at `began` may see: the state after each acknowledgement
 * from the last one before it began onwards (a write lands before its acknowledgement), and
 * the last of them plus the write in flight or failed at the kill.
 */
function allowedViews(start: Model, round: Round, lane: number, began: bigint): Set<string> {
  const acks = round.acks.get(lane) ?? [];
  const first = acks.filter((a) => a.ns < began).length;
  const state = new Map(start);
  const views = new Set<string>();
  acks.forEach((a, i) => {
    if (i >= first) views.add(laneView(state, lane));
    apply(state, a.op, undefined, false);
  });
  views.add(laneView(state, lane));
  const pending = round.pending.get(lane);
  if (pending) {
    apply(state, pending, undefined, false);
    views.add(laneView(state, lane));
  }
  return views;
}

function expectReaders(readers: ReaderOut[], start: Model, round: Round, where: string): number {
  let checked = 0;
  for (const [i, r] of readers.entries()) {
    if (r.error) throw new Error(`${where}: reader ${i} failed: ${r.error}`);
    if (r.done === undefined) continue; // killed before it finished: nothing to judge
    if (!r.done.startsWith('true')) throw new Error(`${where}: reader ${i}'s verify() says ${r.done}`);
    for (let lane = 0; lane < LANES; lane++) {
      const seen = r.views.get(lane)!;
      if (!allowedViews(start, round, lane, r.began!).has(seen)) {
        throw new Error(`${where}: reader ${i} saw lane ${lane} in a state the writer did not pass through after the reader began\n got ${seen}`);
      }
    }
    checked++;
  }
  return checked;
}

test(`full disk and readers running during the kills: ${ROUNDS} rounds, nothing acknowledged lost, readers consistent`, async () => {
  const disk = mountTmpfs('16m');
  const db = path.join(disk.root, 'db');
  const filler = path.join(disk.root, 'filler');
  const model: Model = new Map();
  let acked = 0;
  let failures = 0;
  let readersChecked = 0;
  for (let roundNo = 0; roundNo < ROUNDS; roundNo++) {
    const seed = SEED * 1000 + 700 + roundNo;
    const where = `full-disk round ${roundNo} (CVX_CRASH_SEED=${SEED})`;
    const r = rng(seed + 1);
    const slack = Math.floor(r() * 256 * 1024);
    const fillFirst = r() < 0.5;
    const fill = () => {
      fillDisk(filler);
      fs.truncateSync(filler, Math.max(0, fs.statSync(filler).size - slack));
    };
    if (fillFirst) fill();
    const readers = Array.from({ length: READERS }, () => startReader(db));
    const start = new Map(model);
    const lines = await crashRound(db, roundNo % 2 === 0, seed, false, {
      allowFailures: true,
      ingestMs: [100, 900], // long enough for readers to open and read while it writes
      onStart: (writer) => {
        let opened = false;
        let seen = ''; // chunks may split a line: the writer's "O" line is looked for in the whole
        writer.stdout!.on('data', (d: Buffer) => {
          if (opened) return;
          seen += d.toString();
          if (!/(^|\n)O\n/.test(seen)) return;
          opened = true;
          if (!fillFirst) fill();
          for (const rd of readers) {
            setTimeout(() => {
              if (rd.child.exitCode === null && rd.child.signalCode === null) rd.child.stdin!.write('go\n');
            }, r() * 150);
          }
        });
        writer.on('close', () => {
          for (const rd of readers) rd.child.kill('SIGKILL');
        });
      },
    });
    await Promise.all(readers.map((rd) => rd.closed));
    const round = applyLines(model, lines);
    acked += round.acked;
    for (const f of round.failures) {
      failures++;
      if (!/^F \S+ CVX_IO .*(the disk is full|cannot be written again)/.test(f)) throw new Error(`${where}: the writer failed otherwise: ${f}`);
    }
    fs.rmSync(filler, { force: true });
    let store: HotStore;
    try {
      store = HotStore.openSync(db);
    } catch (e) {
      throw new Error(`${where}: the store does not reopen once space is freed: ${(e as Error).message}`);
    }
    expectReopened(store, model, round.pending as Map<number, Op>, where);
    store.closeSync();
    readersChecked += expectReaders(readers.map((rd) => rd.out), start, round, where);
  }
  disk.unmount();
  expect(acked).toBeGreaterThan(ROUNDS / 2);
  expect(readersChecked).toBeGreaterThan(0);
  // eslint-disable-next-line no-console
  console.log(`crash (full disk, readers): ${ROUNDS} rounds, ${acked} acknowledged writes verified, ` +
    `${failures} writes refused for the full disk, ${readersChecked} reader views checked, seed ${SEED}`);
}, 600_000);
