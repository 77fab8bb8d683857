// The change feed across processes, with real kills: a writer process (children/feed_writer.ts)
// doing random put / putMany / delete / deleteRange is SIGKILLed and restarted, then a last one
// also runs bulkLoads (each breaks the feed: the consumer resyncs the replica from the source's
// view; the killed runs do not load yet, see docs/guarantees.md "Not promised"), and a consumer
// process, `cvx-hot replicate` (reading the source as a follower), keeps running across the
// writer's restarts and is SIGKILLed and restarted itself, each at a random moment; two follower
// processes verify every view they catch up to (children/feed_follower_check.ts). At the end the replica equals the source byte for byte in every
// column family, and its applied sequence is the source's latest. A follow consumer
// (`cvx-hot follow`) resumed with --since prints every batch exactly once.
import { ChildProcess, spawn } from 'child_process';
import { HotStore } from '../lib';
import { rng, runChild, spawnChild } from './helpers/child';
import { cli } from './helpers/cli';
import { CLI } from './helpers/dist';
import { dump } from './helpers/raw';
import { tempPath } from './helpers/tmp';

jest.setTimeout(180_000);

/** Resolves once the child has printed `count` lines starting with `prefix` (or rejects when it exits first). */
function lines(child: ChildProcess, prefix: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    let buf = '';
    let err = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith(prefix)) seen.push(line);
        if (seen.length >= count) {
          child.stdout!.off('data', onData);
          resolve(seen);
          return;
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (err += d));
    child.once('exit', (code, signal) => reject(new Error(`child exited (${code ?? signal}) after ${seen.length} lines: ${err}`)));
  });
}

const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function contents(store: HotStore) {
  const d = dump(store);
  const mine = Buffer.from('cvx:replica:applied').toString('hex');
  return { ...d, default: d.default.filter((r) => !r.startsWith(mine)) };
}

test('writer and replicate both SIGKILLed and restarted, followers verifying all the while: the replica ends equal to the source', async () => {
  const src = tempPath('repl-src');
  const dst = tempPath('repl-dst');
  const r = rng(15);
  const children: ChildProcess[] = [];
  let said = ''; // what the replicate runs wrote to stderr
  const replicate = () => {
    const c = spawn(process.execPath, [CLI, 'replicate', src, dst, '--poll-ms', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stderr!.on('data', (d) => (said += d));
    children.push(c);
    return c;
  };
  try {
    const first = spawnChild('feed_writer.ts', [src, '100', 'forever']);
    children.push(first);
    await lines(first, 'ack', 20); // the store exists and has data before the consumer and followers open it
    const followers = [0, 1].map(() => runChild('feed_follower_check.ts', [src, '6'], [], 60_000));
    let consumer = replicate();
    let writer: ChildProcess = first;
    for (let round = 0; round < 4; round++) {
      if (round > 0) {
        writer = spawnChild('feed_writer.ts', [src, String(100 + round), 'forever']);
        children.push(writer);
      }
      await lines(writer, 'ack', 20 + Math.floor(r() * 80));
      if (round % 2 === 1) {
        // mid-batch or between: the replica's applied sequence is atomic with its changes
        consumer.kill('SIGKILL');
        await exited(consumer);
        consumer = replicate();
      }
      await lines(writer, 'ack', 10 + Math.floor(r() * 60));
      writer.kill('SIGKILL'); // the consumer (a follower of the store) goes on across the restart
      await exited(writer);
      await sleep(Math.floor(r() * 300));
    }
    const last = spawnChild('feed_writer.ts', [src, '999', '120', 'bulk']);
    children.push(last);
    const [done] = await lines(last, 'done', 1);
    await exited(last);
    const latest = Number(done.split(' ')[1]);
    consumer.kill('SIGTERM'); // ends cleanly; the last run below finishes what is left
    await exited(consumer);
    const midway = HotStore.openSync(dst, { readOnly: true });
    try {
      expect(midway.appliedSequenceSync()).toBeGreaterThan(1000); // it kept up across the writer's restarts
    } finally {
      midway.closeSync();
    }
    const run = await cli(['replicate', src, dst, '--until', String(latest)]);
    // Nothing on stderr but the resyncs the writer's bulk loads caused.
    for (const text of [run.stderr, said]) {
      expect(text.split('\n').filter((l) => l && !/^replicate: .*resync(ing|ed) /.test(l))).toEqual([]);
    }
    expect(said + run.stderr).toMatch(/resyncing .*CVX_FEED_GAP/); // the loads did break the feed
    expect(run.code).toBe(0);
    for (const f of await Promise.all(followers)) {
      expect(f.stderr).toBe('');
      const report = JSON.parse(f.stdout);
      expect(report.problems).toEqual([]);
      expect(report.checked).toBeGreaterThan(0);
    }
    const a = HotStore.openSync(src, { readOnly: true });
    const b = HotStore.openSync(dst, { readOnly: true });
    try {
      expect(b.appliedSequenceSync()).toBe(a.latestSequenceSync());
      const [ca, cb] = [contents(a), contents(b)];
      expect(cb.vectors.length).toBeGreaterThan(100);
      expect(cb).toEqual(ca);
      expect(b.verifySync().ok).toBe(true);
    } finally {
      a.closeSync();
      b.closeSync();
    }
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
});

test('cvx-hot follow prints each batch once across a restart with --since; --no-wait ends when caught up', async () => {
  const src = tempPath('follow-src');
  const w = spawnChild('feed_writer.ts', [src, '7', '60']);
  await lines(w, 'done', 1);
  await exited(w);
  const first = await cli(['follow', src, '--since', '0', '--no-wait']);
  expect(first.code).toBe(0);
  const all = first.stdout.trim().split('\n').map((l) => JSON.parse(l));
  for (let i = 1; i < all.length; i++) expect(all[i].firstSequence).toBe(all[i - 1].sequence + 1);
  const mid = all[Math.floor(all.length / 2)].sequence;
  const rest = await cli(['follow', src, '--since', String(mid), '--no-wait']);
  const again = rest.stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(again).toEqual(all.filter((x) => x.sequence > mid));
  const types = new Set(all.flatMap((x) => x.changes.map((c: { type: string }) => c.type)));
  expect([...types].sort()).toEqual(expect.arrayContaining(['delete', 'deleteRange', 'put', 'raw']));
});

test('cvx-hot replicate and follow refuse bad arguments: the same directory, a bad --since, a missing store', async () => {
  const src = tempPath('repl-args');
  HotStore.openSync(src).closeSync();
  const same = await cli(['replicate', src, `${src}/.`]);
  expect([same.code, same.stderr]).toEqual([2, expect.stringMatching(/same directory/)]);
  for (const args of [['follow', src, '--since', '-1'], ['follow', src, '--since', 'x'], ['replicate', src, `${src}-r`, '--until', '1.5'], ['follow', src, '--poll-ms', '0']]) {
    const r = await cli(args);
    expect(r.code).toBe(2);
  }
  const missing = await cli(['follow', `${src}-missing`, '--no-wait']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/cvx-hot: /);
});

