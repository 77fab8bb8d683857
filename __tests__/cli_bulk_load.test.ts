// `cvx-hot ingest --bulk` and `cvx-hot import` load through HotStore.bulkLoad: into a store
// already holding half the keys the result equals, byte for byte in every column family, what
// the putMany path writes; several spaces in one input each get their load; a bad record
// stops the load after loading the records before it, as in the putMany path.
import { HotStore } from '../lib';
import { cli, ndjson, writeTemp } from './helpers/cli';
import { ensureDist } from './helpers/dist';
import { dump } from './helpers/raw';
import { tempPath } from './helpers/tmp';

beforeAll(() => ensureDist());

const rows = Array.from({ length: 3000 }, (_, i) => ({
  entityId: i % 37, spaceId: i % 3 === 0 ? 1 : 0, timestamp: Math.floor(i / 5), vector: [i % 7, 1, 2],
}));

test('ingest --bulk equals ingest into a store already holding half the keys; import uses bulkLoad', async () => {
  const half = writeTemp('half.ndjson', ndjson(rows.filter((_, i) => i % 2 === 0).map((r) => ({ ...r, vector: [9, 9, 9] }))));
  const all = writeTemp('all.ndjson', ndjson(rows));
  const a = tempPath('cli-bulk');
  const b = tempPath('cli-batches');
  for (const db of [a, b]) expect((await cli(['ingest', db, half])).code).toBe(0);
  const bulk = await cli(['ingest', a, all, '--bulk']);
  expect(bulk.stdout).toContain('ingest: 3000 points written (bulk load)');
  expect((await cli(['ingest', b, all])).code).toBe(0);
  const sa = HotStore.openSync(a, { readOnly: true });
  const sb = HotStore.openSync(b, { readOnly: true });
  expect(dump(sa)).toEqual(dump(sb));
  expect(sa.verifySync().ok).toBe(true);
  sa.closeSync();
  sb.closeSync();

  const exported = tempPath('cli-export') + '.cbor';
  expect((await cli(['export', a, exported])).code).toBe(0);
  const c = tempPath('cli-import');
  const imported = await cli(['import', c, exported]);
  expect(imported.stdout).toMatch(/import: \d+ points written \(bulk load\)/);
  const sc = HotStore.openSync(c, { readOnly: true });
  const sa2 = HotStore.openSync(a, { readOnly: true });
  expect(dump(sc).vectors).toEqual(dump(sa2).vectors);
  expect(dump(sc).timelines).toEqual(dump(sa2).timelines);
  sc.closeSync();
  sa2.closeSync();
}, 120_000);

test('a bad record stops a bulk ingest after loading the records before it', async () => {
  const bad = writeTemp('bad.ndjson', ndjson(rows.slice(0, 10)) + '{"entityId": -1}\n' + ndjson(rows.slice(10, 20)));
  const db = tempPath('cli-bulk-bad');
  const r = await cli(['ingest', db, bad, '--bulk']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/line 11: .*stopped after writing 10 points/);
  const s = HotStore.openSync(db, { readOnly: true });
  expect(s.verifySync().vectorsScanned).toBe(10);
  s.closeSync();
}, 60_000);
