// The script `npm run test:memcheck` runs under valgrind memcheck: a small pass over every
// native path — open/close (sync and async), put/putMany (row and columnar, number and
// bigint), get, range, rangeColumns (small and large, sync and async), delete, getTimeline, getAsOf/getLatest, getManyAsOf, snapshots, verify/repair over records
// corrupted through RocksDB, refused arguments (errors made through the JS factory),
// CVX_LOCKED, a read-only handle beside the writer (a secondary), calls after close, a store
// left to the GC and one left open at exit, the change feed and a replica, and the fault paths of memcheck_faults.ts (salvage,
// rebuild, merging table files at close).
// Small on purpose: under valgrind node runs ~50× slower.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { native } from '../../lib/binding';
import { HotStore } from '../../lib';
import { testTools } from '../helpers/test_tools';
import { expectCode, faultPaths } from './memcheck_faults';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cvx-memcheck-'));
const gc = (globalThis as { gc?: () => void }).gc;

async function main() {
  const dir = path.join(root, 'a');
  const s = await HotStore.open(dir);
  for (let i = 0; i < 50; i++) s.putSync(0, { entityId: i % 5, timestamp: i - 25, vector: [i, 1, 2] });
  s.putManySync(0, Array.from({ length: 20 }, (_, i) => ({ entityId: 7n, timestamp: BigInt(i) << 40n, vector: new Float32Array([i, 0, 1]) })));
  s.putManySync(1, { entityIds: new Float64Array([1, 2]), timestamps: new Float64Array([5, 6]), vectors: new Float32Array([1, 2]), dim: 1 });
  await Promise.all(Array.from({ length: 40 }, (_, i) => s.put(0, { entityId: 9, timestamp: i, vector: [i, i, i] })));
  await s.putMany(0, [{ entityId: 9, timestamp: 100, vector: [1, 2, 3] }]);
  s.getSync(1, 0, -24);
  await s.get(9, 0, 3);
  s.rangeSync(0, 0, -100, 100, { reverse: true, limit: 3 });
  await s.range(9, 0, 0, 100);
  s.rangeColumnsSync(7, 0, 0n, (1n << 63n) - 1n);
  await s.rangeColumns(9, 0, 5, 10, { limit: 2 });
  // Large results: async ranges over ResultPool memory handed to JS (one kept past close, the
  // rest collected and recycled), sync ones scanned straight into JS memory (exact, a kept
  // buffer with a zeroed tail, a copy into an exact buffer, and one grown past a timeline that
  // was removed); small results come from the slab.
  s.putManySync(2, { entityIds: new Float64Array(100).fill(4), timestamps: Float64Array.from({ length: 100 }, (_, i) => i), vectors: new Float32Array(100 * 256).fill(0.5), dim: 256 });
  const kept = await s.rangeColumns(4, 2, 0, 99);
  for (let i = 0; i < 3; i++) {
    await s.range(4, 2, 0, 99);
    if (gc) { gc(); await new Promise((r) => setImmediate(r)); }
  }
  s.rangeColumnsSync(4, 2, 0, 99);
  s.putManySync(2, { entityIds: new Float64Array(100).fill(12), timestamps: Float64Array.from({ length: 100 }, (_, i) => 2 * i), vectors: new Float32Array(100 * 256).fill(0.25), dim: 256 });
  s.rangeSync(12, 2, 0, 99);
  s.rangeColumnsSync(12, 2, 0, 9);
  // getMany: found and absent keys, more than one MultiGet chunk, both forms, key columns.
  const many = Array.from({ length: 1100 }, (_, i) => ({ entityId: i % 2 ? 4 : 12, timestamp: i % 150 }));
  s.getManySync(2, many);
  await s.getMany(2, { entityIds: new Float64Array([4, 99, 12]), timestamps: new Float64Array([3, 3, 4]) });
  // options.into: a range that fits a window of a larger array, and one that does not.
  const into = new Float32Array(2 + 100 * 256).subarray(1, 1 + 100 * 256);
  s.rangeColumnsSync(12, 2, 0, 1000, { into });
  try { s.rangeColumnsSync(12, 2, 0, 1000, { into: into.subarray(0, 10 * 256 + 5) }); } catch { /* CVX_INVALID_ARGUMENT */ }
  s.getManySync(2, many.slice(0, 90), { into });
  try { s.getManySync(2, many, { into }); } catch { /* CVX_INVALID_ARGUMENT: 1100 keys do not fit */ }
  testTools._rawDelete(s._handle, 'timelines', new Uint8Array(testTools.encodeKeyNative(12, 2, 0).subarray(0, 12)));
  s.rangeColumnsSync(12, 2, 0, 1000);
  s.deleteSync(9, 0, 0);
  await s.delete(9, 0, 39);
  await s.delete(9, 0, 12345);
  s.getTimelineSync(9, 0);
  await s.getTimeline(0, 0);
  // as-of reads: found (pinned by the iterator, sync; copied out, async), absent, tolerance
  s.getAsOfSync(9, 0, 20);
  await s.getAsOf(9, 0, 20, { tolerance: 5 });
  s.getLatestSync(12, 2);
  await s.getLatest(99, 0);
  // getManyAsOf: found and absent rows, a t column, written into new JS memory (sync), pooled
  // memory (async), a caller's matrix, and one too small for the answer
  s.getManyAsOfSync(2, Float64Array.from({ length: 300 }, (_, i) => i % 20), 50);
  await s.getManyAsOf(2, [4, 12, 99], [3, 40, 1], { tolerance: 5 });
  s.getManyAsOfSync(2, [12, 4], 1000, { into });
  try { s.getManyAsOfSync(2, [12, 4], 1000, { into: into.subarray(0, 300) }); } catch { /* CVX_INVALID_ARGUMENT */ }
  // read views: reads on a snapshot (pinned sync, copied-out async), entities on it, a read in
  // flight across release(), a view left to the store's close and one to the collector
  const snap = s.snapshot();
  s.getSync(9, 0, 3);
  snap.getAsOfSync(9, 0, 20);
  await snap.get(9, 0, 3);
  [...snap.entitiesSync(0)];
  const afterRelease = snap.range(9, 0, 0, 100);
  snap.release();
  await afterRelease;
  expectCode(() => snap.getSync(9, 0, 3), 'CVX_NOT_OPEN');
  s.snapshot().getManySync(0, [{ entityId: 9, timestamp: 3 }]);
  // corrupt through RocksDB, then verify and repair
  const prefix = Buffer.alloc(12);
  prefix.writeBigUInt64BE(9n, 0);
  testTools._rawDelete(s._handle, 'timelines', new Uint8Array(prefix));
  const key = Buffer.alloc(20);
  key.writeBigUInt64BE(3n, 0);
  testTools._rawPut(s._handle, 'vectors', new Uint8Array(key), new Uint8Array([1, 2, 3]));
  testTools._rawPut(s._handle, 'timelines', new Uint8Array(Buffer.from('odd')), new Uint8Array([0xff]));
  if (s.verifySync().ok) throw new Error('verify missed the damage');
  await s.verify({ maxIssues: 1 });
  s.repairSync({ dropUndecodable: true });
  if (!s.verifySync().ok || (await s.repair()).issueCount !== 0) throw new Error('repair failed');
  // refused arguments, native and TS side
  expectCode(() => s.putSync(0, { entityId: -1, timestamp: 0, vector: [1, 2, 3] }), 'CVX_INVALID_ARGUMENT');
  expectCode(() => s.putSync(0, { entityId: 1, timestamp: 0, vector: [1, 2] }), 'CVX_DIMENSION_MISMATCH');
  expectCode(() => native.putSync(s._handle, 0, 1, 0, new Float32Array([NaN, 1, 1])), 'CVX_INVALID_ARGUMENT');
  expectCode(() => native.getSync({} as never, 1, 0, 0), 'CVX_INVALID_ARGUMENT');
  await s.put(0, { entityId: 1, timestamp: 0, vector: [1] }).catch(() => undefined);
  expectCode(() => HotStore.openSync(dir), 'CVX_LOCKED');
  await HotStore.open(dir).catch(() => undefined);
  // read-only beside the writer: a secondary (its working directory, catch-up, reads without snapshots)
  const beside = await HotStore.open(dir, { readOnly: true });
  [...beside.entitiesSync()];
  beside.verifySync();
  beside.getManySync(0, [{ entityId: 9, timestamp: 3 }, { entityId: 1, timestamp: 0 }]);
  beside.getAsOfSync(9, 0, 30);
  beside.getManyAsOfSync(0, [9, 1, 5], 30);
  const besideView = beside.snapshot();
  besideView.getLatestSync(9, 0);
  besideView.release();
  await beside.getLatest(9, 0);
  expectCode(() => beside.checkpointSync(path.join(root, 'no-checkpoint')), 'CVX_READ_ONLY');
  await beside.close();
  native.flush(s._handle); // table files for the reads of the reopened store below
  // close with work in flight, then calls after close
  const inflight = Array.from({ length: 30 }, (_, i) => s.put(0, { entityId: 11, timestamp: i, vector: [1, 2, 3] }));
  await s.close();
  await Promise.all(inflight);
  expectCode(() => s.getSync(1, 0, 0), 'CVX_NOT_OPEN');
  if (kept.vectors[100 * 256 - 1] !== 0.5) throw new Error('a kept range result changed after close');
  await s.get(1, 0, 0).catch(() => undefined);
  // reopen, read-only, a dropped store collected by GC, and one left open at exit
  const ro = HotStore.openSync(dir, { readOnly: true, bigint: true });
  ro.rangeSync(7n, 0, 0n, 1n << 62n);
  // Coalesced gets and as-of reads of one tick, on the store and on a snapshot: small groups and
  // lone gets read the table files on this thread (nowait_fs), a large group on the pool.
  const roView = ro.snapshot();
  await Promise.all([ro.get(9n, 0, 3n), ro.get(1n, 0, -24n), ro.get(99n, 0, 1n), roView.get(9n, 0, 3n), ro.getAsOf(9n, 0, 30n), ro.getLatest(7n, 0), ro.getAsOf(9n, 0, 5n, { tolerance: 2 })]);
  await Promise.all(Array.from({ length: 300 }, (_, i) => ro.get(BigInt(i % 12), 0, BigInt((i % 50) - 25))));
  await ro.get(4n, 2, 7n);
  roView.release();
  ro.closeSync();
  (() => HotStore.openSync(path.join(root, 'dropped')).putSync(0, { entityId: 1, timestamp: 1, vector: [1] }))();
  if (gc) for (let i = 0; i < 5; i++) { gc(); await new Promise((r) => setImmediate(r)); }
  await faultPaths(root);
  await feedPaths();
  const left = HotStore.openSync(path.join(root, 'left-open'));
  left.putSync(0, { entityId: 1, timestamp: 1, vector: [1] });
  process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  process.stdout.write('memcheck workload done\n');
}

// The change feed: its steps (sync and async, decoded), a follower's feed, a replica's applies
// (and a refused one), a feed left open to close() and one to the collector.
async function feedPaths() {
  const src = await HotStore.open(path.join(root, 'feed'), { walTtlSeconds: 60 });
  for (let i = 0; i < 20; i++) src.putSync(0, { entityId: i % 3, timestamp: i, vector: [i, 1] });
  src.deleteRangeSync(1, 0, 0, 10);
  const rep = HotStore.openSync(path.join(root, 'feed-replica'));
  for await (const r of src.changes({ since: 0, follow: false, batchSize: 3 })) {
    if (r.changes.length === 0) throw new Error('a record without changes');
    await rep.applyChanges(r);
  }
  expectCode(() => rep.applyChangesSync({ sequence: 1, firstSequence: 1, changes: [], batch: Buffer.alloc(12, 0xff) }), 'CVX_INVALID_ARGUMENT');
  const f = await HotStore.open(path.join(root, 'feed'), { follower: true });
  for await (const r of f.changes({ since: 0, follow: false })) void r.changes;
  await f.close();
  const open = src.changes({ since: 0, follow: false });
  await open.next(); // its handle stays until close()
  (() => void src.changes({ since: 0, follow: false }).next())(); // left to the collector
  await rep.close();
  await src.close();
  await open.return();
}

main().catch((e) => {
  process.stderr.write(`${e?.code} ${e?.stack}\n`);
  process.exit(3);
});
