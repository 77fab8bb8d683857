// Followers (HotStore.open(path, { follower: true })): read-only secondaries that catch up with
// a writer in another process. A real child process (children/busy_writer.ts) writes putMany
// batches in which every point carries its batch number; followers of this process catch up
// again and again and, after each catch-up, check every read: each batch whole or absent,
// timelines equal to the vectors (verify(), range, entities(), getMany), every batch
// acknowledged before the catch-up visible, never fewer batches than before. The writer is
// SIGKILLed and restarted (a new MANIFEST: the follower swaps in a new secondary) or closes and
// reopens on its own. Also: an iterator and a snapshot across such a swap, followIntervalMs,
// a failed automatic catch-up, and the option checks. Two more followers run in processes of
// their own (children/follow_reader.ts). Seconds per mode: CVX_FOLLOWERS_SECONDS
// (default 12).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HotStore } from '../lib';
import { PER_BATCH, problemsOf, Writer } from './helpers/busy';
import { runChild } from './helpers/child';
import { ensureDist } from './helpers/dist';
import { tempPath } from './helpers/tmp';
import { batchPoints, FRESH, SHARED, SPACE } from './children/busy_protocol';

const SECONDS = Number(process.env.CVX_FOLLOWERS_SECONDS ?? 12);
const FOLLOWERS = 3; // in this process; two more run in child processes
const RESTART_EVERY = 6; // rounds between SIGKILLs of the writer (compact mode)

beforeAll(() => ensureDist());

const visibleIn = (s: HotStore) => s.getTimelineSync(0, SPACE)?.pointCount ?? 0;

/** Waits until `cond()` holds, polling; false after `ms`. */
async function until(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return cond();
}

describe('followers beside a writer process', () => {
  let writer: Writer | undefined;
  afterEach(() => writer?.stop());

  test.each(['compact:5', 'reopen:3'])(
    `writer %s: ${FOLLOWERS} followers catch up again and again; after each catch-up every read is whole and consistent, and holds every batch acknowledged before it`,
    async (mode) => {
      const dir = tempPath('followers');
      writer = new Writer(dir, mode);
      await writer.acked(1);
      const own = fs.mkdtempSync(path.join(os.tmpdir(), 'cvx-follower-dir-'));
      const followers: HotStore[] = [];
      for (let i = 0; i < FOLLOWERS; i++) {
        followers.push(await HotStore.open(dir, i === 0 ? { follower: true, followerDir: own } : { follower: true }));
      }
      // Two more followers, each in a process of its own, check the same things for the same time.
      const others = [0, 1].map(() => runChild('follow_reader.ts', [dir, String(SECONDS)], [], (SECONDS + 50) * 1000));
      const failures: string[] = [];
      const seen = followers.map(() => 0);
      let rounds = 0;
      let restarts = 0;
      try {
        const start = Date.now();
        for (const end = start + SECONDS * 1000; Date.now() < end; rounds++) {
          for (let i = 0; i < FOLLOWERS; i++) {
            const f = followers[i];
            const acked = writer.lastAck;
            try {
              if (rounds % 2 === 0) await f.catchUp();
              else f.catchUpSync();
              for (const p of await problemsOf(f, acked)) failures.push(`round ${rounds} follower ${i}: ${p}`);
              const v = visibleIn(f);
              if (v < seen[i]) failures.push(`round ${rounds} follower ${i}: went back from ${seen[i]} to ${v} batches`);
              seen[i] = v;
            } catch (e) {
              failures.push(`round ${rounds} follower ${i}: ${(e as { code?: string }).code} ${(e as Error).message}`);
            }
          }
          // Every RESTART_EVERY rounds, and at half time at the latest (a loaded machine runs few rounds).
          const due = rounds % RESTART_EVERY === RESTART_EVERY - 1 || (restarts === 0 && Date.now() > start + SECONDS * 500);
          if (mode.startsWith('compact') && due) {
            await writer.restart();
            restarts++;
            await writer.acked(writer.lastAck + 1); // the new run writes: the next catch-up must show it
          }
        }
      } finally {
        for (const f of followers) await f.close();
      }
      for (const r of await Promise.all(others)) {
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
        const out = JSON.parse(r.stdout) as { rounds: number; seen: number; problems: string[]; failed: number };
        expect(out.rounds).toBeGreaterThanOrEqual(2);
        expect(out.seen).toBeGreaterThan(2);
        expect({ problems: out.problems, failed: out.failed }).toEqual({ problems: [], failed: 0 });
      }
      expect(writer.died).toEqual([]);
      expect(fs.readdirSync(own)).toContain('LOG'); // followerDir was its working directory, and stays
      fs.rmSync(own, { recursive: true, force: true });
      expect(rounds).toBeGreaterThanOrEqual(2);
      if (mode.startsWith('compact')) expect(restarts).toBeGreaterThanOrEqual(1);
      expect(Math.min(...seen)).toBeGreaterThan(2); // they did advance
      expect({ rounds, failures: failures.slice(0, 20), failed: failures.length }).toEqual({ rounds, failures: [], failed: 0 });
    },
    (SECONDS + 60) * 1000,
  );

  test('a follower opened before the writer runs; the writer SIGKILLed mid-batch and restarted: the follower keeps working and sees the new run after its next catch-up; an iterator made before the swap reads its own moment to the end', async () => {
    const dir = tempPath('follower-restart');
    const seed = await HotStore.open(dir);
    for (let b = 0; b < 3; b++) await seed.putMany(SPACE, batchPoints(b));
    await seed.close();
    const f = await HotStore.open(dir, { follower: true }); // no writer: still a secondary
    try {
      expect(visibleIn(f)).toBe(3);
      writer = new Writer(dir, 'compact:4');
      await writer.acked(6);
      expect(await f.catchUp()).toBe(true); // the writer's open made a new MANIFEST: a new secondary
      expect(await problemsOf(f, 6)).toEqual([]);
      // An iterator of the current instance, one step in; then the writer dies and restarts.
      const before = visibleIn(f);
      const it = f.entities(SPACE)[Symbol.asyncIterator]();
      expect((await it.next()).done).toBe(false);
      const syncIt = f.entitiesSync(SPACE)[Symbol.iterator]();
      expect(syncIt.next().done).toBe(false);
      await writer.restart();
      const acked = writer.lastAck + 2;
      await writer.acked(acked);
      expect(await f.catchUp()).toBe(true);
      expect(await problemsOf(f, acked)).toEqual([]);
      expect(visibleIn(f)).toBeGreaterThan(before);
      // The iterators still read the retired instance, at their own moment, to the end.
      let n = 1;
      while (!(await it.next()).done) n++;
      expect(n).toBe(SHARED + before * FRESH);
      let m = 1;
      while (!syncIt.next().done) m++;
      expect(m).toBe(SHARED + before * FRESH);
      // Another restart with no iterator alive: the retired instance closes at once.
      await writer.restart();
      await writer.acked(writer.lastAck + 2);
      const last = writer.lastAck;
      expect(await f.catchUp()).toBe(true);
      expect(await problemsOf(f, last)).toEqual([]);
    } finally {
      await f.close();
    }
  }, 60_000);

  test('a snapshot of a follower holds its catch-up back (catchUp() resolves false), also across a writer restart, and reads its moment; released, the follower moves', async () => {
    const dir = tempPath('follower-snapshot');
    writer = new Writer(dir, 'compact:4');
    await writer.acked(2);
    const f = await HotStore.open(dir, { follower: true });
    try {
      await f.catchUp();
      const snap = f.snapshot();
      const held = snap.getTimelineSync(0, SPACE)!.pointCount;
      await writer.acked(held + 3);
      expect(await f.catchUp()).toBe(false);
      await writer.restart();
      await writer.acked(writer.lastAck + 2);
      expect(f.catchUpSync()).toBe(false);
      expect(snap.getTimelineSync(0, SPACE)!.pointCount).toBe(held);
      expect((await snap.rangeColumns(1, SPACE, 0, 1e12)).count).toBe(held);
      expect(visibleIn(f)).toBe(held);
      snap.release();
      const acked = writer.lastAck;
      expect(await f.catchUp()).toBe(true);
      expect(await problemsOf(f, acked)).toEqual([]);
    } finally {
      await f.close();
    }
  }, 60_000);
});

describe('followers and a writer of this process', () => {
  test('followIntervalMs advances the follower without calls; close stops it', async () => {
    const dir = tempPath('follow-interval');
    const w = await HotStore.open(dir);
    await w.putMany(SPACE, batchPoints(0));
    const errors: Error[] = [];
    const f = await HotStore.open(dir, { follower: true, followIntervalMs: 20, onFollowError: (e) => errors.push(e) });
    const plain = await HotStore.open(dir, { follower: true });
    try {
      for (let b = 1; b <= 5; b++) await w.putMany(SPACE, batchPoints(b));
      expect(await until(() => visibleIn(f) === 6)).toBe(true);
      expect(visibleIn(plain)).toBe(1); // without the interval, nothing moves by itself
      expect(await problemsOf(f, 5)).toEqual([]);
      await f.close();
      await w.putMany(SPACE, batchPoints(6));
      await new Promise((r) => setTimeout(r, 100));
      expect(errors).toEqual([]); // a timer left running would have hit the closed store (CVX_NOT_OPEN)
    } finally {
      await plain.close();
      await w.close();
    }
  });

  test('a failed automatic catch-up goes to onFollowError: the follower stays open and readable, nothing is left unhandled', async () => {
    const dir = tempPath('follow-fails');
    const w = await HotStore.open(dir);
    for (let b = 0; b < 3; b++) await w.putMany(SPACE, batchPoints(b));
    const errors: Error[] = [];
    const f = await HotStore.open(dir, { follower: true, followIntervalMs: 10, onFollowError: (e) => errors.push(e) });
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    process.on('unhandledRejection', onUnhandled);
    try {
      await w.close();
      await f.catchUp(); // the view of the closed store (its close flushed: a new secondary)
      // The store's directory goes away: no new secondary can be opened (CURRENT is gone, taken
      // for a restart), so every automatic catch-up fails.
      fs.renameSync(dir, `${dir}-away`);
      expect(await until(() => errors.length >= 2, 15_000)).toBe(true);
      expect(errors[0]).toMatchObject({ name: 'HotStoreError', code: 'CVX_IO' });
      expect(f.isOpen).toBe(true);
      await expect(f.catchUp()).rejects.toMatchObject({ code: 'CVX_IO' });
      // Back again: the follower catches up again, and its view is whole.
      fs.renameSync(`${dir}-away`, dir);
      expect(await until(() => f.catchUp().then(() => true, () => false))).toBe(true);
      expect(await problemsOf(f, 2)).toEqual([]);
    } finally {
      await f.close();
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  }, 60_000);

  test('every read works on a follower; writes, compact, repair and checkpoint are CVX_READ_ONLY; catchUp on a store that is not a follower is CVX_INVALID_ARGUMENT', async () => {
    const dir = tempPath('follower-reads');
    const w = await HotStore.open(dir);
    for (let b = 0; b < 4; b++) await w.putMany(SPACE, batchPoints(b));
    const f = HotStore.openSync(dir, { follower: true });
    try {
      await w.putMany(SPACE, batchPoints(4));
      expect(f.catchUpSync()).toBe(true);
      expect(f.catchUpSync()).toBe(false); // nothing new
      expect(await problemsOf(f, 4)).toEqual([]);
      expect(await f.getAsOf(0, SPACE, 10)).toMatchObject({ timestamp: 4 });
      expect(f.getLatestSync(1, SPACE)).toMatchObject({ timestamp: 4 });
      expect(f.verifySync()).toMatchObject({ ok: true, vectorsScanned: 5 * PER_BATCH });
      const p = batchPoints(9)[0];
      await expect(f.put(SPACE, p)).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
      await expect(f.putMany(SPACE, [p])).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
      await expect(f.delete(0, SPACE, 0)).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
      await expect(f.deleteRange(0, SPACE, 0, 9)).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
      await expect(f.compact()).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
      await expect(f.repair()).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
      await expect(f.checkpoint(path.join(path.dirname(dir), 'cp'))).rejects.toMatchObject({ code: 'CVX_READ_ONLY' });
      await expect(w.catchUp()).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/follower/) });
      const ro = await HotStore.open(dir, { readOnly: true });
      expect(() => ro.catchUpSync()).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT' }));
      await ro.close();
    } finally {
      await f.close();
      await w.close();
    }
    await expect(f.catchUp()).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
  });

  test('option checks: follower options without follower, readOnly: false, salvage, a followerDir that is the store', async () => {
    const dir = tempPath('follower-options');
    (await HotStore.open(dir)).closeSync();
    const fails = (o: object, re: RegExp) =>
      expect(HotStore.open(dir, o)).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(re) });
    await fails({ followIntervalMs: 10 }, /options\.followIntervalMs needs options\.follower/);
    await fails({ followerDir: os.tmpdir() }, /options\.followerDir needs options\.follower/);
    await fails({ follower: true, readOnly: false }, /options\.follower.*readOnly/);
    await fails({ follower: true, salvage: true }, /options\.salvage/);
    await fails({ follower: true, followerDir: dir }, /options\.followerDir .* the store's own directory/);
    await fails({ follower: true, followIntervalMs: 0 }, /options\.followIntervalMs/);
    const f = await HotStore.open(dir, { follower: true, readOnly: true });
    await f.close();
  });
});
