// resyncFrom: a replica whose feed broke (a bulkLoad's CVX_FEED_GAP, a trimmed WAL) or that has
// no applied sequence is seeded again from a snapshot of its source: every column family equal
// byte for byte, its own old records gone, the applied sequence the snapshot's, and the feed
// resumed from there. A replica whose resync did not finish refuses changes until one does.
import { spawn } from 'child_process';
import { ChangeRecord, HotStore, HotStoreError, HotStoreLevel } from '../lib';
import { cli } from './helpers/cli';
import { CLI } from './helpers/dist';
import { dump } from './helpers/raw';
import { tempPath } from './helpers/tmp';

const RETAIN = { walTtlSeconds: 3600 };
const APPLIED = Buffer.from('cvx:replica:applied').toString('hex');

/** Every column family's records, without the replica's own applied-sequence record. */
function contents(store: HotStore) {
  const d = dump(store);
  return { ...d, default: d.default.filter((r) => !r.startsWith(APPLIED)) };
}

const rows = (entity: number, from: number, n: number, dim = 3) =>
  Array.from({ length: n }, (_, i) => ({ entityId: entity, timestamp: from + i, vector: Array.from({ length: dim }, (_, j) => entity + i + j) }));

async function follow(src: HotStore, rep: HotStore, since: number): Promise<number> {
  let applied = since;
  for await (const r of src.changes({ since, follow: false })) applied = await rep.applyChanges(r);
  return applied;
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(HotStoreError);
    return (e as HotStoreError).code;
  }
  return undefined;
}

jest.setTimeout(60_000);

test('after a bulkLoad breaks the feed, resyncFrom makes the replica equal byte for byte and the feed resumes', async () => {
  const src = HotStore.openSync(tempPath('resync-src'), RETAIN);
  const rep = HotStore.openSync(tempPath('resync-rep'));
  try {
    await src.putMany(0, rows(1, 0, 50));
    let applied = await follow(src, rep, 0);
    // Records of the replica's own that the source never had: they must go.
    const level = new HotStoreLevel<string, string>(rep);
    await level.open();
    await level.put('stale', 'only in the replica');
    await rep.put(7, { entityId: 9, timestamp: 1, vector: [1] });
    await src.bulkLoad(0, rows(1, 25, 50)); // overlaps: overwrites and new points
    await src.bulkLoad(3, rows(2, 0, 30, 2)); // a new space
    await src.put(0, { entityId: 5, timestamp: 5, vector: [5, 5, 5] });
    expect(await codeOf(follow(src, rep, applied))).toBe('CVX_FEED_GAP');
    applied = await rep.resyncFrom(src);
    expect(applied).toBe(await src.latestSequence());
    expect(await rep.appliedSequence()).toBe(applied);
    expect(contents(rep)).toEqual(dump(src));
    expect((await rep.spaces()).map((s) => s.spaceId)).toEqual((await src.spaces()).map((s) => s.spaceId));
    await src.putMany(0, rows(8, 0, 10));
    applied = await follow(src, rep, applied);
    expect(applied).toBe(await src.latestSequence());
    expect(contents(rep)).toEqual(dump(src));
  } finally {
    await Promise.all([src.close(), rep.close()]);
  }
});

test('resyncFrom a follower of the source: the follower\'s view, its sequence, then its feed', async () => {
  const dir = tempPath('resync-fsrc');
  const src = HotStore.openSync(dir, RETAIN);
  const rep = HotStore.openSync(tempPath('resync-frep'));
  await src.putMany(0, rows(1, 0, 20));
  await src.bulkLoad(0, rows(2, 0, 20));
  const fol = await HotStore.open(dir, { follower: true });
  try {
    const since = await rep.resyncFrom(fol);
    expect(since).toBe(await fol.latestSequence());
    await src.putMany(0, rows(3, 0, 5));
    await fol.catchUp();
    await follow(fol, rep, since);
    expect(contents(rep)).toEqual(dump(src));
  } finally {
    await Promise.all([fol.close(), rep.close()]);
    await src.close();
  }
});

test('arguments: a source that is no store, the replica itself, a closed source', async () => {
  const src = HotStore.openSync(tempPath('resync-args-src'));
  const rep = HotStore.openSync(tempPath('resync-args-rep'));
  try {
    for (const bad of [undefined, {}, 'dir']) {
      await expect(rep.resyncFrom(bad as unknown as HotStore)).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringContaining('source') });
    }
    await expect(rep.resyncFrom(rep)).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT' });
    await src.close();
    await expect(rep.resyncFrom(src)).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
  } finally {
    await rep.close();
  }
});

test('cvx-hot replicate SIGKILLed mid-resync: restarted, it resyncs again and ends exact', async () => {
  const srcDir = tempPath('resync-kill-src');
  const dstDir = tempPath('resync-kill-dst');
  const src = HotStore.openSync(srcDir, RETAIN);
  await src.putMany(0, rows(1, 0, 20, 32));
  await src.close();
  expect((await cli(['replicate', srcDir, dstDir, '--no-wait'])).code).toBe(0); // a replica with an applied sequence
  const again = HotStore.openSync(srcDir, RETAIN);
  const big = Array.from({ length: 400 }, (_, e) => rows(100 + e, 0, 500, 32)).flat();
  await again.bulkLoad(0, big); // the feed breaks, and the resync has 200,000 points to copy
  await again.close();
  const child = spawn(process.execPath, [CLI, 'replicate', srcDir, dstDir, '--no-wait'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  await new Promise<void>((resolve) => child.stderr!.on('data', (d) => ((err += d), /resyncing/.test(err) && resolve())));
  await new Promise((r) => setTimeout(r, 150));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const seen = HotStore.openSync(dstDir, { readOnly: true });
  const killedMidway = seen.appliedSequenceSync() === undefined;
  await seen.close();
  expect(killedMidway).toBe(true); // 150 ms into a copy of 200,000 points
  {
    // What a --since cannot resume by mistake: the replica says its resync did not finish.
    const rep = HotStore.openSync(dstDir);
    const s = HotStore.openSync(srcDir, { readOnly: true });
    try {
      const feed = s.changes({ since: 0, follow: false, batchSize: 1 });
      const first = (await feed.next()).value as ChangeRecord;
      await feed.return();
      await expect(rep.applyChanges(first)).rejects.toMatchObject({ code: 'CVX_FEED_GAP', message: expect.stringContaining('resync') });
    } finally {
      await Promise.all([rep.close(), s.close()]);
    }
  }
  const run = await cli(['replicate', srcDir, dstDir, '--no-wait']);
  expect(run.code).toBe(0);
  const a = HotStore.openSync(srcDir, { readOnly: true });
  const b = HotStore.openSync(dstDir, { readOnly: true });
  try {
    expect(b.appliedSequenceSync()).toBe(a.latestSequenceSync());
    expect(contents(b)).toEqual(dump(a));
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
