// Hostile input, table-driven: every public method against wrong types, out-of-range ids,
// timestamps and space ids, bad ranges and limits, bad vectors (NaN, empty, oversized,
// detached, SharedArrayBuffer-backed however hidden, wrong dimension), bad options, Proxies
// (revoked ones too) and getters that throw, and paths/directories that are not stores. Each case must fail with its HotStoreError code, a message naming
// the argument, and leave the store byte-for-byte as it was (read back through RocksDB),
// for both the *Sync and the promise form.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { encode } from 'cbor-x';
import { HotStore, HotStoreError } from '../lib';
import { runChild } from './helpers/child';
import { dump, rawPut } from './helpers/raw';
import { tempPath, tempStore } from './helpers/tmp';
import { ASYNC_ONLY, cases, ok, revoked, throwing, type Case } from './conformance/hostile_table';

/** Calls `method` or `methodSync` on the store, turning a synchronous throw into a rejection. */
function call(store: HotStore, method: string, args: unknown[], sync: boolean): Promise<unknown> {
  const s = store as unknown as Record<string, (...a: unknown[]) => unknown>;
  return Promise.resolve().then(() => (sync ? s[`${method}Sync`](...args) : s[method](...args)));
}

describe('bad arguments to an open store', () => {
  let store: HotStore;
  let before: ReturnType<typeof dump>;
  beforeAll(() => {
    store = tempStore().store;
    store.putSync(0, ok());
    store.putSync(0, ok({ entityId: 2, timestamp: -7 }));
    store.putSync(3, { entityId: 1, timestamp: 0, vector: [9] });
    before = dump(store);
    expect(before.vectors).toHaveLength(3);
  });
  afterAll(() => store.closeSync());

  test.each(cases.flatMap((c) => (ASYNC_ONLY.has(c[1]) ? [[...c, false]] : [[...c, true], [...c, false]]) as Array<[...Case, boolean]>))(
    '%s (sync=%#)',
    async (_name, method, args, code, names, sync) => {
      const err = await call(store, method, args, sync).then(
        () => { throw new Error('the call succeeded'); },
        (e) => e,
      );
      expect(err).toBeInstanceOf(HotStoreError);
      expect(err.code).toBe(code);
      expect(err.message).toMatch(names);
      expect(dump(store)).toEqual(before);
    },
  );

  test('an iterable that throws midway through putMany writes nothing', async () => {
    function* points() {
      yield ok({ timestamp: 50 });
      throw new Error('source failed');
    }
    expect(() => store.putManySync(0, points())).toThrow('source failed');
    await expect(store.putMany(0, points())).rejects.toThrow('source failed');
    expect(dump(store)).toEqual(before);
  });

  test('a call with a foreign object as the handle is refused, not a crash', async () => {
    const { native } = await import('../lib/binding');
    for (const h of [{}, null, 5, 'x', new Float32Array(2)]) {
      expect(() => native.getSync(h as never, 1, 0, 5)).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/handle/) }));
      expect(() => native.put(h as never, 0, 1, 1, new Float32Array(1))).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT' }));
    }
    expect(dump(store)).toEqual(before);
  });
});

describe('bad arguments to the change feed and a replica', () => {
  test.each([
    ['options 5', 5, /options/], ['since -1', { since: -1 }, /options\.since/], ['since 1.5', { since: 1.5 }, /options\.since/],
    ['since "3"', { since: '3' }, /options\.since/], ['since 2^64', { since: 2n ** 64n }, /options\.since/],
    ['batchSize 0', { batchSize: 0 }, /options\.batchSize/], ['batchSize 65537', { batchSize: 65537 }, /options\.batchSize/],
    ['follow "no"', { follow: 'no' }, /options\.follow/], ['pollMs 0', { pollMs: 0 }, /options\.pollMs/],
    ['signal {}', { signal: {} }, /options\.signal/],
    ['since a getter that throws', throwing({}, 'since'), /options\.since/],
  ])('changes(%s) → CVX_INVALID_ARGUMENT before anything is read', (_what, options, names) => {
    const { store } = tempStore();
    try {
      expect(() => store.changes(options as never)).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(names) }));
    } finally {
      store.closeSync();
    }
  });

  test.each([
    ['undefined', undefined, /record\.batch/], ['a number', 5, /record\.batch/], ['no batch', { sequence: 3 }, /record\.batch/],
    ['a short batch', { batch: Buffer.alloc(4) }, /record\.batch/], ['an array with a bad record', [{ batch: 'x' }], /records\[0\]\.batch/],
    ['a batch of garbage', { batch: Buffer.alloc(12, 0xff) }, /changes\[0\]/],
    ['a batch whose header claims ops it lacks', { batch: Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0]) }, /changes\[0\]/],
    // Two real puts whose sequences would run past 2^64 − 1 (last = seq + count − 1 wraps to 0).
    ['a batch whose sequences wrap past 2^64', { batch: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 1, 1, 97, 1, 120, 1, 1, 98, 1, 121]) }, /changes\[0\].*2\^64/],
  ])('applyChanges(%s) → CVX_INVALID_ARGUMENT, the replica unchanged', async (_what, record, names) => {
    const { store } = tempStore();
    try {
      const before = dump(store);
      for (const sync of [true, false]) {
        const err = await (async () => (sync ? store.applyChangesSync(record as never) : store.applyChanges(record as never)))().then(
          () => { throw new Error('the call succeeded'); },
          (e) => e,
        );
        expect(err).toBeInstanceOf(HotStoreError);
        expect(err.code).toBe('CVX_INVALID_ARGUMENT');
        expect(err.message).toMatch(names);
      }
      expect(dump(store)).toEqual(before);
      expect(store.appliedSequenceSync()).toBeUndefined();
    } finally {
      store.closeSync();
    }
  });
});

describe('writes to a read-only store', () => {
  test.each([
    ['put', [0, ok({ timestamp: 77 })]], ['putMany', [0, [ok({ timestamp: 77 })]]], ['delete', [1, 0, 5]], ['repair', []],
  ] as Array<[string, unknown[]]>)('%s fails with CVX_READ_ONLY and changes nothing', async (method, args) => {
    const { dir, store } = tempStore();
    store.putSync(0, ok());
    store.closeSync();
    const ro = HotStore.openSync(dir, { readOnly: true });
    const before = dump(ro);
    for (const sync of [true, false]) {
      await expect(call(ro, method, args, sync)).rejects.toMatchObject({ code: 'CVX_READ_ONLY', message: expect.stringMatching(/read ?only/i) });
    }
    expect(dump(ro)).toEqual(before);
    ro.closeSync();
  });
});

describe('bad paths and directories that hold something else', () => {
  const root = path.dirname(tempPath('hostile-paths'));

  async function openFails(p: unknown, options: unknown, code: string, names: RegExp): Promise<void> {
    for (const open of [(a: unknown, o: unknown) => HotStore.openSync(a as string, o as never), (a: unknown, o: unknown) => HotStore.open(a as string, o as never)]) {
      const err = await Promise.resolve().then(() => open(p, options)).then(
        (s) => { (s as HotStore).closeSync(); throw new Error(`opened ${String(p)}`); },
        (e) => e,
      );
      expect(err).toBeInstanceOf(HotStoreError);
      expect({ code: err.code, message: err.message }).toEqual({ code, message: expect.stringMatching(names) });
    }
  }

  /** Every file's name and bytes, to prove a refused open left a directory alone. */
  function snapshot(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, f);
      out[f] = fs.statSync(p).isFile() ? fs.readFileSync(p).toString('hex') : 'dir';
    }
    return out;
  }

  test.each([
    ['empty string', '', /path/], ['a number', 5, /path/], ['null', null, /path/], ['an object', {}, /path/],
  ])('path %s → CVX_INVALID_ARGUMENT', async (_what, p, names) => {
    await openFails(p, undefined, 'CVX_INVALID_ARGUMENT', names);
  });

  test.each([
    ['options 5', 5, /options/], ['options null', null, /options/],
    ['keyframeInterval 0', { keyframeInterval: 0 }, /options\.keyframeInterval/],
    ['keyframeInterval -1', { keyframeInterval: -1 }, /options\.keyframeInterval/],
    ['keyframeInterval 1.5', { keyframeInterval: 1.5 }, /options\.keyframeInterval/],
    ['readOnly "yes"', { readOnly: 'yes' }, /options\.readOnly/], ['bigint 1', { bigint: 1 }, /options\.bigint/],
    ['sync "true"', { sync: 'true' }, /options\.sync/], ['createIfMissing 0', { createIfMissing: 0 }, /options\.createIfMissing/],
    ['options a revoked Proxy', revoked(), /options/], ['readOnly a getter that throws', throwing({}, 'readOnly'), /options\.readOnly/],
    ['follower "yes"', { follower: 'yes' }, /options\.follower/],
    ['follower with readOnly: false', { follower: true, readOnly: false }, /options\.follower.*readOnly/],
    ['follower with salvage', { follower: true, salvage: true }, /options\.salvage/],
    ['followerDir without follower', { followerDir: '/tmp' }, /options\.followerDir needs options\.follower/],
    ['followerDir 5', { follower: true, followerDir: 5 }, /options\.followerDir/],
    ['followerDir with a NUL byte', { follower: true, followerDir: 'a\0b' }, /options\.followerDir/],
    ['followIntervalMs without follower', { followIntervalMs: 10 }, /options\.followIntervalMs needs options\.follower/],
    ['followIntervalMs 0', { follower: true, followIntervalMs: 0 }, /options\.followIntervalMs/],
    ['followIntervalMs 1.5', { follower: true, followIntervalMs: 1.5 }, /options\.followIntervalMs/],
    ['followIntervalMs 2^31', { follower: true, followIntervalMs: 2 ** 31 }, /options\.followIntervalMs/],
    ['followIntervalMs "10"', { follower: true, followIntervalMs: '10' }, /options\.followIntervalMs/],
    ['onFollowError 5', { follower: true, onFollowError: 5 }, /options\.onFollowError/],
    ['followIntervalMs a getter that throws', throwing({ follower: true }, 'followIntervalMs'), /options\.followIntervalMs/],
    ['walTtlSeconds -1', { walTtlSeconds: -1 }, /options\.walTtlSeconds/], ['walTtlSeconds 1.5', { walTtlSeconds: 1.5 }, /options\.walTtlSeconds/],
    ['walTtlSeconds 2^32', { walTtlSeconds: 2 ** 32 }, /options\.walTtlSeconds/], ['walTtlSeconds "60"', { walTtlSeconds: '60' }, /options\.walTtlSeconds/],
    ['walSizeLimitMB -1', { walSizeLimitMB: -1 }, /options\.walSizeLimitMB/], ['walSizeLimitMB NaN', { walSizeLimitMB: NaN }, /options\.walSizeLimitMB/],
    ['walSizeLimitMB 10n', { walSizeLimitMB: 10n }, /options\.walSizeLimitMB/],
    ['walTtlSeconds with readOnly', { readOnly: true, walTtlSeconds: 60 }, /options\.walTtlSeconds.*writable/],
    ['walSizeLimitMB on a follower', { follower: true, walSizeLimitMB: 64 }, /options\.walTtlSeconds and options\.walSizeLimitMB/],
  ])('%s → CVX_INVALID_ARGUMENT and no directory is created', async (_what, options, names) => {
    const p = path.join(root, `opts-${Math.random()}`);
    await openFails(p, options, 'CVX_INVALID_ARGUMENT', names);
    expect(fs.existsSync(p)).toBe(false);
  });

  test('a path that is a regular file → CVX_INVALID_ARGUMENT, file untouched', async () => {
    const f = path.join(root, 'a-file');
    fs.writeFileSync(f, 'precious');
    await openFails(f, undefined, 'CVX_INVALID_ARGUMENT', new RegExp(`${f}.*file`));
    expect(fs.readFileSync(f, 'utf8')).toBe('precious');
  });

  test('a directory that cannot be created even as root (parent is a regular file) → CVX_IO', async () => {
    const f = path.join(root, 'parent-file');
    fs.writeFileSync(f, 'x');
    await openFails(path.join(f, 'db'), undefined, 'CVX_IO', /parent-file\/db.*could not be created/);
  });

  test.each([['/proc/self/cvx-db'], ['/proc/1/cvx/deeper'], ['/sys/cvx-db']])(
    'a path under a kernel filesystem (%s) fails with CVX_IO, never hangs',
    async (p) => {
      // In a child: this used to spin forever inside fs.mkdirSync({ recursive: true }).
      const r = await runChild('open_path.ts', [p], [], 20_000);
      expect(r.timedOut).toBe(false);
      expect(JSON.parse(r.stdout)).toMatchObject({ name: 'HotStoreError', code: 'CVX_IO', message: expect.stringContaining(p.split('/').slice(0, 3).join('/')) });
    },
  );

  test('a missing store with createIfMissing: false or readOnly → CVX_IO naming the option', async () => {
    await openFails(path.join(root, 'absent1'), { createIfMissing: false }, 'CVX_IO', /createIfMissing is false/);
    await openFails(path.join(root, 'absent2'), { readOnly: true }, 'CVX_IO', /readOnly/);
    expect(fs.existsSync(path.join(root, 'absent1'))).toBe(false);
  });

  test('a directory of random files → CVX_FORMAT, files untouched', async () => {
    const d = path.join(root, 'random');
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, 'notes.txt'), 'hello');
    fs.writeFileSync(path.join(d, 'blob.bin'), Buffer.from([0, 1, 2, 255]));
    const before = snapshot(d);
    await openFails(d, undefined, 'CVX_FORMAT', /not empty and holds no store/);
    expect(snapshot(d)).toEqual(before);
  });

  test('a directory with a garbage CURRENT/MANIFEST → refused (CVX_FORMAT or CVX_CORRUPTION), files untouched', async () => {
    const d = path.join(root, 'garbage-rocks');
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, 'CURRENT'), 'MANIFEST-000009\n');
    fs.writeFileSync(path.join(d, 'MANIFEST-000009'), Buffer.alloc(300, 0x5a));
    const before = snapshot(d);
    for (const open of [() => HotStore.openSync(d), () => HotStore.open(d)]) {
      const err = await Promise.resolve().then(open).then(() => null, (e) => e);
      expect(err).toBeInstanceOf(HotStoreError);
      expect(['CVX_FORMAT', 'CVX_CORRUPTION']).toContain(err.code);
      expect(err.message).toContain(d);
    }
    expect(snapshot(d)).toEqual(before);
  });

  test('a plain RocksDB database without our column families → CVX_FORMAT, left as it was', async () => {
    const d = path.join(root, 'plain-rocksdb');
    execFileSync('ldb', [`--db=${d}`, '--create_if_missing', 'put', 'their-key', 'their-value']);
    const before = snapshot(d);
    await openFails(d, undefined, 'CVX_FORMAT', /not a cvx-storage store/);
    expect(snapshot(d)).toEqual(before); // looked at through read-only opens only
    expect(execFileSync('ldb', [`--db=${d}`, 'list_column_families']).toString()).toMatch(/\{default\}/);
    expect(execFileSync('ldb', [`--db=${d}`, 'scan']).toString().trim()).toBe('their-key : their-value');
  });

  test('a LevelDB database (classic-level) → CVX_FORMAT, its data intact', async () => {
    const { ClassicLevel } = await import('classic-level');
    const d = path.join(root, 'leveldb');
    const db = new ClassicLevel<string, string>(d);
    await db.put('k', 'v');
    await db.close();
    await openFails(d, undefined, 'CVX_FORMAT', /not a cvx-storage store/);
    const again = new ClassicLevel<string, string>(d);
    expect(await again.get('k')).toBe('v');
    await again.close();
  });

  test('a store of a future format version → CVX_FORMAT naming both versions, marker kept', async () => {
    const { dir, store } = tempStore();
    store.putSync(0, ok());
    const future = Buffer.from(encode({ version: 2 }));
    rawPut(store, 'default', Buffer.from('cvx:format'), future);
    store.closeSync();
    const before = snapshot(dir);
    await openFails(dir, undefined, 'CVX_FORMAT', /format version 2.*version 1/);
    await openFails(dir, { readOnly: true }, 'CVX_FORMAT', /format version 2/);
    // Refused before a writable open could replay the WAL, rotate the MANIFEST or start a new WAL.
    expect(snapshot(dir)).toEqual(before);
    expect(execFileSync('ldb', [`--db=${dir}`, 'get', 'cvx:format', '--value_hex']).toString().trim()).toBe(`0x${future.toString('hex').toUpperCase()}`);
  });

  test('a store whose cvx:format marker is undecodable → CVX_FORMAT', async () => {
    const { dir, store } = tempStore();
    rawPut(store, 'default', Buffer.from('cvx:format'), Buffer.from('garbage'));
    store.closeSync();
    const before = snapshot(dir);
    await openFails(dir, undefined, 'CVX_FORMAT', /cvx:format is not a valid format record/);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('bulkLoad: options.memoryBytes beyond physical memory', () => {
  // Accepted up to MAX_SAFE_INTEGER before, and the shim reserved buffers for it on the main
  // thread: std::bad_alloc, then std::terminate (the process aborted).
  test.each([
    ['MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER],
    ['2^50', 2 ** 50],
    ['physical memory + 1', os.totalmem() + 1],
  ])('%s is refused naming options.memoryBytes, the store unchanged', async (_what, memoryBytes) => {
    const { store } = tempStore();
    store.putSync(0, ok());
    const before = dump(store);
    const err = await store.bulkLoad(0, [ok({ timestamp: 9 })], { memoryBytes }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(HotStoreError);
    expect(err).toMatchObject({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/options\.memoryBytes/) });
    expect(dump(store)).toEqual(before);
    store.closeSync();
  });
});
