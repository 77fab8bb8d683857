// Child of filesystem_fails_writes.test.ts: drives a store on a filesystem the parent breaks
// under it (a loop-device ext4 that turns read-only), so an abort fails the test instead of
// killing jest. argv: <db> <sync> <flushFirst>. Steps, each ended by a line on stdout and
// started by a line "go" on stdin:
//   1. open, write points (acknowledged ones printed as "A <entity>"), optionally compact() (which
//      flushes) so
//      the memtables are empty when the fault comes; print "ready".
//   2. (the parent has broken the filesystem) try every kind of write, a flush, a compaction
//      and a checkpoint, and read every acknowledged point; close; print "closed <json>".
//   3. (the parent has repaired and remounted it) reopen, read every acknowledged point,
//      write again, close; print "done <json>".
import * as readline from 'readline';
import { HotStore } from '../../lib';
import { pointOf } from './disk_full_protocol';

const [dir, syncText, flushText] = process.argv.slice(2);
const sync = syncText === 'true';
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
let next = 1;
const acked: number[] = [];

async function go(): Promise<void> {
  const l = await lines.next();
  if (l.done || l.value !== 'go') throw new Error(`expected "go", got ${JSON.stringify(l.value)}`);
}

type Outcome = { at: string; ok: boolean; code?: string; message?: string };

async function attempt(at: string, f: () => unknown): Promise<Outcome> {
  try {
    await f();
    return { at, ok: true };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return { at, ok: false, code: err.code, message: String(err.message ?? e) };
  }
}

// One write of each kind on fresh points; what succeeds is acknowledged and printed.
async function writeEach(store: HotStore, tag: string): Promise<Outcome[]> {
  const out: Outcome[] = [];
  const one = async (at: string, n: number, f: (ps: ReturnType<typeof pointOf>[]) => unknown) => {
    const ps = Array.from({ length: n }, () => pointOf(next++));
    const o = await attempt(`${tag}:${at}`, () => f(ps));
    if (o.ok) for (const p of ps) ack(p.entityId);
    out.push(o);
  };
  await one('put', 1, (ps) => store.put(0, ps[0]));
  await one('putSync', 1, (ps) => store.putSync(0, ps[0]));
  await one('putMany', 10, (ps) => store.putMany(0, ps));
  await one('putManySync', 10, (ps) => store.putManySync(0, ps));
  return out;
}

function ack(e: number): void {
  acked.push(e);
  process.stdout.write(`A ${e}\n`);
}

// Every acknowledged point, read back: how many are missing or differ.
async function missing(store: HotStore): Promise<number> {
  let bad = 0;
  for (const e of acked) {
    const want = pointOf(e);
    const got = await store.get(e, 0, want.timestamp);
    if (!got || Buffer.compare(Buffer.from(got.vector.buffer, got.vector.byteOffset, got.vector.byteLength),
      Buffer.from(want.vector.buffer)) !== 0) bad++;
  }
  return bad;
}

async function main(): Promise<void> {
  let store = await HotStore.open(dir, { sync });
  for (let i = 0; i < 20; i++) await writeEach(store, 'before');
  if (flushText === 'true') store.compactSync(); // flushes the memtables first
  process.stdout.write('ready\n');
  await go();
  const failing: Outcome[] = [];
  for (let i = 0; i < 3; i++) failing.push(...(await writeEach(store, `failing${i}`)));
  failing.push(await attempt('delete', () => store.delete(1, 0, pointOf(1).timestamp)));
  failing.push(await attempt('compact', () => store.compact()));
  failing.push(await attempt('checkpoint', () => store.checkpoint(`${dir}-cp`)));
  const missingWhileFailing = await missing(store);
  const close = await attempt('close', () => store.close());
  process.stdout.write(`closed ${JSON.stringify({ failing, missingWhileFailing, close })}\n`);
  await go();
  store = await HotStore.open(dir, { sync });
  const missingAfter = await missing(store);
  const after = await writeEach(store, 'after');
  const report = await store.verify();
  await store.close();
  process.stdout.write(`done ${JSON.stringify({ missingAfter, after, verifyOk: report.ok })}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`child failed: ${(e as Error).stack}\n`);
    process.exit(3);
  },
);
