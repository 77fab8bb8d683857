// What `cvx-hot ingest` / `import` accept and refuse, record by record: a UTF-8 byte-order
// mark, pipes, FIFOs and /dev/stdin as input paths, vectors over the maximum dimension,
// CBOR float vectors whose byte length is no whole number of floats; and a failed load into
// a new directory leaving nothing behind.
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { bash, cli, ndjson, writeTemp } from './helpers/cli';
import { ensureDist } from './helpers/dist';
import { tempPath } from './helpers/tmp';

beforeAll(() => ensureDist());

const ROWS = [
  { entityId: 1, timestamp: 1, vector: [1, 2] },
  { entityId: 1, timestamp: 2, vector: [3, 4] },
  { entityId: 2, timestamp: 1, vector: [5, 6] },
];

const spaces = (dir: string) => {
  const s = HotStore.openSync(dir, { readOnly: true });
  const r = s.spacesSync();
  s.closeSync();
  return r;
};

test('an NDJSON file that starts with a UTF-8 byte-order mark is read as NDJSON', async () => {
  const file = writeTemp('bom.ndjson', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ndjson(ROWS))]));
  const db = tempPath('bom');
  expect(await cli(['ingest', db, file, '-q'])).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(spaces(db)).toEqual([{ spaceId: 0, dim: 2, entities: 2, points: 3 }]);
  const piped = tempPath('bom-pipe');
  expect((await cli(['ingest', piped, '-', '-q', '--format', 'ndjson'], fs.readFileSync(file))).code).toBe(0);
  expect(spaces(piped)).toEqual([{ spaceId: 0, dim: 2, entities: 2, points: 3 }]);
});

test('pipes, FIFOs and /dev/stdin are accepted as input paths', async () => {
  const file = writeTemp('rows.ndjson', ndjson(ROWS));
  const dir = path.dirname(file);
  const q = JSON.stringify;
  const cases: Array<[string, string]> = [
    ['process substitution', `$CVX ingest ${q(path.join(dir, 'a'))} <(cat ${q(file)}) -q`],
    ['/dev/stdin on a pipe', `cat ${q(file)} | $CVX ingest ${q(path.join(dir, 'b'))} /dev/stdin -q`],
    ['a FIFO', `mkfifo ${q(path.join(dir, 'fifo'))} && { cat ${q(file)} > ${q(path.join(dir, 'fifo'))} & } && $CVX ingest ${q(path.join(dir, 'c'))} ${q(path.join(dir, 'fifo'))} -q`],
  ];
  for (const [what, script] of cases) {
    const r = bash(script);
    expect({ what, ...r }).toEqual({ what, code: 0, stdout: '', stderr: '' });
  }
  for (const db of ['a', 'b', 'c']) expect(spaces(path.join(dir, db))).toEqual([{ spaceId: 0, dim: 2, entities: 2, points: 3 }]);
  // /dev/stdin when stdin is a socket (as a parent process's pipe often is) is read as stdin.
  const sock = tempPath('dev-stdin');
  expect(await cli(['ingest', sock, '/dev/stdin', '-q'], ndjson(ROWS))).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(spaces(sock)[0].points).toBe(3);
  const notFile = await cli(['ingest', tempPath('dir-input'), dir]);
  expect(notFile.code).toBe(1);
  expect(notFile.stderr).toBe(`cvx-hot: input ${dir} is a directory\n`);
});

test('a record over the maximum dimension is refused on its own and never fixes the space dimension', async () => {
  const huge = { entityId: 9, timestamp: 9, vector: new Array(65537).fill(0.5) };
  const file = writeTemp('huge.ndjson', ndjson([huge, ...ROWS]));
  const skipDb = tempPath('huge-skip');
  const skip = await cli(['ingest', skipDb, file, '--on-error', 'skip']);
  expect(skip.code).toBe(0);
  expect(skip.stderr).toBe('line 1: vector has 65537 elements; the maximum dimension is 65536 (skipped)\n');
  expect(skip.stdout).toContain('3 points written, 1 bad record skipped');
  expect(spaces(skipDb)).toEqual([{ spaceId: 0, dim: 2, entities: 2, points: 3 }]);

  const stopDb = tempPath('huge-stop');
  const stop = await cli(['ingest', stopDb, file]);
  expect(stop.code).toBe(1);
  expect(stop.stderr).toMatch(/^cvx-hot: line 1: vector has 65537 elements; the maximum dimension is 65536; stopped after writing 0 points/);
  expect(fs.existsSync(stopDb)).toBe(false);
});

test('a CBOR float vector whose byte length is no multiple of 4 is refused per record, not read short', async () => {
  // {"entityId": e, "timestamp": 1, "vector": tag 85 (f32 little-endian) over n bytes}
  const item = (e: number, n: number) => Buffer.concat([
    Buffer.from([0xa3, 0x68]), Buffer.from('entityId'), Buffer.from([e]),
    Buffer.from([0x69]), Buffer.from('timestamp'), Buffer.from([0x01]),
    Buffer.from([0x66]), Buffer.from('vector'), Buffer.from([0xd8, 0x55, 0x40 + n]), Buffer.alloc(n, 0x3f),
  ]);
  const file = writeTemp('ragged.cbor', Buffer.concat([item(1, 13), item(2, 12)]));
  const skipDb = tempPath('ragged-skip');
  const skip = await cli(['import', skipDb, file, '--on-error', 'skip']);
  expect(skip.code).toBe(0);
  expect(skip.stderr).toBe('item 1: vector is 13 bytes, not a whole number of 4-byte floats (skipped)\n');
  expect(spaces(skipDb)).toEqual([{ spaceId: 0, dim: 3, entities: 1, points: 1 }]);
  const stop = await cli(['import', tempPath('ragged-stop'), file]);
  expect(stop.code).toBe(1);
  expect(stop.stderr).toMatch(/^cvx-hot: item 1: vector is 13 bytes, not a whole number of 4-byte floats; stopped after writing 0 points/);
});

test('a failed ingest into a new directory leaves no empty store behind; an existing store is kept', async () => {
  const bad = writeTemp('bad.ndjson', '{"entityId": 1, "timestamp": 1, "vector": []}\n');
  const root = path.dirname(tempPath('new-dir'));
  const nested = path.join(root, 'a', 'b', 'db');
  const r = await cli(['ingest', nested, bad]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('line 1: vector is empty; stopped after writing 0 points');
  expect(fs.existsSync(path.join(root, 'a'))).toBe(false);

  const existing = tempPath('existing-empty');
  HotStore.openSync(existing).closeSync();
  expect((await cli(['ingest', existing, bad])).code).toBe(1);
  expect(fs.existsSync(path.join(existing, 'CURRENT'))).toBe(true);
});
