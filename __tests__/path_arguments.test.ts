// Paths as arguments: a NUL byte (which the system would cut the path at, naming another
// directory) and a path of only whitespace are refused with CVX_INVALID_ARGUMENT before anything
// is created; an open that fails removes the directories it created, deepest first.
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { runChild } from './helpers/child';
import { tempPath } from './helpers/tmp';

/** The error of a sync and of an async open of `p`, as { code, message }. */
async function openErrors(p: string, options?: object): Promise<Array<{ code: string; message: string }>> {
  const out = [];
  for (const open of [() => HotStore.openSync(p, options), () => HotStore.open(p, options)]) {
    const err = await Promise.resolve().then(open).then(
      (s) => { s.closeSync(); return new Error(`opened ${JSON.stringify(p)}`); },
      (e) => e,
    );
    out.push({ code: err.code, message: err.message });
  }
  return out;
}

describe('a NUL byte in a path', () => {
  test('open → CVX_INVALID_ARGUMENT naming path; nothing is created at the part before the NUL', async () => {
    const root = path.dirname(tempPath('nul'));
    const errors = await openErrors(path.join(root, 'store\0evil'));
    expect(errors).toEqual(Array(2).fill({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^path .*NUL/) }));
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('checkpoint → CVX_INVALID_ARGUMENT naming dir; nothing is written at the part before the NUL', async () => {
    const root = path.dirname(tempPath('nul-cp'));
    const s = HotStore.openSync(path.join(root, 'db'));
    const target = path.join(root, 'copy\0evil');
    expect(() => s.checkpointSync(target)).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^dir .*NUL/) }));
    await expect(s.checkpoint(target)).rejects.toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/^dir .*NUL/) });
    s.closeSync();
    expect(fs.readdirSync(root)).toEqual(['db']);
  });
});

test.each([['spaces', '   '], ['a tab and a newline', '\t\n'], ['a no-break space', '\u00a0']])(
  'a path of only whitespace (%s) → CVX_INVALID_ARGUMENT, and nothing is created in the working directory',
  async (_what, p) => {
    // In a child whose working directory is a fresh temp dir: before the fix this created a
    // directory named by the whitespace there.
    const cwd = path.dirname(tempPath('blank'));
    for (const options of ['', '{"readOnly":false}']) {
      const r = await runChild('open_path.ts', options ? [p, options] : [p], [], 20_000, { cwd });
      expect(r.timedOut).toBe(false);
      expect(JSON.parse(r.stdout)).toEqual({ name: 'HotStoreError', code: 'CVX_INVALID_ARGUMENT', message: 'path must not be only whitespace' });
    }
    expect(fs.readdirSync(cwd)).toEqual([]);
  },
);

describe('a failed open removes the directories it created', () => {
  test('when creating the path fails part-way (a name too long): the levels it made are gone, the existing root stays', async () => {
    const root = path.dirname(tempPath('partial'));
    const p = path.join(root, 'new1', 'new2', 'x'.repeat(300), 'db');
    const errors = await openErrors(p);
    expect(errors).toEqual(Array(2).fill({ code: 'CVX_IO', message: expect.stringContaining('could not be created') }));
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('when the native open fails after the directories were made: every one of them is gone', async () => {
    // A store directory whose path is 4,093 bytes long: creating it succeeds, but no file fits
    // inside it (PATH_MAX is 4,096 with the NUL), so RocksDB's open fails on its first file.
    const root = path.dirname(tempPath('native-fail'));
    let p = path.join(root, 'top');
    while (p.length + 201 < 4093) p = path.join(p, 'd'.repeat(200));
    p = path.join(p, 'e'.repeat(4093 - p.length - 1));
    expect(p.length).toBe(4093);
    const errors = await openErrors(p);
    expect(errors.map((e) => e.code)).toEqual(['CVX_IO', 'CVX_IO']);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('directories that existed before the open are never removed', async () => {
    const root = path.dirname(tempPath('kept'));
    const existing = path.join(root, 'existing');
    fs.mkdirSync(existing);
    fs.writeFileSync(path.join(existing, 'CURRENT'), 'MANIFEST-000001\n'); // a store that cannot open
    for (const e of await openErrors(existing)) expect(e.code).toMatch(/^CVX_(FORMAT|CORRUPTION|IO)$/);
    expect(fs.readdirSync(existing)).toEqual(['CURRENT']);
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    expect((await openErrors(empty, { createIfMissing: false })).map((e) => e.code)).toEqual(['CVX_IO', 'CVX_IO']);
    expect(fs.existsSync(empty)).toBe(true);
  });
});
