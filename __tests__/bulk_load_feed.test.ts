// A bulk load and the change feed: the load's table files bypass the WAL (and, where they
// overlap nothing, take no sequence number), so a consumer whose `since` is before a load must
// get CVX_FEED_GAP, never a feed that passes over the load silently. Both shapes of load into a
// non-empty store (overlapping the memtable's keys, and not), and a load killed before its
// second feed-break record (its staging leftovers found at the next open).
import * as fs from 'fs';
import * as path from 'path';
import { ChangeRecord, HotStore, HotStoreError } from '../lib';
import { tempPath } from './helpers/tmp';

const RETAIN = { walTtlSeconds: 3600 };

async function all(store: HotStore, since: number): Promise<ChangeRecord[]> {
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

const rows = (entity: number, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ entityId: entity, timestamp: from + i, vector: [entity, from + i] }));

describe('a feed across a bulkLoad into a non-empty store', () => {
  test.each([
    ['overlapping the stored keys (the ingest takes a sequence)', 1, 5],
    ['overlapping nothing (the ingest takes no sequence at all)', 900, 0],
  ])('%s: CVX_FEED_GAP from any since before it, the records after it from the load on', async (_what, entity, from) => {
    const s = HotStore.openSync(tempPath('bulkfeed'), RETAIN);
    try {
      await s.putMany(0, rows(1, 0, 10));
      const before = await s.latestSequence();
      await s.bulkLoad(0, rows(entity, from, 20));
      const loaded = await s.latestSequence();
      await s.put(0, { entityId: 2, timestamp: 1, vector: [2, 1] });
      expect(await codeOf(all(s, 0))).toBe('CVX_FEED_GAP');
      expect(await codeOf(all(s, before))).toBe('CVX_FEED_GAP');
      // A consumer seeded after the load (its view holds the load) goes on: only the put.
      const after = await all(s, loaded);
      expect(after.map((r) => r.changes.map((c) => c.type))).toEqual([['put', 'raw']]);
    } finally {
      await s.close();
    }
  });

  test('a load killed after its ingest, before its second mark: the next open marks the feed from its leftovers', async () => {
    const dir = tempPath('bulkfeed-kill');
    let s = HotStore.openSync(dir, RETAIN);
    await s.putMany(0, rows(1, 0, 10));
    await s.bulkLoad(0, rows(900, 0, 20));
    // A consumer seeded from a view taken right after the first mark would be at this sequence
    // without the load; the store as a kill would leave it: the load ingested, its staging
    // directory still there (it goes after the second mark).
    const seeded = await s.latestSequence();
    await s.close();
    fs.mkdirSync(path.join(dir, 'cvx-bulk', 'load-killed'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cvx-bulk', 'load-killed', 'run-0.sst'), 'x');
    s = HotStore.openSync(dir, RETAIN);
    try {
      expect(fs.existsSync(path.join(dir, 'cvx-bulk'))).toBe(false);
      await s.put(0, { entityId: 2, timestamp: 1, vector: [2, 1] });
      expect(await codeOf(all(s, seeded))).toBe('CVX_FEED_GAP');
      // An open without leftovers marks nothing.
      const now = await s.latestSequence();
      await s.close();
      s = HotStore.openSync(dir, RETAIN);
      await s.put(0, { entityId: 2, timestamp: 2, vector: [2, 2] });
      expect((await all(s, now)).length).toBe(1);
    } finally {
      await s.close();
    }
  });
});
