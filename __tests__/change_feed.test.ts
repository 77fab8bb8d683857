// The change feed (HotStore.changes) and a replica built from it: records in order, one per
// write batch and whole, resumption after `since`, every write present (the level adapter's,
// repair()'s), a replica equal to its source byte for byte in every column family, and the
// feed's explicit ends: CVX_FEED_TRIMMED for a start the store no longer keeps, CVX_FEED_GAP for
// writes that bypassed the WAL (a rebuild), each from a real cause.
import * as fs from 'fs';
import * as path from 'path';
import { ChangeRecord, HotStore, HotStoreError, HotStoreLevel } from '../lib';
import { dump, rawPut, tkey } from './helpers/raw';
import { testTools } from './helpers/test_tools';
import { tempPath } from './helpers/tmp';

const RETAIN = { walTtlSeconds: 3600 };

async function all(store: HotStore, since: number | bigint = 0): Promise<ChangeRecord[]> {
  const out: ChangeRecord[] = [];
  for await (const r of store.changes({ since, follow: false })) out.push(r);
  return out;
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

/** Every column family's records, without the replica's own applied-sequence record. */
function contents(store: HotStore) {
  const d = dump(store);
  const mine = Buffer.from('cvx:replica:applied').toString('hex');
  return { ...d, default: d.default.filter((r) => !r.startsWith(mine)) };
}

const v = (x: number) => [x, x + 0.5, -x];

/** put, putMany, delete, deleteRange, level adapter writes: one batch each, in this order. */
async function workload(store: HotStore): Promise<number[]> {
  const batches: number[] = [];
  const mark = async () => batches.push(await store.latestSequence());
  store.putSync(0, { entityId: 1, timestamp: 10, vector: v(1) });
  await mark();
  await store.putMany(0, [1, 2, 3].map((t) => ({ entityId: 2, timestamp: t, vector: v(t) })));
  await mark();
  await store.put(1, { entityId: 2n ** 60n, timestamp: -5, vector: [9, 9] });
  await mark();
  await store.deleteRange(2, 0, 1, 2);
  await mark();
  await store.delete(1, 0, 10);
  await mark();
  const db = new HotStoreLevel<string, object>(store, { valueEncoding: 'json' });
  await db.open();
  await db.batch([{ type: 'put', key: 'a', value: { n: 1 } }, { type: 'put', key: 'b', value: { n: 2 } }, { type: 'del', key: 'c' }]);
  await mark();
  return batches;
}

describe('the feed: ordered whole batches, resumable', () => {
  test('one record per write batch, in order, each following the last; the last is latestSequence()', async () => {
    const dir = tempPath('feed-order');
    const store = HotStore.openSync(dir, { ...RETAIN, bigint: true });
    try {
      const marks = await workload(store);
      const records = await all(store);
      // The store's creation batch (its format record), then one record per write call.
      expect(records.map((r) => r.sequence).slice(1)).toEqual(marks);
      for (let i = 1; i < records.length; i++) expect(records[i].firstSequence).toBe(records[i - 1].sequence + 1);
      expect(records.at(-1)!.sequence).toBe(store.latestSequenceSync());
      const puts = records[2].changes.filter((c) => c.type === 'put');
      expect(puts.map((c) => c.type === 'put' && [c.entityId, c.timestamp, Array.from(c.vector)])).toEqual(
        [1, 2, 3].map((t) => [2n, BigInt(t), v(t)]),
      ); // the putMany: whole, in one record
      expect(records[3].changes[0]).toMatchObject({ type: 'put', entityId: 2n ** 60n, spaceId: 1, timestamp: -5n });
      expect(records[4].changes[0]).toEqual({ type: 'deleteRange', entityId: 2n, spaceId: 0, start: 1n, endExclusive: 2n });
      expect(records[4].changes[1]).toEqual({ type: 'delete', entityId: 2n, spaceId: 0, timestamp: 2n });
      expect(records[5].changes[0]).toEqual({ type: 'delete', entityId: 1n, spaceId: 0, timestamp: 10n });
      const level = records[6].changes;
      expect(level.map((c) => c.type === 'raw' && [c.op, c.columnFamily, c.key.toString()])).toEqual([
        ['put', 'default', 'a'], ['put', 'default', 'b'], ['delete', 'default', 'c'],
      ]);
    } finally {
      await store.close();
    }
  });

  test('since: the feed resumes after it; nothing new is an empty feed; a since inside a batch is refused', async () => {
    const store = HotStore.openSync(tempPath('feed-since'), RETAIN);
    try {
      await workload(store);
      const records = await all(store);
      for (const k of [0, 2, records.length - 1]) {
        const rest = await all(store, records[k].sequence);
        expect(rest.map((r) => r.sequence)).toEqual(records.slice(k + 1).map((r) => r.sequence));
        expect(rest.map((r) => r.batch.toString('hex'))).toEqual(records.slice(k + 1).map((r) => r.batch.toString('hex')));
      }
      expect(await all(store, store.latestSequenceSync() + 100)).toEqual([]);
      expect(await all(store, 2n ** 64n - 1n)).toEqual([]); // not wrapped round to 0
      const multi = records.find((r) => r.sequence > r.firstSequence)!;
      expect(await codeOf(all(store, multi.firstSequence))).toBe('CVX_INVALID_ARGUMENT');
    } finally {
      await store.close();
    }
  });

  test('follow: a waiting feed yields writes made after it started; the signal ends it', async () => {
    const store = HotStore.openSync(tempPath('feed-follow'));
    const ac = new AbortController();
    try {
      const got: ChangeRecord[] = [];
      const done = (async () => {
        for await (const r of store.changes({ pollMs: 5, signal: ac.signal })) {
          got.push(r);
          if (got.length === 2) ac.abort();
        }
      })();
      await new Promise((r) => setTimeout(r, 20));
      await store.put(0, { entityId: 1, timestamp: 1, vector: [1] });
      await store.put(0, { entityId: 1, timestamp: 2, vector: [2] });
      await done;
      expect(got.map((r) => r.changes[0])).toMatchObject([{ type: 'put', timestamp: 1 }, { type: 'put', timestamp: 2 }]);
    } finally {
      await store.close();
    }
  });
});

describe('on a follower', () => {
  test('a follower\'s feed equals the writer\'s, and goes on across a writer restart (archived WAL, new instance)', async () => {
    const dir = tempPath('feed-follower');
    let w = HotStore.openSync(dir, RETAIN);
    const f = await HotStore.open(dir, { follower: true });
    try {
      await workload(w);
      const mine = await all(w, 0);
      const theirs = await all(f, 0); // catches up first
      expect(theirs.map((r) => r.batch.toString('hex'))).toEqual(mine.map((r) => r.batch.toString('hex')));
      const at = theirs.at(-1)!.sequence;
      await w.close();
      w = HotStore.openSync(dir, RETAIN);
      w.putSync(0, { entityId: 9, timestamp: 9, vector: [9, 9, 9] });
      const next = await all(f, at);
      expect(next.at(-1)!.sequence).toBe(w.latestSequenceSync());
      expect(next.at(-1)!.changes[0]).toMatchObject({ type: 'put', entityId: 9, timestamp: 9 });
      expect(next[0].firstSequence).toBe(at + 1);
    } finally {
      await f.close();
      await w.close();
    }
  });
});

describe('a replica applying the feed equals its source', () => {
  test('every column family byte for byte, including the level adapter and repair(); applied sequence kept', async () => {
    const src = HotStore.openSync(tempPath('feed-src'), RETAIN);
    const rep = HotStore.openSync(tempPath('feed-rep'));
    try {
      await workload(src);
      rawPut(src, 'timelines', tkey(2, 0), Buffer.from('not a timeline')); // damage, through the WAL
      const report = await src.repair(); // rewrites it, through the WAL
      expect(report.repaired).toBeTruthy();
      expect(rep.appliedSequenceSync()).toBeUndefined();
      for await (const r of src.changes({ since: 0, follow: false })) await rep.applyChanges(r);
      expect(contents(rep)).toEqual(contents(src));
      expect(rep.appliedSequenceSync()).toBe(src.latestSequenceSync());
      expect(rep.getSync(2, 0, 3)?.vector).toEqual(src.getSync(2, 0, 3)?.vector); // reads see the new space
    } finally {
      await src.close();
      await rep.close();
    }
  });

  test('a record applied again is skipped; one that does not follow the applied sequence is refused', async () => {
    const src = HotStore.openSync(tempPath('feed-src2'), RETAIN);
    const rep = HotStore.openSync(tempPath('feed-rep2'));
    try {
      await workload(src);
      const records = await all(src);
      rep.applyChangesSync(records.slice(0, 3));
      const before = contents(rep);
      expect(rep.applyChangesSync(records[1])).toBe(records[2].sequence); // already held: skipped
      expect(contents(rep)).toEqual(before);
      expect(() => rep.applyChangesSync(records[4])).toThrow(/must start at/); // records[3] is missing
      expect(contents(rep)).toEqual(before);
      rep.applyChangesSync(records.slice(3));
      expect(contents(rep)).toEqual(contents(src));
    } finally {
      await src.close();
      await rep.close();
    }
  });

  test('a replica made from a checkpoint resumes at the sequence checkpoint() reports', async () => {
    const src = HotStore.openSync(tempPath('feed-src3'), RETAIN);
    const cpDir = tempPath('feed-cp');
    try {
      await src.putMany(7, [{ entityId: 5, timestamp: 1, vector: [1, 2] }]);
      const { sequence } = await src.checkpoint(cpDir);
      expect(sequence).toBe(src.latestSequenceSync());
      await workload(src);
      const rep = HotStore.openSync(cpDir);
      try {
        for await (const r of src.changes({ since: sequence, follow: false })) await rep.applyChanges(r);
        expect(contents(rep)).toEqual(contents(src));
      } finally {
        await rep.close();
      }
    } finally {
      await src.close();
    }
  });
});

describe('the feed never ends silently', () => {
  test('a start the store no longer keeps (no WAL retention, reopened) is CVX_FEED_TRIMMED; kept, it resumes', async () => {
    const plainDir = tempPath('feed-trim');
    const kept = tempPath('feed-kept');
    for (const [dir, o] of [[plainDir, {}], [kept, RETAIN]] as const) {
      const s = HotStore.openSync(dir, o);
      await workload(s);
      await s.close(); // flushes: the WAL's data is in table files, and without retention its file goes
    }
    const s = HotStore.openSync(plainDir);
    try {
      expect(await codeOf(all(s, 1))).toBe('CVX_FEED_TRIMMED');
      expect(await all(s, s.latestSequenceSync())).toEqual([]); // from now on: fine
    } finally {
      await s.close();
    }
    const k = HotStore.openSync(kept, RETAIN);
    try {
      expect((await all(k, 1)).at(-1)!.sequence).toBe(k.latestSequenceSync());
    } finally {
      await k.close();
    }
  });

  test('a rebuild (RepairDB turns WAL records into table files) is CVX_FEED_GAP for a consumer from before it', async () => {
    const dir = tempPath('feed-rebuild');
    const s = HotStore.openSync(dir, RETAIN);
    await workload(s);
    const before = s.latestSequenceSync();
    await s.close();
    await HotStore.rebuild(dir);
    const r = HotStore.openSync(dir, RETAIN);
    try {
      expect(await codeOf(all(r, 1))).toBe('CVX_FEED_GAP');
      expect(await codeOf(all(r, before))).toBe('CVX_FEED_GAP');
      expect(await all(r, r.latestSequenceSync())).toEqual([]); // a consumer restarted after it: fine
    } finally {
      await r.close();
    }
  });

  test('a salvage open that drops damaged WAL records is CVX_FEED_GAP, also for a consumer that had read them all', async () => {
    // A crash image: the directory copied while the store is open (its data only in the WAL).
    const src = tempPath('feed-salvage-src');
    const dir = tempPath('feed-salvage');
    const live = HotStore.openSync(src, RETAIN);
    for (let b = 0; b < 60; b++) {
      live.putManySync(0, Array.from({ length: 50 }, (_, i) => ({ entityId: b % 5, timestamp: b * 50 + i, vector: [b, i] })));
    }
    const consumed = live.latestSequenceSync(); // a consumer had applied everything up to here
    fs.cpSync(src, dir, { recursive: true });
    live.closeSync();
    const wal = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => path.join(dir, f))[0];
    const fd = fs.openSync(wal, 'r+');
    fs.writeSync(fd, Buffer.from([0xde, 0xad]), 0, 2, Math.floor(fs.statSync(wal).size / 3));
    fs.closeSync(fd);
    const s = HotStore.openSync(dir, { ...RETAIN, salvage: true });
    try {
      expect(s.salvaged?.droppedBytes).toBeGreaterThan(0);
      // The consumer holds points the store lost: it must start again, not go on silently.
      expect(await codeOf(all(s, consumed))).toBe('CVX_FEED_GAP');
      expect(await codeOf(all(s, 1))).toBe('CVX_FEED_GAP');
    } finally {
      await s.close();
    }
  });

  test('a table file ingested over the memtable (a bulk load) is CVX_FEED_GAP: RocksDB stops at it, the feed says so', async () => {
    const s = HotStore.openSync(tempPath('feed-ingest'), RETAIN);
    const bytes = (x: string) => new Uint8Array(Buffer.from(x));
    try {
      s.putSync(0, { entityId: 1, timestamp: 1, vector: [1] });
      const db = new HotStoreLevel<string, string>(s);
      await db.open();
      await db.put('k', 'in the memtable');
      const before = s.latestSequenceSync();
      expect(testTools._ingest(s._handle, 'default', bytes('k'), bytes('ingested'))).toBe(before + 1); // a sequence, no WAL record
      s.putSync(0, { entityId: 1, timestamp: 2, vector: [2] });
      expect(await codeOf(all(s, 0))).toBe('CVX_FEED_GAP');
      expect(await codeOf(all(s, before))).toBe('CVX_FEED_GAP'); // the jump right at the start
      expect((await all(s, before + 1)).length).toBe(1); // after it: the put
    } finally {
      await s.close();
    }
  });

  test('measured: a table file ingested where nothing overlaps takes no sequence number at all (bulkLoad must mark it)', async () => {
    // What a bulk load must do about it: write the feed-break record (native MarkFeedBreak), as
    // rebuild() and salvage do, or the feed cannot know (docs/processes.md).
    const s = HotStore.openSync(tempPath('feed-ingest0'), RETAIN);
    try {
      const before = s.latestSequenceSync();
      expect(testTools._ingest(s._handle, 'default', new Uint8Array([0x7a]), new Uint8Array([1]))).toBe(before);
    } finally {
      await s.close();
    }
  });
});

describe('lifetime', () => {
  test('after close: CVX_NOT_OPEN from latestSequence, appliedSequence, applyChanges and a new feed', async () => {
    const s = HotStore.openSync(tempPath('feed-closed'));
    s.putSync(0, { entityId: 1, timestamp: 1, vector: [1] });
    const [record] = await all(s, 1);
    await s.close();
    for (const call of [() => s.latestSequenceSync(), () => s.appliedSequenceSync(), () => s.applyChangesSync(record), () => s.changes()]) {
      expect(call).toThrow(expect.objectContaining({ code: 'CVX_NOT_OPEN' }));
    }
    for (const call of [() => s.latestSequence(), () => s.appliedSequence(), () => s.applyChanges(record)]) {
      await expect(call()).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
    }
  });

  test('a feed that follows a store ends when the store closes; a read-only replica refuses applyChanges', async () => {
    const dir = tempPath('feed-close-follow');
    const s = HotStore.openSync(dir, RETAIN);
    const got: ChangeRecord[] = [];
    const done = (async () => {
      for await (const r of s.changes({ pollMs: 2 })) got.push(r);
    })();
    await new Promise((r) => setTimeout(r, 20));
    await s.put(0, { entityId: 1, timestamp: 1, vector: [1] });
    await new Promise((r) => setTimeout(r, 20));
    await s.close();
    await done; // ends, no error
    expect(got).toHaveLength(1);
    const ro = HotStore.openSync(dir, { readOnly: true });
    try {
      expect(() => ro.applyChangesSync(got[0])).toThrow(expect.objectContaining({ code: 'CVX_READ_ONLY' }));
      expect((await all(ro, 0)).length).toBeGreaterThan(0); // a read-only handle reads the feed
    } finally {
      await ro.close();
    }
  });

  test('close() waits for feed steps and applyChanges in flight; each settles with its own result', async () => {
    const src = HotStore.openSync(tempPath('feed-close-src'), RETAIN);
    const rep = HotStore.openSync(tempPath('feed-close-rep'));
    await workload(src);
    const records = await all(src, 0);
    const feeds = Array.from({ length: 5 }, () => src.changes({ since: 0, follow: false, batchSize: 1 }));
    const steps = feeds.map((f) => f.next()); // each feed's first step is on the pool
    const applies = records.map((r) => rep.applyChanges(r)); // queued on the replica's writer thread
    await Promise.all([src.close(), rep.close()]);
    for (const s of await Promise.all(steps)) expect(s.value?.sequence).toBe(records[0].sequence);
    expect(await Promise.all(applies)).toEqual(records.map((r) => r.sequence));
    for (const f of feeds) await f.return(); // the feed handles are freed; the store was closed already
  });
});

