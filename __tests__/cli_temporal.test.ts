// `cvx-hot asof` and `cvx-hot state` driven as child processes: asof's point, tolerance and
// exit 1 when there is none; state in every format, at a past moment and at the latest, over
// the whole i64/u64 domain, on an empty space; its export format imported into a new store
// gives the same state; its progress bar on a terminal (a real pty through script(1)); a
// closed pipe; usage errors exit 2.
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { bash, cli } from './helpers/cli';
import { CLI, ensureDist } from './helpers/dist';
import { tempPath } from './helpers/tmp';

const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const U64_MAX = (1n << 64n) - 1n;

beforeAll(() => ensureDist());

/**
 * Space 0: entity e (0..4) with points at e*10 + {0, 100}; entity U64_MAX at I64_MIN and
 * I64_MIN+1; entity 2^53+1 at I64_MAX. Space 1: other entities, another dimension.
 */
function makeStore(): string {
  const db = tempPath('temporal');
  const s = HotStore.openSync(db, { bigint: true });
  for (let e = 0n; e < 5n; e++) {
    s.putManySync(0, [0n, 100n].map((d) => ({ entityId: e, timestamp: e * 10n + d, vector: [Number(e), Number(d), 0.1] })));
  }
  s.putManySync(0, [
    { entityId: U64_MAX, timestamp: I64_MIN, vector: [1, 1, 1] }, { entityId: U64_MAX, timestamp: I64_MIN + 1n, vector: [2, 2, 2] },
    { entityId: 2n ** 53n + 1n, timestamp: I64_MAX, vector: [3, 3, 3] },
  ]);
  s.putManySync(1, [{ entityId: 2, timestamp: 5, vector: [9] }, { entityId: 77, timestamp: -3, vector: [8] }]);
  s.closeSync();
  return db;
}
const BIG = '9007199254740993'; // 2^53 + 1
const ndjsonRows = (out: string) => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

let db: string;
beforeAll(() => { db = makeStore(); });

describe('asof', () => {
  test('prints the point with the greatest timestamp <= t as JSON', async () => {
    const r = await cli(['asof', db, '3', '129']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({ entityId: 3, spaceId: 0, timestamp: 30, vector: [3, 0, 0.1] });
    expect(JSON.parse((await cli(['asof', db, '3', '130'])).stdout).timestamp).toBe(130);
    expect(JSON.parse((await cli(['asof', db, '2', '1000', '--space', '1'])).stdout)).toEqual({ entityId: 2, spaceId: 1, timestamp: 5, vector: [9] });
  });

  test('ids and timestamps beyond 2^53 and negative moments are exact', async () => {
    expect(JSON.parse((await cli(['asof', db, U64_MAX.toString(), (I64_MIN + 5n).toString()])).stdout))
      .toEqual({ entityId: U64_MAX.toString(), spaceId: 0, timestamp: (I64_MIN + 1n).toString(), vector: [2, 2, 2] });
    expect(JSON.parse((await cli(['asof', db, BIG, I64_MAX.toString()])).stdout).timestamp).toBe(I64_MAX.toString());
    expect(JSON.parse((await cli(['asof', db, '77', '-3', '-s', '1'])).stdout).timestamp).toBe(-3);
  });

  test('--tolerance keeps only a point with timestamp >= t - tolerance', async () => {
    expect(JSON.parse((await cli(['asof', db, '3', '129', '--tolerance', '99'])).stdout).timestamp).toBe(30);
    const out = await cli(['asof', db, '3', '129', '--tolerance', '98']);
    expect(out).toEqual({ code: 1, stdout: '', stderr: 'cvx-hot: no point for entity 3 in space 0 at or before 129 within 98\n' });
    // At the bottom of the domain the window saturates instead of failing.
    expect(JSON.parse((await cli(['asof', db, U64_MAX.toString(), I64_MIN.toString(), '--tolerance', I64_MAX.toString()])).stdout).vector).toEqual([1, 1, 1]);
  });

  test('exits 1 with a message when there is none, as get does for a missing point', async () => {
    const before = await cli(['asof', db, '3', '29']);
    expect(before).toEqual({ code: 1, stdout: '', stderr: 'cvx-hot: no point for entity 3 in space 0 at or before 29\n' });
    const unknown = await cli(['asof', db, '12345', '1000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no point for entity 12345 in space 0');
    const get = await cli(['get', db, '3', '29']);
    expect(get.code).toBe(before.code);
    expect(get.stderr).toMatch(/^cvx-hot: no point for entity 3 in space 0/);
  });
});

describe('state', () => {
  const latest = [
    { entityId: 0, spaceId: 0, timestamp: 100, vector: [0, 100, 0.1] },
    { entityId: 1, spaceId: 0, timestamp: 110, vector: [1, 100, 0.1] },
    { entityId: 2, spaceId: 0, timestamp: 120, vector: [2, 100, 0.1] },
    { entityId: 3, spaceId: 0, timestamp: 130, vector: [3, 100, 0.1] },
    { entityId: 4, spaceId: 0, timestamp: 140, vector: [4, 100, 0.1] },
    { entityId: BIG, spaceId: 0, timestamp: I64_MAX.toString(), vector: [3, 3, 3] },
    { entityId: U64_MAX.toString(), spaceId: 0, timestamp: (I64_MIN + 1n).toString(), vector: [2, 2, 2] },
  ];

  test('without --at: each entity of the space at its latest point, in entity order, as NDJSON', async () => {
    const r = await cli(['state', db]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(ndjsonRows(r.stdout)).toEqual(latest);
    expect(ndjsonRows((await cli(['state', db, '--space', '1'])).stdout)).toEqual([
      { entityId: 2, spaceId: 1, timestamp: 5, vector: [9] }, { entityId: 77, spaceId: 1, timestamp: -3, vector: [8] },
    ]);
  });

  test('--at in the past: the points at or before it; entities whose first point is later are absent', async () => {
    const r = await cli(['state', db, '--at', '115']);
    expect(ndjsonRows(r.stdout)).toEqual([
      latest[0], latest[1],
      { entityId: 2, spaceId: 0, timestamp: 20, vector: [2, 0, 0.1] },
      { entityId: 3, spaceId: 0, timestamp: 30, vector: [3, 0, 0.1] },
      { entityId: 4, spaceId: 0, timestamp: 40, vector: [4, 0, 0.1] },
      latest[6],
    ]);
    expect(ndjsonRows((await cli(['state', db, '--at', '15'])).stdout).map((p) => p.entityId)).toEqual([0, 1, U64_MAX.toString()]);
    const bottom = await cli(['state', db, '--at', I64_MIN.toString()]);
    expect(ndjsonRows(bottom.stdout)).toEqual([{ ...latest[6], timestamp: I64_MIN.toString(), vector: [1, 1, 1] }]);
    expect(ndjsonRows((await cli(['state', db, '--at', I64_MAX.toString()])).stdout)).toEqual(latest);
  });

  test('csv and json', async () => {
    const csv = await cli(['state', db, '--at', '15', '-f', 'csv']);
    expect(csv).toMatchObject({ code: 0, stderr: '' });
    expect(csv.stdout).toBe(`entityId,spaceId,timestamp,v0,v1,v2\n0,0,0,0,0,0.1\n1,0,10,1,0,0.1\n${U64_MAX},0,${I64_MIN + 1n},2,2,2\n`);
    const json = await cli(['state', db, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(latest);
  });

  test('an empty space: nothing in ndjson and csv, [] in json, an empty export that imports', async () => {
    for (const [args, out] of [[[], ''], [['-f', 'csv'], ''], [['-f', 'json'], '[]\n']] as Array<[string[], string]>) {
      expect(await cli(['state', db, '--space', '9', ...args])).toEqual({ code: 0, stdout: out, stderr: '' });
    }
    expect((await cli(['state', db, '--at', '-1', '-f', 'json'])).stdout).toBe(`[\n${JSON.stringify(latest[6])}\n]\n`);
    const exp = bash(`$CVX state ${db} --space 9 -f export > ${db}-empty.cbor`);
    expect(exp).toEqual({ code: 0, stdout: '', stderr: '' });
    const imp = await cli(['import', tempPath('empty-import'), `${db}-empty.cbor`]);
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain('import: 0 points written');
  });

  test('the export format imports into a new store as the same points, at the latest and at a past moment', async () => {
    for (const at of [[], ['--at', '115'], ['--at', '-1']]) {
      const target = tempPath('state-import');
      const r = bash(`set -o pipefail; $CVX state ${db} ${at.join(' ')} -f export | $CVX import ${target} - -q`);
      expect({ at, r }).toEqual({ at, r: { code: 0, stdout: '', stderr: '' } });
      const imported = await cli(['state', target]);
      expect({ at, rows: ndjsonRows(imported.stdout) }).toEqual({ at, rows: ndjsonRows((await cli(['state', db, ...at])).stdout) });
      const n = ndjsonRows(imported.stdout).length;
      const s = HotStore.openSync(target, { readOnly: true });
      expect(s.spacesSync()).toEqual([{ spaceId: 0, dim: 3, entities: n, points: n }]); // one point per entity, of that space only
      s.closeSync();
    }
    // Another space keeps its id in the export.
    const t1 = tempPath('state-import-1');
    expect(bash(`set -o pipefail; $CVX state ${db} -s 1 -f export | $CVX import ${t1} - -q`).code).toBe(0);
    expect(ndjsonRows((await cli(['state', t1, '-s', '1'])).stdout)).toEqual(ndjsonRows((await cli(['state', db, '-s', '1'])).stdout));
  });

  test('a progress bar on stderr when it is a terminal (a pty), none with --no-progress or when piped', () => {
    const out = `${db}-state.ndjson`;
    const tty = bash(`script -qec '$CVX state ${db} > ${out}' /dev/null`);
    expect(tty.code).toBe(0);
    expect(tty.stdout).toMatch(/state \[=+\] 100% \| 7 points/);
    expect(ndjsonRows(fs.readFileSync(out, 'utf8'))).toEqual(latest); // the bar never goes to the data
    const quiet = bash(`script -qec '$CVX state ${db} --no-progress > ${out}' /dev/null`);
    expect(quiet).toMatchObject({ code: 0, stdout: '' });
    expect(bash(`$CVX state ${db} > ${out}`)).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('--format export refuses a terminal (exit 2); a closed pipe fails it (exit 1) but ends ndjson quietly', () => {
    const term = bash(`script -qec '$CVX state ${db} -f export' /dev/null; echo "exit $?"`);
    expect(term.stdout).toContain('refusing to write binary CBOR to a terminal');
    expect(term.stdout).toMatch(/exit 2\s*$/);
    const big = tempPath('state-pipe');
    const s = HotStore.openSync(big);
    s.putManySync(0, { entityIds: Float64Array.from({ length: 3000 }, (_, i) => i), timestamps: new Float64Array(3000), vectors: new Float32Array(3000 * 64).fill(0.5), dim: 64 });
    s.closeSync();
    const cut = bash(`$CVX state ${big} -f export | head -c 1000 > /dev/null; echo "\${PIPESTATUS[0]}"`);
    expect(cut.stdout).toBe('1\n');
    expect(cut.stderr).toMatch(/^cvx-hot: export: the reader closed the pipe \(EPIPE\) after \d+ points; the export is incomplete\n$/);
    const head = bash(`$CVX state ${big} | head -n 1; echo "\${PIPESTATUS[0]}"`);
    expect(head.stdout).toBe('{"entityId":0,"spaceId":0,"timestamp":0,"vector":[' + Array(64).fill(0.5).join(',') + ']}\n0\n');
  });
});

test('usage errors exit 2, a missing store exits 1 and is not created', async () => {
  const cases: string[][] = [
    ['asof', db, '1'], ['asof', db, 'x', '1'], ['asof', db, '1', '1.5'], ['asof', db, '1', (I64_MAX + 1n).toString()],
    ['asof', db, '-1', '5'], ['asof', db, '1', '5', '--tolerance', '-1'], ['asof', db, '1', '5', '--tolerance', (I64_MAX + 1n).toString()],
    ['asof', db, '1', '5', '--space', '-1'], ['state'], ['state', db, '--at', 'now'], ['state', db, '--at', (I64_MIN - 1n).toString()],
    ['state', db, '--space', 'x'], ['state', db, '--format', 'xml'], ['state', db, 'extra'],
  ];
  for (const args of cases) {
    const r = await cli(args);
    expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
    expect(r.stderr.length).toBeGreaterThan(0);
  }
  const missing = tempPath('missing');
  for (const args of [['asof', missing, '1', '1'], ['state', missing]]) {
    const r = await cli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no store at ${missing}`);
  }
  expect(fs.existsSync(missing)).toBe(false);
  expect(path.isAbsolute(CLI)).toBe(true);
});
