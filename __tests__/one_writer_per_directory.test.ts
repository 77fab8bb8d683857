// One directory, one writable store, whatever the path's spelling: a trailing or doubled slash,
// "." and ".." segments, a relative path, a symlink to the directory or to its parent, from
// this thread or a worker, and through the level adapter and the CLI. Two handles on one
// directory used to destroy each other's files (every point lost at the next open). A
// checkpoint into the store's own directory is refused under any spelling and creates nothing.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HotStore, HotStoreLevel } from '../lib';
import { runChild } from './helpers/child';
import { CLI, ensureDist } from './helpers/dist';
import { tempPath } from './helpers/tmp';

beforeAll(() => ensureDist());

const SPELLINGS = [
  'a trailing slash', 'a doubled slash', 'a "." segment', 'a ".." segment', 'a relative path',
  'a "./" relative path', 'a symlink to it', 'a symlinked parent',
] as const;
type Spelling = (typeof SPELLINGS)[number];

/** Another way to name `dir` (whose last component is "db"); symlinks go to a fresh temp dir. */
function spell(dir: string, how: Spelling): string {
  const parent = path.dirname(dir);
  const links = path.dirname(tempPath('links'));
  const rel = path.relative(process.cwd(), dir);
  switch (how) {
    case 'a trailing slash': return `${dir}/`;
    case 'a doubled slash': return `${parent}//db//`;
    case 'a "." segment': return `${parent}/./db/.`;
    case 'a ".." segment': return `${parent}/../${path.basename(parent)}/db`;
    case 'a relative path': return rel;
    case 'a "./" relative path': return `./${rel}`;
    case 'a symlink to it':
      fs.symlinkSync(dir, path.join(links, 'db-link'));
      return path.join(links, 'db-link');
    case 'a symlinked parent':
      fs.symlinkSync(parent, path.join(links, 'parent-link'));
      return path.join(links, 'parent-link', 'db');
  }
}

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    return String((e as { code?: string }).code);
  }
}

const point = (entityId: number, timestamp: number) => ({ entityId, timestamp, vector: [entityId, timestamp] });

describe.each(SPELLINGS)('%s', (how) => {
  test('a second writable open is CVX_LOCKED (sync and async, either way round); the holder keeps working', async () => {
    const dir = tempPath('spelling');
    const other = spell(dir, how); // a symlink needs its target: made before the first open below
    fs.mkdirSync(dir, { recursive: true });
    for (const [first, second] of [[dir, other], [other, dir]]) {
      const held = HotStore.openSync(first);
      expect(() => HotStore.openSync(second)).toThrow(expect.objectContaining({ code: 'CVX_LOCKED', message: expect.stringContaining('already open') }));
      await expect(HotStore.open(second)).rejects.toMatchObject({ code: 'CVX_LOCKED' });
      held.putSync(0, point(1, first === dir ? 1 : 2));
      held.closeSync();
    }
  });

  test('once closed, the directory opens under this spelling with everything written', async () => {
    const dir = tempPath('reopen');
    const other = spell(dir, how);
    const s = HotStore.openSync(dir);
    s.putSync(0, point(7, 1));
    await s.close();
    const again = await HotStore.open(other);
    expect(again.getTimelineSync(7, 0)?.pointCount).toBe(1);
    again.putSync(0, point(7, 2));
    again.closeSync();
    const back = HotStore.openSync(dir);
    expect(back.getTimelineSync(7, 0)?.pointCount).toBe(2);
    back.closeSync();
  });
});

test('two handles on one directory can no longer lose data: every acknowledged point survives the reopen', () => {
  const dir = tempPath('loss');
  const handles = [HotStore.openSync(dir)];
  let second: unknown = 'opened';
  try {
    handles.push(HotStore.openSync(`${dir}/`));
  } catch (e) {
    second = e;
  }
  // Before the fix both opened; each wrote and compacted, deleting the files the other made.
  handles.forEach((s, k) => {
    for (let b = 0; b < 4; b++) {
      s.putManySync(0, Array.from({ length: 500 }, (_, i) => point(100 * k + (i % 10), b * 1000 + i)));
      s.compactSync();
    }
  });
  handles.forEach((s) => s.closeSync());
  const r = HotStore.openSync(dir);
  try {
    handles.forEach((_, k) => {
      for (let e = 0; e < 10; e++) expect(r.getTimelineSync(100 * k + e, 0)?.pointCount).toBe(200);
    });
    expect(r.verifySync().ok).toBe(true);
  } finally {
    r.closeSync();
  }
  expect(second).toMatchObject({ code: 'CVX_LOCKED' });
});

test('concurrent opens of one directory under three spellings: exactly one succeeds', async () => {
  const dir = tempPath('race');
  fs.mkdirSync(dir, { recursive: true });
  for (let round = 0; round < 5; round++) {
    const results = await Promise.allSettled([HotStore.open(dir), HotStore.open(`${dir}/`), HotStore.open(spell(dir, 'a relative path'))]);
    const opened = results.filter((r): r is PromiseFulfilledResult<HotStore> => r.status === 'fulfilled');
    expect(opened).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'CVX_LOCKED' });
    await opened[0].value.close();
  }
});

test('a read-only open beside the writer, under another spelling, is still allowed (it takes no lock)', () => {
  const dir = tempPath('ro');
  const w = HotStore.openSync(dir);
  w.putSync(0, point(1, 1));
  w.closeSync();
  const writer = HotStore.openSync(dir);
  const ro = HotStore.openSync(`${dir}/`, { readOnly: true });
  expect(ro.getTimelineSync(1, 0)?.pointCount).toBe(1);
  ro.closeSync();
  writer.closeSync();
});

test('a failed open releases the directory: it opens under another spelling afterwards', async () => {
  const dir = tempPath('failed');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a store');
  expect(codeOf(() => HotStore.openSync(dir))).toBe('CVX_FORMAT');
  await expect(HotStore.open(`${dir}/`)).rejects.toMatchObject({ code: 'CVX_FORMAT' });
  fs.rmSync(path.join(dir, 'notes.txt'));
  HotStore.openSync(`${dir}//`).closeSync();
  (await HotStore.open(dir)).closeSync();
});

test('across worker threads: CVX_LOCKED both ways under another spelling; free once the holding worker ends', async () => {
  const r = await runChild('workers.ts', [path.dirname(tempPath('workers')), 'locked-spelling']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({
    workerWhileMainHolds: { code: 'CVX_LOCKED', message: expect.stringContaining('already open') },
    mainWhileWorkerHolds: 'CVX_LOCKED',
    mainAfterTerminate: 'ok',
  });
});

test('the level adapter goes through the same identity: HotStoreLevel on "db/" while HotStore holds "db" is CVX_LOCKED', async () => {
  const dir = tempPath('level');
  const held = HotStore.openSync(dir);
  const db = new HotStoreLevel(`${dir}/`);
  await expect(db.open()).rejects.toMatchObject({ code: 'LEVEL_DATABASE_NOT_OPEN', cause: { code: 'CVX_LOCKED' } });
  held.closeSync();
  await db.open();
  await db.put('k', 'v');
  await db.close();
});

test('the CLI goes through the same identity: a write command on a held store exits 1 with CVX_LOCKED', () => {
  const dir = tempPath('cli');
  const held = HotStore.openSync(dir);
  try {
    const r = spawnSync(process.execPath, [CLI, 'ingest', `${dir}/`, '-', '-q'], { input: '{"entityId":1,"timestamp":1,"vector":[1]}\n', encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('CVX_LOCKED');
    expect(held.getTimelineSync(1, 0)).toBeUndefined();
  } finally {
    held.closeSync();
  }
});

describe('a checkpoint into the store itself is refused, under any spelling, and creates nothing', () => {
  /** Every path under `dir`, to prove a refused checkpoint created nothing there. */
  function tree(dir: string): string[] {
    return fs.readdirSync(dir, { recursive: true }).map(String).sort();
  }

  function targets(dir: string): Array<[string, string]> {
    const links = path.dirname(tempPath('cp-links'));
    fs.symlinkSync(dir, path.join(links, 'db-link'));
    fs.symlinkSync(path.dirname(dir), path.join(links, 'parent-link'));
    const rel = path.relative(process.cwd(), dir);
    return [
      ['inside it', path.join(dir, 'copy')],
      ['deep inside it', path.join(dir, 'a', 'b', 'copy')],
      ['inside it, doubled slashes', `${dir}//copy`],
      ['inside it, relative', path.join(rel, 'copy')],
      ['inside it, "./" relative', `./${rel}/x/../copy`],
      ['inside it, through ".."', `${dir}/../db/copy`],
      ['inside it, through a symlink to it', path.join(links, 'db-link', 'copy')],
      ['inside it, through a symlinked parent', path.join(links, 'parent-link', 'db', 'a', 'copy')],
      ['the store itself, through a symlinked parent', path.join(links, 'parent-link', 'db')],
    ];
  }

  test('sync and async, and the store keeps working; a checkpoint beside it is fine', async () => {
    const dir = tempPath('cp-self');
    const store = HotStore.openSync(dir);
    store.putSync(0, point(1, 1));
    const before = tree(dir);
    for (const [what, target] of targets(dir)) {
      for (const sync of [true, false]) {
        const err = await Promise.resolve()
          .then(() => (sync ? store.checkpointSync(target) : store.checkpoint(target)))
          .then(() => new Error(`${what}: accepted`), (e) => e);
        expect({ what, code: err.code, message: err.message }).toEqual({ what, code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/dir/) });
        expect(tree(dir)).toEqual(before);
      }
    }
    store.putSync(0, point(1, 2));
    const beside = path.join(path.dirname(dir), 'beside', 'copy');
    await store.checkpoint(beside);
    store.closeSync();
    const copy = HotStore.openSync(beside, { readOnly: true });
    expect(copy.getTimelineSync(1, 0)?.pointCount).toBe(2);
    copy.closeSync();
  });

  test('the CLI refuses it too (exit 2) and creates nothing', () => {
    const dir = tempPath('cp-cli');
    HotStore.openSync(dir).closeSync();
    const r = spawnSync(process.execPath, [CLI, 'checkpoint', dir, `${dir}/backup`], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('outside the store');
    // The CLI's writable open rotates RocksDB's own files; nothing of the checkpoint's is there.
    expect(tree(dir).filter((f) => f.startsWith('backup'))).toEqual([]);
  });
});
