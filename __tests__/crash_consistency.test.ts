// Crash consistency (bulkLoad's at the end): a child ingests (puts, putMany batches, deletes, overwrites; sync and
// promise API) and reports every acknowledged write; we SIGKILL it at random moments, reopen
// and check that every acknowledged write is there with exact bytes, that the one write per
// lane in flight at the kill is all-or-nothing, and that every timeline equals what a full
// scan of the vectors says. Rounds accumulate on one directory, so recovery of recovered
// stores is exercised too. CVX_CRASH_ROUNDS (default 50) and CVX_CRASH_SEED replay/extend.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../lib';
import { applyLines, crashRound, expectReopened, Model } from './helpers/crash_model';
import { tempPath } from './helpers/tmp';
import { rng, spawnChild } from './helpers/child';
import * as BULK from './children/bulk_crash';
import { expected } from './children/bulk_crash';

const ROUNDS = Number(process.env.CVX_CRASH_ROUNDS ?? 50);
const SEED = Number(process.env.CVX_CRASH_SEED ?? Date.now() % 1e9);

async function crashLoop(sync: boolean): Promise<void> {
  const dir = tempPath(sync ? 'crash-sync' : 'crash-nosync');
  const model: Model = new Map();
  let acked = 0;
  let inFlightLanded = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const seed = SEED * 1000 + round + (sync ? 0 : 500);
    const where = `round ${round} (CVX_CRASH_SEED=${SEED}, sync=${sync})`;
    const lines = await crashRound(dir, sync, seed);
    const outcome = applyLines(model, lines);
    acked += outcome.acked;
    let store: HotStore;
    try {
      store = HotStore.openSync(dir);
    } catch (e) {
      throw new Error(`${where}: the store does not reopen after SIGKILL: ${(e as Error).message}`);
    }
    inFlightLanded += expectReopened(store, model, outcome.pending, where);
    store.closeSync();
  }
  expect(acked).toBeGreaterThan(ROUNDS); // the kills did land mid-ingest, not before it began
  // eslint-disable-next-line no-console
  console.log(`crash (sync=${sync}): ${ROUNDS} rounds, ${acked} acknowledged writes verified, ` +
    `${inFlightLanded} unacknowledged in-flight writes landed whole, seed ${SEED}`);
}

// The two modes run side by side: the sync writer mostly waits on fsync, so this halves
// the wall time on a small CI machine.
test.concurrent('sync: true — every acknowledged write survives SIGKILL, in-flight batches are all-or-nothing', async () => {
  await crashLoop(true);
}, 300_000);

test.concurrent('sync: false — every acknowledged write survives SIGKILL (a process crash, not power loss)', async () => {
  await crashLoop(false);
}, 300_000);

test('a crash during the very first open of a fresh directory never leaves it unopenable', async () => {
  for (let i = 0; i < 12; i++) {
    const dir = tempPath('crash-first-open');
    await crashRound(dir, i % 2 === 0, SEED * 1000 + 900 + i, true);
    let store: HotStore;
    try {
      store = HotStore.openSync(dir);
    } catch (e) {
      throw new Error(`fresh directory killed during first open (try ${i}, CVX_CRASH_SEED=${SEED}) does not open: ` +
        `${(e as { code?: string }).code} ${(e as Error).message}`);
    }
    expect(store.verifySync().ok).toBe(true);
    store.closeSync();
  }
}, 120_000);

// The two states a kill inside the first open() can leave, built deterministically.
test('an interrupted creation (RocksDB files without CURRENT) is finished by the next open', () => {
  const dir = tempPath('no-current');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'LOCK'), '');
  fs.writeFileSync(path.join(dir, 'LOG'), 'RocksDB log\n');
  fs.writeFileSync(path.join(dir, 'MANIFEST-000001'), Buffer.alloc(64, 7));
  fs.writeFileSync(path.join(dir, '000001.dbtmp'), '');
  const s = HotStore.openSync(dir);
  s.putSync(0, { entityId: 1, timestamp: 1, vector: [1] });
  s.closeSync();
  const again = HotStore.openSync(dir);
  expect(again.getTimelineSync(1, 0)).toMatchObject({ pointCount: 1 });
  again.closeSync();
});

test('an interrupted creation (empty database, some of our column families) is finished; one with data is not', () => {
  const dir = tempPath('partial-cfs');
  execFileSync('ldb', [`--db=${dir}`, '--create_if_missing', 'put', 'x', 'y']);
  execFileSync('ldb', [`--db=${dir}`, 'delete', 'x']);
  execFileSync('ldb', [`--db=${dir}`, 'create_column_family', 'vectors']);
  // Only a writable open that may create finishes it; others find no store there yet.
  for (const options of [{ readOnly: true }, { createIfMissing: false }]) {
    expect(() => HotStore.openSync(dir, options)).toThrow(
      expect.objectContaining({ code: 'CVX_IO', message: expect.stringMatching(/no store exists there yet: its creation did not finish/) }),
    );
  }
  const s = HotStore.openSync(dir);
  expect(s.verifySync().ok).toBe(true);
  s.closeSync();
  expect(execFileSync('ldb', [`--db=${dir}`, 'list_column_families']).toString()).toMatch(/\{default, vectors, timelines\}/);

  const withData = tempPath('partial-cfs-data');
  execFileSync('ldb', [`--db=${withData}`, '--create_if_missing', 'put', 'x', 'y']);
  execFileSync('ldb', [`--db=${withData}`, 'delete', 'x']);
  execFileSync('ldb', [`--db=${withData}`, 'create_column_family', 'vectors']);
  execFileSync('ldb', [`--db=${withData}`, '--column_family=vectors', 'put', 'someone', 'else']);
  expect(() => HotStore.openSync(withData)).toThrow(expect.objectContaining({ code: 'CVX_FORMAT' }));
  expect(execFileSync('ldb', [`--db=${withData}`, '--column_family=vectors', 'scan']).toString().trim()).toBe('someone : else');
});

// bulkLoad under SIGKILL: a child loads generation after generation (each overwriting most of
// the one before, spilled in runs); after each kill the store holds exactly the generations
// acknowledged, or those plus the one in flight, whole: every key's vector and every timeline.
// The staging directory is gone after the reopen, and nothing was refused as damage.
test('bulkLoad: a SIGKILL at any moment leaves the store as before the load or with all of it', async () => {
  const dir = tempPath('crash-bulk');
  const rounds = Number(process.env.CVX_CRASH_BULK_ROUNDS ?? 24);
  let last = -1; // the last generation the store holds
  let landed = 0;
  let lost = 0;
  for (let round = 0; round < rounds; round++) {
    const where = `bulk round ${round} (CVX_CRASH_SEED=${SEED})`;
    const r = rng(SEED * 1000 + 700 + round);
    // Every other round the kill aims at the end of a load: its merge, ingest and acknowledgement
    // (0-60 ms after a source was read); the others at any moment 5-605 ms after the open.
    const atEnd = round % 2 === 1;
    const delay = atEnd ? r() * 60 : 5 + r() * 600;
    const trigger = atEnd ? /E \d+\n/ : /O\n/;
    const lines = await new Promise<string[]>((resolve, reject) => {
      const child = spawnChild('crash_bulk_writer.ts', [dir, String(last + 1)]);
      let buf = '';
      let timer: NodeJS.Timeout | undefined;
      child.stdout!.on('data', (d) => {
        buf += d;
        if (!timer && trigger.test(buf)) timer = setTimeout(() => child.kill('SIGKILL'), delay);
      });
      child.on('error', reject);
      child.on('close', (_code, signal) => {
        clearTimeout(timer);
        if (signal !== 'SIGKILL') reject(new Error(`${where}: the writer ended by itself: ${buf}`));
        else resolve(buf.split('\n'));
      });
    });
    const acked = lines.filter((l) => l.startsWith('A ')).map((l) => Number(l.slice(2)));
    const begun = lines.filter((l) => l.startsWith('B ')).map((l) => Number(l.slice(2)));
    const ackedLast = acked.length ? Math.max(...acked) : last;
    const begunLast = begun.length ? Math.max(...begun) : last;
    let store: HotStore;
    try {
      store = HotStore.openSync(dir);
    } catch (e) {
      throw new Error(`${where}: the store does not reopen after SIGKILL: ${(e as { code?: string }).code} ${(e as Error).message}`);
    }
    expect(fs.existsSync(path.join(dir, 'cvx-bulk'))).toBe(false);
    const holds = (g: number): boolean => {
      if (g < 0) return store.getTimelineSync(0, 0) === undefined;
      const want = expected(g);
      for (const e of [0, 37, BULK.ENTITIES - 1]) {
        const got = store.rangeSync(e, 0, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
        if (got.length !== want.size) return false;
        for (const p of got) if (want.get(p.timestamp as number) !== p.vector[0]) return false;
      }
      return true;
    };
    const nowLast = holds(ackedLast) ? ackedLast : begunLast > ackedLast && holds(begunLast) ? begunLast : undefined;
    if (nowLast === undefined) throw new Error(`${where}: the store holds neither generation ${ackedLast} nor ${begunLast} whole`);
    if (nowLast > ackedLast) landed++;
    else if (begunLast > ackedLast) lost++;
    const v = store.verifySync();
    expect(v.ok).toBe(true);
    if (nowLast >= 0) expect(v.vectorsScanned).toBe(BULK.ENTITIES * expected(nowLast).size);
    store.closeSync();
    last = nowLast;
  }
  expect(last).toBeGreaterThan(0); // loads were acknowledged between the kills
  // eslint-disable-next-line no-console
  console.log(`crash (bulkLoad): ${rounds} rounds, ${last + 1} generations loaded, in flight at the kill: ${landed} landed whole, ${lost} left no trace`);
}, 300_000);
