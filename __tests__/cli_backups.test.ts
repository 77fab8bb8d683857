// Backups that can't lie: `cvx-hot export` writes a header, the points and a trailer with
// their count and SHA-256 (docs/format.md, "Exports"), and `cvx-hot import` checks all of it
// before writing anything. Cut and damaged files are real files cut and flipped here; the
// closed pipe is a real `| head -c`, the full disk a real 64 KiB tmpfs (the tests run as root).
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Encoder } from 'cbor-x';
import { HotStore } from '../lib';
import { bash, cli, writeTemp } from './helpers/cli';
import { ensureDist } from './helpers/dist';
import { tempPath } from './helpers/tmp';
import { mountTmpfs } from './helpers/tmpfs';

const POINTS = 3000;
const DIM = 16;
// The documented layout: header 29 bytes, trailer 80 bytes.
const HEADER_HEX = 'a2' + '63637678' + '6e6376782d686f742d6578706f7274' + '6776657273696f6e' + '02';
const TRAILER_PREFIX_HEX = 'a3' + '63637678' + '726376782d686f742d6578706f72742d656e64' + '65636f756e74' + '1b';
const HEADER_LEN = 29;
const TRAILER_LEN = 80;

let src: string;
let file: string;
let bytes: Buffer;
let itemSize: number;

beforeAll(async () => {
  ensureDist();
  src = tempPath('backup-src');
  const s = HotStore.openSync(src);
  // Same-sized items: entity ids 100..199 and timestamps 1000..1029 have one CBOR length each.
  for (let e = 0; e < 100; e++) {
    s.putManySync(0, Array.from({ length: 30 }, (_, i) => ({ entityId: 100 + e, timestamp: 1000 + i, vector: Array.from({ length: DIM }, (_, k) => e + i / 7 + k) })));
  }
  s.closeSync();
  file = path.join(path.dirname(src), 'all.cbor');
  const r = await cli(['export', src, file]);
  expect(r).toEqual({ code: 0, stdout: '', stderr: `export: ${POINTS} points\n` });
  bytes = fs.readFileSync(file);
  itemSize = (bytes.length - HEADER_LEN - TRAILER_LEN) / POINTS;
  expect(Number.isInteger(itemSize)).toBe(true);
});

/** The export's first `header + points` items, with no trailer. */
const cutAfter = (points: number) => bytes.subarray(0, HEADER_LEN + points * itemSize);
const points = (dir: string) => {
  const s = HotStore.openSync(dir, { readOnly: true });
  const n = s.spacesSync().reduce((a, sp) => a + sp.points, 0);
  s.closeSync();
  return n;
};

test('an export is the documented format: header, points, trailer with count and SHA-256 of every byte before it', () => {
  expect(bytes.subarray(0, HEADER_LEN).toString('hex')).toBe(HEADER_HEX);
  const trailer = bytes.subarray(bytes.length - TRAILER_LEN);
  expect(trailer.subarray(0, 31).toString('hex')).toBe(TRAILER_PREFIX_HEX);
  expect(trailer.readBigUInt64BE(31)).toBe(BigInt(POINTS));
  expect(trailer.subarray(39, 48).toString('hex')).toBe('66' + Buffer.from('sha256').toString('hex') + '5820');
  const digest = createHash('sha256').update(bytes.subarray(0, bytes.length - TRAILER_LEN)).digest();
  expect(trailer.subarray(48).equals(digest)).toBe(true);
});

test('an export cut at an item boundary is refused with exit 1, saying what was found, and nothing is written', async () => {
  const cut = writeTemp('cut.cbor', cutAfter(2998));
  const fresh = tempPath('cut-fresh');
  const r = await cli(['import', fresh, cut]);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`cvx-hot: ${cut}: truncated: 2998 points and no trailer; nothing was written (--partial imports the whole points before the damage, unverified)\n`);
  expect(fs.existsSync(fresh)).toBe(false);

  // The same on stdin (checked from a temporary copy), and into a store that already holds data.
  const existing = tempPath('cut-existing');
  const s = HotStore.openSync(existing);
  s.putSync(7, { entityId: 1, timestamp: 1, vector: [1, 2] });
  s.closeSync();
  const piped = await cli(['import', existing, '-'], cutAfter(2998));
  expect(piped.code).toBe(1);
  expect(piped.stderr).toContain('cvx-hot: stdin: truncated: 2998 points and no trailer; nothing was written');
  const after = HotStore.openSync(existing, { readOnly: true });
  expect(after.spacesSync()).toEqual([{ spaceId: 7, dim: 2, entities: 1, points: 1 }]);
  after.closeSync();
});

test('a cut inside an item or just before the trailer is refused', async () => {
  const noTrailer = await cli(['import', tempPath('no-trailer'), '-'], bytes.subarray(0, bytes.length - TRAILER_LEN));
  expect(noTrailer.code).toBe(1);
  expect(noTrailer.stderr).toContain(`truncated: ${POINTS} points and no trailer; nothing was written`);
  const midItem = await cli(['import', tempPath('mid-item'), '-'], bytes.subarray(0, HEADER_LEN + 1500 * itemSize + 17));
  expect(midItem.code).toBe(1);
  expect(midItem.stderr).toContain('truncated: 1500 points, then a cut item, and no trailer; nothing was written');
  const midTrailer = await cli(['import', tempPath('mid-trailer'), '-'], bytes.subarray(0, bytes.length - 1));
  expect(midTrailer.code).toBe(1);
  expect(midTrailer.stderr).toContain(`truncated: ${POINTS} points, then a cut item, and no trailer`);
});

test('a flipped byte anywhere is refused with exit 1 and nothing is written', async () => {
  const flip = (at: number) => {
    const b = Buffer.from(bytes);
    b[at] ^= 0x01;
    return b;
  };
  const cases: Array<[string, number, string]> = [
    ['in a vector', HEADER_LEN + 1500 * itemSize - 1, `corrupt: checksum mismatch (the SHA-256 of the ${POINTS} points read differs from the trailer's)`],
    ['in the count', bytes.length - TRAILER_LEN + 38, `corrupt: the trailer counts ${POINTS + 1} points but the file holds ${POINTS}`],
    ['in the digest', bytes.length - 1, 'corrupt: checksum mismatch'],
  ];
  for (const [where, at, message] of cases) {
    const db = tempPath('flip');
    const r = await cli(['import', db, writeTemp('flipped.cbor', flip(at)), '--partial']);
    expect({ where, code: r.code }).toEqual({ where, code: 1 });
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('nothing was written');
    expect(fs.existsSync(db)).toBe(false);
  }
  // A damaged header no longer announces a checked export: its version is refused as such.
  const db = tempPath('flip-header');
  const header = await cli(['import', db, '-'], flip(HEADER_LEN - 1));
  expect(header.code).toBe(1);
  expect(header.stderr).toContain('item 1: export format version 3 is not supported');
  expect(fs.existsSync(db)).toBe(false);

  // A broken item head: the points before it are whole, the rest cannot be framed.
  const broken = Buffer.from(bytes);
  broken[HEADER_LEN + 10 * itemSize] = 0xff;
  const r = await cli(['import', tempPath('broken'), '-'], broken);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('corrupt: item 12: invalid CBOR (a break outside an indefinite-length item), after 10 points and with no trailer; nothing was written');
});

test('--partial imports the whole points of a cut export, with a warning', async () => {
  const db = tempPath('partial');
  const r = await cli(['import', db, '-', '--partial'], cutAfter(2998));
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('cvx-hot: warning: truncated: 2998 points and no trailer; importing the 2998 whole points before it, which cannot be verified (--partial)\n');
  expect(r.stdout).toContain('import: 2998 points written');
  expect(points(db)).toBe(2998);
});

test('a whole export imports every point, from a file and from a pipe; data after the trailer is refused', async () => {
  const viaFile = tempPath('whole-file');
  expect(await cli(['import', viaFile, file, '-q'])).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(points(viaFile)).toBe(POINTS);
  const viaPipe = tempPath('whole-pipe');
  expect((await cli(['import', viaPipe, '-', '-q'], bytes)).code).toBe(0);
  expect(points(viaPipe)).toBe(POINTS);

  const twice = tempPath('twice');
  const r = await cli(['import', twice, '-'], Buffer.concat([bytes, bytes]));
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`corrupt: item ${POINTS + 3} follows the trailer; nothing was written`);
  expect(fs.existsSync(twice)).toBe(false);
});

test('an export in the version 1 format (no count, no checksum) still imports, with a warning', async () => {
  const v1Header = new Encoder({ useRecords: false } as never).encode({ cvx: 'cvx-hot-export', version: 1 });
  const v1 = writeTemp('v1.cbor', Buffer.concat([v1Header, bytes.subarray(HEADER_LEN, bytes.length - TRAILER_LEN)]));
  const db = tempPath('v1');
  const r = await cli(['import', db, v1]);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe(`cvx-hot: warning: ${v1} is a version 1 export, which has no count or checksum: a cut or damaged file cannot be detected\n`);
  expect(points(db)).toBe(POINTS);
});

test('export exits 1 with a cvx-hot: message when the reader closes the pipe (EPIPE)', () => {
  const r = bash(`$CVX export ${JSON.stringify(src)} - | head -c 1000 > /dev/null; echo "\${PIPESTATUS[0]}"`);
  expect(r.stdout).toBe('1\n');
  expect(r.stderr).toMatch(/^cvx-hot: export: the reader closed the pipe \(EPIPE\) after \d+ points; the export is incomplete\n$/);
});

test('export to a full disk exits 1 with a cvx-hot: message, leaves no cut file and keeps the older one', async () => {
  const disk = mountTmpfs('64k'); // needs root, as in CI
  const mnt = disk.root;
  try {
    const out = path.join(mnt, 'backup.cbor');
    fs.writeFileSync(out, 'an older backup');
    const r = await cli(['export', src, out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cvx-hot: export to \S+ failed after \d+ points: ENOSPC: no space left on device, write; the incomplete export was removed and \S+ left as it was\n$/);
    expect(fs.readdirSync(mnt)).toEqual(['backup.cbor']);
    expect(fs.readFileSync(out, 'utf8')).toBe('an older backup');
  } finally {
    disk.unmount();
  }
});

