// Damage is reported, never served as a smaller store: each describe stages one kind of damage
// to a real store's files (a deleted or cut WAL after a clean close, a flipped byte in the
// middle of a WAL, a torn WAL tail, a cut MANIFEST) and checks what the next open does: it
// loses nothing, or it refuses with CVX_CORRUPTION naming the file and leaves every file in
// place, or (salvage, rebuild) it opens on request and reports what was dropped.
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { HotStore } from '../lib';
import { native } from '../lib/binding';
import { cli } from './helpers/cli';
import { ensureDist } from './helpers/dist';
import { tempPath } from './helpers/tmp';

const DIM = 8;
const vec = (e: number, t: number) => Float32Array.from({ length: DIM }, (_, i) => e * 1000 + t + i / 8);

/** Writes `batches` putMany batches of `per` points (entity = batch, timestamps 0..per-1). */
function fill(store: HotStore, batches: number, per: number, first = 0): void {
  for (let b = first; b < first + batches; b++) {
    store.putManySync(0, Array.from({ length: per }, (_, t) => ({ entityId: b, timestamp: t, vector: vec(b, t) })));
  }
}

/** How many of the points fill() wrote are there, with their exact values. */
function countIntact(store: HotStore, batches: number, per: number, first = 0): number {
  let n = 0;
  for (let b = first; b < first + batches; b++) {
    for (const p of store.rangeSync(b, 0, 0, per)) {
      if (Array.from(p.vector).join() === Array.from(vec(b, p.timestamp as number)).join()) n++;
    }
  }
  return n;
}

const files = (dir: string, re: RegExp) => fs.readdirSync(dir).filter((f) => re.test(f)).map((f) => path.join(dir, f));

describe('flush on close: a cleanly closed store keeps nothing only in its WAL', () => {
  for (const damage of ['deleted', 'cut in half', 'emptied'] as const) {
    test(`the WAL ${damage} after a clean close loses no point`, () => {
      const dir = tempPath('damage-close');
      const store = HotStore.openSync(dir);
      fill(store, 20, 100);
      store.closeSync();
      const wals = files(dir, /\.log$/);
      for (const w of wals) {
        if (damage === 'deleted') fs.rmSync(w);
        else fs.truncateSync(w, damage === 'emptied' ? 0 : Math.floor(fs.statSync(w).size / 2));
      }
      const again = HotStore.openSync(dir);
      try {
        expect(countIntact(again, 20, 100)).toBe(2000);
        expect(again.verifySync().ok).toBe(true);
      } finally {
        again.closeSync();
      }
    });
  }

  test('the async close flushes too', async () => {
    const dir = tempPath('damage-close-async');
    const store = await HotStore.open(dir);
    fill(store, 5, 50);
    await store.close();
    for (const w of files(dir, /\.log$/)) fs.rmSync(w);
    const again = await HotStore.open(dir, { readOnly: true });
    try {
      expect(countIntact(again, 5, 50)).toBe(250);
    } finally {
      await again.close();
    }
  });
});

/**
 * A store whose WAL holds `batches` batches (entity = batch % entities, so later batches
 * extend earlier timelines), as a crash leaves it: copied while open, so nothing was flushed.
 */
function crashImage(label: string, batches: number, per: number, entities = batches): { dir: string; wal: string; total: number } {
  const src = tempPath(`${label}-src`);
  const dir = tempPath(label);
  const store = HotStore.openSync(src);
  for (let b = 0; b < batches; b++) {
    const e = b % entities;
    store.putManySync(0, Array.from({ length: per }, (_, i) => ({ entityId: e, timestamp: b * per + i, vector: vec(e, b * per + i) })));
  }
  fs.cpSync(src, dir, { recursive: true });
  store.closeSync();
  const wals = files(dir, /\.log$/);
  expect(wals).toHaveLength(1);
  return { dir, wal: wals[0], total: batches * per };
}

function countAll(store: HotStore, entities: number): number {
  let n = 0;
  for (let e = 0; e < entities; e++) n += store.rangeSync(e, 0, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).length;
  return n;
}

/** Every file of the directory (recursively) with its size and content hash: "nothing changed". */
function listing(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listing(p).map((l) => `${e.name}/${l}`));
    else out.push(`${e.name} ${fs.statSync(p).size} ${createHash('sha1').update(fs.readFileSync(p)).digest('hex')}`);
  }
  return out.sort();
}

function flipByte(file: string, at: number): void {
  const fd = fs.openSync(file, 'r+');
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, at);
  b[0] ^= 0xff;
  fs.writeSync(fd, b, 0, 1, at);
  fs.closeSync(fd);
}

describe('a checksum failure in the middle of a WAL fails the open, naming the file', () => {
  for (const readOnly of [false, true]) {
    test(`${readOnly ? 'read-only' : 'writable'} open: CVX_CORRUPTION naming the WAL; nothing changed`, () => {
      const { dir, wal } = crashImage(readOnly ? 'wal-flip-ro' : 'wal-flip', 140, 100);
      flipByte(wal, Math.floor(fs.statSync(wal).size / 3));
      const before = listing(dir);
      let error: { code?: string; message?: string } | undefined;
      try {
        HotStore.openSync(dir, { readOnly }).closeSync();
      } catch (e) {
        error = e as typeof error;
      }
      expect(error).toMatchObject({ code: 'CVX_CORRUPTION', message: expect.stringContaining(path.basename(wal)) });
      expect(error!.message).toMatch(/checksum mismatch/);
      expect(listing(dir)).toEqual(before);
    });
  }

  test('a torn tail (the WAL ends mid-record, as a crash leaves it) is tolerated: everything before the cut', () => {
    const { dir, wal, total } = crashImage('wal-torn', 140, 100);
    fs.truncateSync(wal, fs.statSync(wal).size - 3000); // inside the last batch's record
    const store = HotStore.openSync(dir);
    try {
      expect(countAll(store, 140)).toBe(total - 100);
      expect(store.verifySync().ok).toBe(true);
    } finally {
      store.closeSync();
    }
  });
});

describe('a torn tail followed by bytes that are no record (zeros a power loss leaves) is a torn tail too', () => {
  for (const readOnly of [false, true]) {
    test(`${readOnly ? 'read-only' : 'writable'} open: recovered up to the tear, no error`, () => {
      const { dir, wal, total } = crashImage(readOnly ? 'wal-zeros-ro' : 'wal-zeros', 140, 100);
      fs.truncateSync(wal, fs.statSync(wal).size - 3000);
      fs.appendFileSync(wal, Buffer.alloc(100_000));
      const store = HotStore.openSync(dir, { readOnly });
      try {
        expect(countAll(store, 140)).toBe(total - 100);
        expect(store.verifySync().ok).toBe(true);
      } finally {
        store.closeSync();
      }
    });
  }

  test('but damage with a valid record anywhere after it is refused, even past zeros', () => {
    const { dir, wal } = crashImage('wal-zeros-then-record', 140, 100);
    const bytes = fs.readFileSync(wal);
    const at = Math.floor(bytes.length / 2);
    bytes.fill(0, at, at + 40_000); // zeros in the middle; whole records follow them
    fs.writeFileSync(wal, bytes);
    expect(() => HotStore.openSync(dir)).toThrow(expect.objectContaining({ code: 'CVX_CORRUPTION', message: expect.stringContaining(path.basename(wal)) }));
  });
});

describe('explicit salvage: { salvage: true } opens a store with a damaged WAL and reports what it dropped', () => {
  test('skips the damaged records, repairs the timelines, reports the file; verify() is then clean', () => {
    const { dir, wal, total } = crashImage('wal-salvage', 140, 100, 7);
    flipByte(wal, Math.floor(fs.statSync(wal).size / 3));
    expect(() => HotStore.openSync(dir)).toThrow(expect.objectContaining({ code: 'CVX_CORRUPTION' }));
    const store = HotStore.openSync(dir, { salvage: true });
    try {
      const r = store.salvaged!;
      expect(r).toBeDefined();
      expect(r.walFiles).toEqual([expect.stringMatching(new RegExp(`${path.basename(wal)}$`))]);
      expect(r.drops[0]).toMatchObject({ reason: expect.stringMatching(/checksum mismatch/), bytes: expect.any(Number) });
      expect(r.droppedBytes).toBeGreaterThan(0);
      // Later batches of the same entities counted the dropped points: the repair fixed them.
      expect(r.issuesFound).toBeGreaterThan(0);
      expect(r.timelinesWritten).toBe(r.issuesFound);
      const kept = countAll(store, 7);
      expect(kept).toBeLessThan(total);
      expect(kept).toBeGreaterThan(total / 2); // only the damaged records, not all that followed them
      expect(store.verifySync().ok).toBe(true);
    } finally {
      store.closeSync();
    }
    const again = HotStore.openSync(dir); // salvaged once: a plain open now works, with the same points
    try {
      expect(again.salvaged).toBeUndefined();
      expect(again.verifySync().ok).toBe(true);
    } finally {
      again.closeSync();
    }
  });

  test('an undamaged store opened with salvage reports nothing; salvage with readOnly is refused', () => {
    const dir = tempPath('salvage-clean');
    const store = HotStore.openSync(dir, { salvage: true });
    fill(store, 2, 10);
    expect(store.salvaged).toBeUndefined();
    store.closeSync();
    expect(() => HotStore.openSync(dir, { salvage: true, readOnly: true }))
      .toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/options\.salvage/) }));
    expect(() => HotStore.openSync(dir, { salvage: 1 as unknown as boolean }))
      .toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/options\.salvage/) }));
  });
});

/** 20 batches of 1,000 points over several flushes and a compaction: several table files and MANIFEST edits. */
function manifestStore(label: string): string {
  const dir = tempPath(label);
  const store = HotStore.openSync(dir);
  for (let b = 0; b < 20; b++) {
    fill(store, 1, 1000, b);
    if (b % 4 === 3) native.flush(store._handle);
    if (b === 11) store.compactSync();
  }
  store.closeSync();
  return dir;
}

describe('MANIFEST damage is refused, every file kept, and HotStore.rebuild() recovers the store', () => {
  let base: string;
  let manifest: string;
  beforeAll(() => {
    base = manifestStore('manifest-base');
    [manifest] = files(base, /^MANIFEST-/).map((f) => path.basename(f));
  });

  test('a MANIFEST cut anywhere short of its end: writable and read-only opens refuse, nothing changes', () => {
    const size = fs.statSync(path.join(base, manifest)).size;
    const cuts = [Math.floor(size / 2)];
    for (let c = 20; c < size; c += 83) cuts.push(c);
    for (const cut of cuts) {
      const dir = tempPath('manifest-cut');
      fs.cpSync(base, dir, { recursive: true });
      fs.truncateSync(path.join(dir, manifest), cut);
      const before = listing(dir);
      for (const readOnly of [false, true]) {
        let error: { code?: string } | undefined;
        try {
          HotStore.openSync(dir, { readOnly }).closeSync();
        } catch (e) {
          error = e as typeof error;
        }
        expect({ cut, readOnly, code: error?.code }).toEqual({ cut, readOnly, code: 'CVX_CORRUPTION' });
        expect(listing(dir)).toEqual(before);
      }
    }
  });

  test('rebuild brings back every point of the table files; verify() is clean', async () => {
    const dir = tempPath('manifest-rebuild');
    fs.cpSync(base, dir, { recursive: true });
    const m = path.join(dir, manifest);
    fs.truncateSync(m, Math.floor(fs.statSync(m).size / 2));
    expect(() => HotStore.openSync(dir)).toThrow(expect.objectContaining({ code: 'CVX_CORRUPTION' }));
    const r = await HotStore.rebuild(dir);
    expect(r).toMatchObject({ vectors: 20000, series: 20 });
    expect(r.tableFiles).toBeGreaterThan(1);
    const store = HotStore.openSync(dir);
    try {
      expect(countIntact(store, 20, 1000)).toBe(20000);
      expect(store.verifySync().ok).toBe(true);
    } finally {
      store.closeSync();
    }
  });

  test('rebuild refuses an open store and a directory with nothing to rebuild from', () => {
    const dir = tempPath('rebuild-open');
    const store = HotStore.openSync(dir);
    try {
      expect(() => HotStore.rebuildSync(dir)).toThrow(expect.objectContaining({ code: 'CVX_LOCKED' }));
    } finally {
      store.closeSync();
    }
    const empty = tempPath('rebuild-empty');
    fs.mkdirSync(empty);
    expect(() => HotStore.rebuildSync(empty)).toThrow(expect.objectContaining({ code: 'CVX_IO' }));
  });

  test('rebuild refuses someone else\'s RocksDB database, changing nothing', () => {
    const dir = tempPath('rebuild-foreign');
    execFileSync('ldb', [`--db=${dir}`, '--create_if_missing', 'put', 'x', 'y']);
    const before = listing(dir);
    expect(() => HotStore.rebuildSync(dir)).toThrow(expect.objectContaining({ code: 'CVX_FORMAT' }));
    expect(listing(dir)).toEqual(before);
  });

  test('an unlisted table that only repeats what the store holds (a killed compaction\'s output) is no damage: it is deleted', () => {
    const dir = tempPath('manifest-leftover');
    fs.cpSync(base, dir, { recursive: true });
    const tables = files(dir, /\.sst$/).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
    const leftover = path.join(dir, '009999.sst');
    fs.copyFileSync(tables[0], leftover);
    const store = HotStore.openSync(dir);
    try {
      expect(countIntact(store, 20, 1000)).toBe(20000);
    } finally {
      store.closeSync();
    }
    expect(fs.existsSync(leftover)).toBe(false);
  });
});

describe('cvx-hot repair salvages a damaged WAL and, with --rebuild, a damaged MANIFEST', () => {
  beforeAll(() => ensureDist());

  test('a WAL damaged mid-file: verify exits 1 naming it; repair salvages, prints what was dropped; verify is clean', async () => {
    const { dir, wal } = crashImage('cli-salvage', 140, 100, 7);
    flipByte(wal, Math.floor(fs.statSync(wal).size / 3));
    const refused = await cli(['verify', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`${path.basename(wal)}.*CVX_CORRUPTION`, 's'));
    const r = await cli(['repair', dir]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(new RegExp(`salvaged: the WAL was damaged; \\d+ bytes skipped`));
    expect(r.stdout).toContain(`${path.basename(wal)}: `);
    expect(r.stdout).toMatch(/checksum mismatch/);
    expect(await cli(['verify', dir])).toMatchObject({ code: 0 });
  });

  test('a cut MANIFEST: repair alone is refused; repair --rebuild reports the rebuild and every point is back', async () => {
    const dir = manifestStore('cli-rebuild');
    const [m] = files(dir, /^MANIFEST-/);
    fs.truncateSync(m, Math.floor(fs.statSync(m).size / 2));
    const refused = await cli(['repair', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/CVX_CORRUPTION/);
    const r = await cli(['repair', '--rebuild', dir]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/rebuilt from \d+ table files? and \d+ WAL files?: 20000 vectors in 20 series/);
    const store = HotStore.openSync(dir, { readOnly: true });
    try {
      expect(countIntact(store, 20, 1000)).toBe(20000);
    } finally {
      store.closeSync();
    }
  });
});
