// cvx-hot driven as a child process, as a user would: help on every command, exit codes
// (0 ok / 1 failure / 2 usage), a missing database, malformed input (stop and skip), a file
// piped on stdin, export → import round trip, checkpoint/compact, bench passthrough, demo.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { cli, ndjson, writeTemp } from './helpers/cli';
import { CLI, ensureDist } from './helpers/dist';
import { rawDelete, rawPut, tkey, vkey } from './helpers/raw';
import { tempPath } from './helpers/tmp';

beforeAll(() => ensureDist());

const COMMANDS = ['demo', 'ingest', 'import', 'export', 'get', 'range', 'asof', 'state', 'timeline', 'entities', 'spaces', 'stats', 'verify', 'repair', 'compact', 'checkpoint', 'bench'];

test('--help on the program and every command exits 0 with its usage on stdout', async () => {
  const top = await cli(['--help']);
  expect(top.code).toBe(0);
  for (const c of COMMANDS) expect(top.stdout).toContain(c);
  const runs = await Promise.all(COMMANDS.map((c) => cli([c, '--help'])));
  runs.forEach((r, i) => {
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: cvx-hot ${COMMANDS[i]}`);
  });
});

test('usage errors exit 2 with the problem on stderr and nothing on stdout', async () => {
  const cases: string[][] = [
    [], // no command: help on stderr
    ['nonsense'],
    ['get'], // missing arguments
    ['get', 'db', 'x', '1'], // entityId not an integer
    ['range', 'db', '1', '--limit', '0'],
    ['range', 'db', '1', '--format', 'xml'],
    ['spaces', 'db', '--bogus'],
    ['ingest', 'db', 'in', '--on-error', 'maybe'],
  ];
  for (const args of cases) {
    const r = await cli(args);
    expect({ args, code: r.code }).toEqual({ args, code: 2 });
    expect(r.stdout).toBe('');
    expect(r.stderr.length).toBeGreaterThan(0);
  }
  const r = await cli(['get', 'db', 'x', '1']);
  expect(r.stderr).toContain("argument 'entityId'");
});

test('a missing database fails with exit 1 and is not created', async () => {
  const db = tempPath('missing');
  for (const args of [['get', db, '1', '1'], ['range', db, '1'], ['stats', db], ['export', db, path.join(path.dirname(db), 'x.cbor')]]) {
    const r = await cli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no store at ${db}`);
  }
  expect(fs.existsSync(db)).toBe(false);
});

test('ingest a file, then read it back in every format', async () => {
  const db = tempPath('cli');
  const file = writeTemp('points.ndjson', ndjson([
    { entityId: 1, timestamp: 10, vector: [1, 2, 3] },
    { entityId: 1, timestamp: 20, vector: [1, 2, 4] },
    { entityId: 2, spaceId: 5, timestamp: -1, vector: [0.5] },
    { entityId: '18446744073709551615', timestamp: '-9223372036854775808', vector: [9, 9, 9] },
  ]));
  const ing = await cli(['ingest', db, file, '--batch', '2']);
  expect(ing).toMatchObject({ code: 0, stderr: '' });
  expect(ing.stdout).toMatch(/^ingest: 4 points written in .* points\/s\)\n$/);

  const json = await cli(['range', db, '1']);
  expect(json.code).toBe(0);
  expect(JSON.parse(json.stdout)).toEqual([
    { entityId: 1, spaceId: 0, timestamp: 10, vector: [1, 2, 3] },
    { entityId: 1, spaceId: 0, timestamp: 20, vector: [1, 2, 4] },
  ]);
  const rev = await cli(['range', db, '1', '--reverse', '--limit', '1', '--format', 'ndjson']);
  expect(rev.stdout).toBe('{"entityId":1,"spaceId":0,"timestamp":20,"vector":[1,2,4]}\n');
  const csv = await cli(['range', db, '1', '-f', 'csv', '--start', '15']);
  expect(csv.stdout).toBe('entityId,spaceId,timestamp,v0,v1,v2\n1,0,20,1,2,4\n');
  const big = await cli(['get', db, '18446744073709551615', '-9223372036854775808']);
  expect(JSON.parse(big.stdout)).toEqual({ entityId: '18446744073709551615', spaceId: 0, timestamp: '-9223372036854775808', vector: [9, 9, 9] });
  const none = await cli(['get', db, '1', '11']);
  expect(none.code).toBe(1);
  expect(none.stderr).toContain('no point for entity 1');
  const tl = await cli(['timeline', db, '2', '--space', '5']);
  expect(JSON.parse(tl.stdout)).toEqual({ entityId: 2, spaceId: 5, firstSeen: -1, lastSeen: -1, pointCount: 1, keyframeInterval: 10 });
  const ents = await cli(['entities', db, '--format', 'ndjson', '--space', '0']);
  expect(ents.stdout.trim().split('\n').map((l) => JSON.parse(l).entityId)).toEqual([1, '18446744073709551615']);
  const spaces = await cli(['spaces', db, '--json']);
  expect(JSON.parse(spaces.stdout)).toEqual([{ spaceId: 0, dim: 3, entities: 2, points: 3 }, { spaceId: 5, dim: 1, entities: 1, points: 1 }]);
  const table = await cli(['spaces', db]);
  expect(table.stdout.split('\n')[0]).toMatch(/^space\s+dim\s+entities\s+points$/);
  const stats = await cli(['stats', db]);
  expect(stats.code).toBe(0);
  expect(stats.stdout).toMatch(/vectors .* none/);
  expect(stats.stdout).toMatch(/timelines .* lz4/);
  const statsJson = JSON.parse((await cli(['stats', db, '--json'])).stdout);
  expect(statsJson.columnFamilies.vectors.compression).toBe('none');
  expect(statsJson.bloom).toHaveProperty('prefixUseful');
});

test('malformed input: stop reports the line and keeps the lines before it; skip keeps the rest', async () => {
  const lines = [
    JSON.stringify({ entityId: 1, timestamp: 1, vector: [1, 1] }),
    JSON.stringify({ entityId: 1, timestamp: 2, vector: [1, 1] }),
    '{"entityId": 1, "timestamp": 3, "vector": [1, 1]', // truncated JSON
    JSON.stringify({ entityId: 1, timestamp: 4, vector: [1, NaN] }), // becomes null
    JSON.stringify({ entityId: -5, timestamp: 5, vector: [1, 1] }),
    JSON.stringify({ entityId: 1, timestamp: 6, vector: [1, 1, 1] }), // wrong dimension
    JSON.stringify({ entityId: 1, timestamp: 7, vector: [7, 7] }),
  ];
  const file = writeTemp('bad.ndjson', lines.join('\n') + '\n');
  const stopDb = tempPath('stop');
  const stop = await cli(['ingest', stopDb, file]);
  expect(stop.code).toBe(1);
  expect(stop.stderr).toMatch(/^cvx-hot: line 3: invalid JSON .*stopped after writing 2 points/);
  const s1 = HotStore.openSync(stopDb, { readOnly: true });
  expect(s1.rangeSync(1, 0, 0, 100).map((p) => p.timestamp)).toEqual([1, 2]);
  s1.closeSync();

  const skipDb = tempPath('skip');
  const skip = await cli(['ingest', skipDb, file, '--on-error', 'skip']);
  expect(skip.code).toBe(0);
  const reported = skip.stderr.trim().split('\n');
  expect(reported.map((l) => l.split(':')[0])).toEqual(['line 3', 'line 4', 'line 5', 'line 6']);
  expect(reported[1]).toContain('vector[1] is not a finite number');
  expect(reported[2]).toContain('entityId -5 is out of range');
  expect(reported[3]).toContain('dimension 3 but space 0 holds dimension 2');
  expect(skip.stdout).toContain('3 points written, 4 bad records skipped');
  const s2 = HotStore.openSync(skipDb, { readOnly: true });
  expect(s2.rangeSync(1, 0, 0, 100).map((p) => p.timestamp)).toEqual([1, 2, 7]);
  s2.closeSync();
});

test('a missing input file fails before a store is created', async () => {
  const db = tempPath('noinput');
  const r = await cli(['ingest', db, path.join(path.dirname(db), 'nope.ndjson')]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('does not exist');
  expect(fs.existsSync(db)).toBe(false);
});

test('a file piped on stdin (-)', async () => {
  const db = tempPath('stdin');
  const rows = Array.from({ length: 2500 }, (_, i) => ({ entityId: i % 10, timestamp: i, vector: [i, -i, 0.5] }));
  const r = await cli(['ingest', db, '-', '--quiet'], ndjson(rows));
  expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  const s = HotStore.openSync(db, { readOnly: true });
  expect(s.spacesSync()).toEqual([{ spaceId: 0, dim: 3, entities: 10, points: 2500 }]);
  expect(Array.from(s.getSync(3, 0, 2493)!.vector)).toEqual([2493, -2493, 0.5]);
  s.closeSync();
});

test('export → import round trip (file and pipe) reproduces every point and timeline exactly', async () => {
  const src = tempPath('export');
  const s = HotStore.openSync(src, { bigint: true });
  const BIG = (1n << 64n) - 1n;
  const MIN = -(1n << 63n);
  for (let e = 0n; e < 30n; e++) {
    s.putManySync(0, Array.from({ length: 7 }, (_, i) => ({ entityId: e, timestamp: BigInt(i * 1000 - 3000), vector: [Number(e), i, Math.PI, -0.1] })));
  }
  s.putManySync(3, [{ entityId: BIG, timestamp: MIN, vector: [1.5] }, { entityId: BIG, timestamp: MIN + 1n, vector: [2.5] }]);
  s.closeSync();

  const file = path.join(path.dirname(src), 'dump.cbor');
  const exp = await cli(['export', src, file]);
  expect(exp.code).toBe(0);
  expect(exp.stderr).toBe('export: 212 points\n');
  const viaFile = tempPath('import-file');
  expect((await cli(['import', viaFile, file])).stdout).toContain('import: 212 points written');

  const piped = await cli(['export', src, '-', '--quiet']);
  const raw = spawnSync(process.execPath, [CLI, 'export', src], { encoding: 'buffer' }).stdout;
  expect(Buffer.compare(raw, fs.readFileSync(file))).toBe(0);
  expect(piped.code).toBe(0);
  const viaPipe = tempPath('import-pipe');
  expect((await cli(['import', viaPipe, '-'], raw)).code).toBe(0);

  const dump = (dir: string) => {
    const st = HotStore.openSync(dir, { readOnly: true, bigint: true });
    const out = [...st.entitiesSync()].map((tl) => ({ tl, pts: st.rangeSync(tl.entityId, tl.spaceId, MIN, (1n << 63n) - 1n).map((p) => ({ ...p, vector: Array.from(p.vector) })) }));
    const spaces = st.spacesSync();
    st.closeSync();
    return { out, spaces };
  };
  const original = dump(src);
  expect(original.spaces).toEqual([{ spaceId: 0, dim: 4, entities: 30, points: 210 }, { spaceId: 3, dim: 1, entities: 1, points: 2 }]);
  expect(dump(viaFile)).toEqual(original);
  expect(dump(viaPipe)).toEqual(original);

  const space3 = spawnSync(process.execPath, [CLI, 'export', src, '--space', '3']).stdout;
  const partial = tempPath('import-space');
  expect((await cli(['import', partial, '-'], space3)).code).toBe(0);
  expect(dump(partial).spaces).toEqual([{ spaceId: 3, dim: 1, entities: 1, points: 2 }]);
});

test('a corrupt CBOR input stops with its item number', async () => {
  // Item 1 is well-formed but no point ({"a": 1}); item 2 is a stray break byte.
  const file = writeTemp('bad.cbor', Buffer.from([0xa1, 0x61, 0x61, 0x01, 0xff, 0xff, 0x1c]));
  const r = await cli(['import', tempPath('badcbor'), file]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^cvx-hot: item 1: entityId must be an integer, got nothing; stopped after writing 0 points/);
  const skip = await cli(['import', tempPath('badcbor-skip'), file, '--on-error', 'skip']);
  expect(skip.code).toBe(1);
  expect(skip.stderr).toBe('item 1: entityId must be an integer, got nothing (skipped)\ncvx-hot: item 2: invalid CBOR (a break outside an indefinite-length item); stopped after writing 0 points\n');
});

test('checkpoint and compact', async () => {
  const db = tempPath('cp');
  await cli(['ingest', db, '-', '-q'], ndjson([{ entityId: 1, timestamp: 1, vector: [1] }]));
  const target = path.join(path.dirname(db), 'copy');
  const cp = await cli(['checkpoint', db, target]);
  expect(cp.code).toBe(0);
  const again = await cli(['checkpoint', db, target]);
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('already exists');
  expect((await cli(['compact', target])).code).toBe(0);
  expect(JSON.parse((await cli(['timeline', target, '1'])).stdout).pointCount).toBe(1);
});

test('bench passes its arguments through and its exit code back', async () => {
  const fake = writeTemp('fake-bench.js', "console.log(JSON.stringify(process.argv.slice(2))); process.exit(process.argv.includes('--fail') ? 3 : 0);");
  const ok = await cli(['bench', '--', '--entities', '10', '--dim', '4'], undefined, { CVX_BENCH_SCRIPT: fake });
  expect(ok.code).toBe(0);
  expect(JSON.parse(ok.stdout)).toEqual(['--entities', '10', '--dim', '4']);
  const failed = await cli(['bench', '--', '--fail'], undefined, { CVX_BENCH_SCRIPT: fake });
  expect(failed.code).toBe(1);
  const missing = await cli(['bench'], undefined, { CVX_BENCH_SCRIPT: path.join(path.dirname(fake), 'none.js') });
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('not found');
});

test('demo runs end to end on a small store', async () => {
  const dir = tempPath('demo');
  const r = await cli(['demo', '--dir', dir, '--entities', '5', '--points', '4', '--dim', '8']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('verified: all 20 points');
});

test('iterator and store handles survive GC in any order and env teardown (node --expose-gc)', () => {
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'fixtures', 'gc_iterators.js'), tempPath('gc')], { encoding: 'utf8' });
  expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
  expect(r.stdout).toBe('ok\n');
});

test('vectors print as the shortest decimal that reads back as the same f32', async () => {
  const db = tempPath('f32');
  const values = [0.1, 1 / 3, 1e-30, -2.5, 16777217];
  await cli(['ingest', db, '-', '-q'], ndjson([{ entityId: 1, timestamp: 0, vector: values }]));
  const [p] = JSON.parse((await cli(['range', db, '1'])).stdout);
  expect(p.vector).toEqual([0.1, 0.33333334, 1e-30, -2.5, 16777216]);
  expect(p.vector.map(Math.fround)).toEqual(values.map(Math.fround));
});

test('verify finds damage (exit 1), repair fixes it, verify is clean again', async () => {
  const db = tempPath('verify');
  const s = HotStore.openSync(db);
  s.putManySync(0, [1, 2, 3].map((t) => ({ entityId: 4, timestamp: t, vector: [t] })));
  s.putSync(0, { entityId: 5, timestamp: 1, vector: [1] });
  rawDelete(s, 'vectors', vkey(4, 0, 3)); // the timeline of 4 now overstates
  rawDelete(s, 'timelines', tkey(5, 0)); // 5 has a vector but no timeline
  rawPut(s, 'vectors', Buffer.from('short'), Buffer.from([1, 2, 3, 4]));
  s.closeSync();

  const bad = await cli(['verify', db]);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toMatch(/3 issues/);
  expect(bad.stdout).toContain('timeline-mismatch (timelines) entity 4 space 0');
  expect(bad.stdout).toContain('timeline-missing');
  expect(bad.stdout).toContain(`key-undecodable (vectors) ${Buffer.from('short').toString('hex')}`);
  const json = JSON.parse((await cli(['verify', db, '--json'])).stdout);
  expect(json).toMatchObject({ ok: false, issueCount: 3 });
  expect(json.issues.map((i: { key: string }) => typeof i.key)).toEqual(['string', 'string', 'string']);

  const fixed = await cli(['repair', db, '--drop-undecodable']);
  expect(fixed.code).toBe(0);
  expect(fixed.stdout).toContain('repaired: 2 timelines written, 0 deleted, 1 vectors deleted');
  const clean = await cli(['verify', db]);
  expect(clean.code).toBe(0);
  expect(clean.stdout).toContain('no issues');
  expect(JSON.parse((await cli(['timeline', db, '4'])).stdout).pointCount).toBe(2);
});
