// Reading a store that another process is writing: a real child process (children/busy_writer.ts)
// runs putMany batches and compact() in a loop, and this process opens the store read-only again
// and again beside it, as the CLI's read commands do. Every open must succeed, hold every batch
// acknowledged before it began, show each batch whole or not at all, keep timelines equal to
// the vectors, and answer every read (entities, getMany, range, stats, verify, the CLI's stats
// and export). The writer is killed and restarted now and then, so opens also race its
// recovery. Rounds: CVX_READERS_ROUNDS (default 40), bounded by CVX_READERS_SECONDS (25).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HotStore } from '../lib';
import { cli } from './helpers/cli';
import { spawnChild } from './helpers/child';
import { PER_BATCH, problemsOf, Writer } from './helpers/busy';
import { ensureDist } from './helpers/dist';
import { tempPath } from './helpers/tmp';
import { batchOfEntity, batchPoints, DIM, FRESH, freshEntity, SHARED, SPACE, vectorOf } from './children/busy_protocol';

const ROUNDS = Number(process.env.CVX_READERS_ROUNDS ?? 40);
const SECONDS = Number(process.env.CVX_READERS_SECONDS ?? 25);
const CLI_EVERY = 8; // a CLI run costs a process start; every 8th round runs stats and export
const RESTART_EVERY = 10; // the writer is SIGKILLed and restarted every 10th round
const QUICK_OPENS = 8; // opens per round that check only that the open works and holds the acknowledged batches

/** The CLI's read commands beside the writer: stats --json and export, whole batches only. */
async function cliProblems(dir: string, acked: number): Promise<string[]> {
  const out: string[] = [];
  const minimum = (acked + 1) * PER_BATCH;
  const stats = await cli(['stats', dir, '--json']);
  if (stats.code !== 0) out.push(`cvx-hot stats exited ${stats.code}: ${stats.stderr.trim()}`);
  else {
    const points = (JSON.parse(stats.stdout) as { spaces: { points: number }[] }).spaces.reduce((a, s) => a + s.points, 0);
    if (points < minimum || points % PER_BATCH) out.push(`cvx-hot stats counts ${points} points; acknowledged before it: ${minimum}`);
  }
  const exported = await cli(['export', dir, '-']);
  const m = /^export: (\d+) points?\n$/.exec(exported.stderr);
  if (exported.code !== 0 || !m) out.push(`cvx-hot export exited ${exported.code}: ${exported.stderr.trim()}`);
  else if (Number(m[1]) < minimum || Number(m[1]) % PER_BATCH) out.push(`cvx-hot export wrote ${m[1]} points; acknowledged before it: ${minimum}`);
  return out;
}

beforeAll(() => ensureDist());

/**
 * Working directories of secondaries of process `pid` in the temporary directory (this
 * process's by default). Jest's process.env is the test's own copy, so the addon of this
 * process makes them in the real TMPDIR, the one os.tmpdir() names.
 */
function workDirs(pid = process.pid): string[] {
  return fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`cvx-secondary-${pid}-`)).sort();
}

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

describe('read-only opens beside a writer in another process that writes and compacts', () => {
  let writer: Writer | undefined;
  afterEach(() => writer?.stop());

  // compact:5 — compact() every fifth batch (flushes, new WAL files, table files deleted), and a
  // SIGKILL and restart every RESTART_EVERY rounds. reopen:2 — close and open every second
  // batch: each open starts a new MANIFEST, which a catch-up must never follow (it aborted the
  // reader: native/pinned_manifest.h).
  test.each(['compact:5', 'reopen:2'])(`writer %s: each of up to ${ROUNDS} opens holds every acknowledged batch, whole, and answers every read`, async (mode) => {
    const dir = tempPath('beside-writer');
    writer = new Writer(dir, mode);
    await writer.acked(2);
    const failures: string[] = [];
    const deadline = Date.now() + SECONDS * 1000;
    let rounds = 0;
    for (; rounds < ROUNDS && Date.now() < deadline; rounds++) {
      // Quick opens first (open, one timeline, close): many opens per round, so that some meet
      // the writer's own open; then one open that every read checks.
      for (let q = 0; q < QUICK_OPENS; q++) {
        const before = writer.lastAck;
        try {
          const s = await HotStore.open(dir, { readOnly: true });
          const seen = (await s.getTimeline(0, SPACE))?.pointCount ?? 0;
          await s.close();
          if (seen - 1 < before) failures.push(`round ${rounds}: a quick open sees ${seen} batches, ${before + 1} were acknowledged`);
        } catch (e) {
          failures.push(`round ${rounds}: a quick open failed: ${(e as { code?: string }).code} ${(e as Error).message}`);
        }
      }
      const acked = writer.lastAck;
      let store: HotStore;
      try {
        store = await HotStore.open(dir, { readOnly: true });
      } catch (e) {
        failures.push(`round ${rounds}: open failed: ${(e as { code?: string }).code} ${(e as Error).message}`);
        continue;
      }
      try {
        for (const p of await problemsOf(store, acked)) failures.push(`round ${rounds}: ${p}`);
      } catch (e) {
        failures.push(`round ${rounds}: a read failed: ${(e as { code?: string }).code} ${(e as Error).message}`);
      } finally {
        await store.close();
      }
      if (rounds % CLI_EVERY === CLI_EVERY - 1) {
        for (const p of await cliProblems(dir, writer.lastAck)) failures.push(`round ${rounds}: ${p}`);
      }
      if (writer.holding && mode.startsWith('compact')) {
        // A writable open beside the writer is CVX_LOCKED, whatever the writer is rewriting.
        const second = await HotStore.open(dir).then((s) => s.close().then(() => 'opened'), (e) => (e as { code?: string }).code);
        if (second !== 'CVX_LOCKED') failures.push(`round ${rounds}: a writable open beside the writer gave ${second}`);
      }
      if (mode.startsWith('compact') && rounds % RESTART_EVERY === RESTART_EVERY - 1) await writer.restart();
    }
    expect(writer.died).toEqual([]); // no run of the writer failed beside its readers
    expect(rounds).toBeGreaterThanOrEqual(Math.min(ROUNDS, 2)); // the race was run (each round: 8 opens, a full check), not skipped by a slow machine
    expect({ rounds, failures: failures.slice(0, 20), failed: failures.length }).toEqual({ rounds, failures: [], failed: 0 });
  }, (SECONDS + 60) * 1000);
});


describe('a read-only handle beside a writer of this process', () => {
  test('holds every acknowledged write, does not advance, reads without snapshots, refuses writes, compact and checkpoint', async () => {
    const dir = tempPath('in-process-writer');
    const writer = await HotStore.open(dir);
    let reader: HotStore | undefined;
    try {
      for (let b = 0; b < 50; b++) {
        await writer.putMany(SPACE, batchPoints(b));
        if (b % 10 === 9) await writer.compact();
      }
      reader = await HotStore.open(dir, { readOnly: true });
      expect(workDirs()).toHaveLength(1);
      expect(await problemsOf(reader, 49)).toEqual([]);
      for (let b = 50; b < 60; b++) await writer.putMany(SPACE, batchPoints(b));
      await writer.compact();
      // A fixed view: what was written after the open is not there, in any read.
      expect(reader.getTimelineSync(0, SPACE)?.pointCount).toBe(50);
      expect(await problemsOf(reader, 49)).toEqual([]);
      // The sync forms, and getMany past one MultiGet chunk (1,024 keys), which took a snapshot.
      const keys = Array.from({ length: 50 * FRESH }, (_, i) => ({ entityId: freshEntity(Math.floor(i / FRESH), i % FRESH), timestamp: Math.floor(i / FRESH) }));
      expect(reader.getManySync(SPACE, keys).filter((p) => p !== undefined)).toHaveLength(keys.length);
      expect([...reader.entitiesSync(SPACE)]).toHaveLength(SHARED + 50 * FRESH);
      expect(reader.verifySync()).toMatchObject({ ok: true, vectorsScanned: 50 * PER_BATCH });
      expect(reader.statsSync().spaces).toEqual([{ spaceId: SPACE, dim: DIM, entities: SHARED + 50 * FRESH, points: 50 * PER_BATCH }]);
      const target = path.join(path.dirname(dir), 'checkpoint');
      expect(codeOf(() => reader!.putSync(SPACE, batchPoints(99)[0]))).toBe('CVX_READ_ONLY');
      expect(codeOf(() => reader!.compactSync())).toBe('CVX_READ_ONLY');
      expect(codeOf(() => reader!.checkpointSync(target))).toBe('CVX_READ_ONLY');
      await expect(reader.checkpoint(target)).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
      expect(fs.existsSync(target)).toBe(false);
      await reader.close();
      reader = undefined;
      expect(workDirs()).toEqual([]); // the working directory goes with the handle
      reader = await HotStore.open(dir, { readOnly: true }); // a new handle sees the new writes
      expect(await problemsOf(reader, 59)).toEqual([]);
      expect(reader.getTimelineSync(0, SPACE)?.pointCount).toBe(60);
    } finally {
      await reader?.close();
      await writer.close();
    }
  });

  test('a store nobody writes opens as a plain read-only handle: no working directory', async () => {
    const dir = tempPath('nobody-writes');
    const writer = await HotStore.open(dir);
    for (let b = 0; b < 5; b++) await writer.putMany(SPACE, batchPoints(b));
    await writer.close();
    const reader = await HotStore.open(dir, { readOnly: true });
    expect(workDirs()).toEqual([]);
    expect(await problemsOf(reader, 4)).toEqual([]);
    await reader.close();
  });

  test("a killed reader's working directory is swept by the next read-only open beside a writer; a live process's stays", async () => {
    const dir = tempPath('swept');
    const writer = await HotStore.open(dir);
    await writer.putMany(SPACE, batchPoints(0));
    const live = path.join(os.tmpdir(), `cvx-secondary-${process.ppid}-${path.basename(path.dirname(dir))}`); // the runner's parent: alive
    fs.mkdirSync(live);
    fs.writeFileSync(path.join(live, 'LOG'), '');
    const child = spawnChild('hold_reader.ts', [dir]);
    try {
      let err = '';
      child.stderr!.on('data', (d) => (err += d));
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (c) => reject(new Error(`reader exited ${c}: ${err}`)));
      });
      expect(workDirs(child.pid)).toHaveLength(1);
      await new Promise((r) => {
        child.once('close', r);
        child.kill('SIGKILL');
      });
      expect(workDirs(child.pid)).toHaveLength(1); // left behind by the kill
      const reader = await HotStore.open(dir, { readOnly: true });
      expect(workDirs(child.pid)).toEqual([]);
      expect(workDirs()).toHaveLength(1);
      expect(fs.existsSync(live)).toBe(true);
      await reader.close();
      expect(workDirs()).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      fs.rmSync(live, { recursive: true, force: true });
      await writer.close();
    }
  });
});
