// Faults on a real cluster: a paused master (SIGSTOP) makes calls to its slots fail with
// CVX_UNAVAILABLE within the configured timeoutMs, never hang, and work resumes when it returns
// (SIGCONT); a master SIGKILLed during ingest with durability { replicas: 1 } loses no acknowledged
// write: its replica is promoted, every acked point is read back and verify() finds the timelines
// exact. The killed master is never restarted (restarted empty, it would wipe its replica).
import { RedisClusterStore } from '../lib';
import { redisAvailable, startTestCluster, type TestCluster } from './helpers/redis_cluster';

const available = redisAvailable();
const maybe = available ? describe : describe.skip;
let cluster: TestCluster;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The ports of the current masters that serve slots, as a live node sees them. */
async function masters(c: TestCluster, askPort: number): Promise<number[]> {
  const nodes = await c.cli(askPort, ['cluster', 'nodes']);
  return nodes.split('\n')
    .filter((l) => /\bmaster\b/.test(l) && !/\bfail\b/.test(l) && l.trim().split(/\s+/).length > 8)
    .map((l) => Number(/:(\d+)@/.exec(l)![1]));
}

async function clusterOk(c: TestCluster, port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (/cluster_state:ok/.test(await c.cli(port, ['cluster', 'info']).catch(() => ''))) return;
    await sleep(200);
  }
  throw new Error(`the cluster did not return to state ok within ${ms} ms`);
}

maybe('faults on a Redis Cluster', () => {
  beforeAll(async () => {
    // A master is failed over after 5 s of silence: long enough for the pause test to end first.
    cluster = await startTestCluster({ nodeTimeoutMs: 5000 });
  }, 120_000);
  afterAll(async () => {
    for (const n of cluster?.nodes ?? []) if (!n.exited) try { process.kill(n.pid, 'SIGCONT'); } catch { /* gone */ }
    await cluster?.stop();
  }, 60_000);

  test('a paused master: CVX_UNAVAILABLE within timeoutMs, never a hang; work resumes when it returns', async () => {
    const timeoutMs = 800;
    const store = await RedisClusterStore.connect(cluster.addresses, { keyPrefix: 'pause:', timeoutMs });
    const ids = Array.from({ length: 30 }, (_, i) => i);
    for (const e of ids) await store.put(0, { entityId: e, timestamp: 1, vector: [e] });
    const [paused] = await masters(cluster, cluster.ports[0]);
    process.kill(cluster.node(paused)!.pid, 'SIGSTOP');
    try {
      const t0 = Date.now();
      const got = await Promise.allSettled(ids.map((e) => store.get(e, 0, 1)));
      const took = Date.now() - t0;
      const codes = got.filter((g) => g.status === 'rejected').map((g) => (g as PromiseRejectedResult).reason.code);
      expect(codes.length).toBeGreaterThan(0); // a third of the entities, roughly, live on the paused master
      expect(new Set(codes)).toEqual(new Set(['CVX_UNAVAILABLE']));
      expect(took).toBeLessThan(timeoutMs + 1500); // bounded by timeoutMs (plus scheduling slack), not a hang
      await expect(store.put(0, { entityId: ids[got.findIndex((g) => g.status === 'rejected')], timestamp: 2, vector: [0] }))
        .rejects.toMatchObject({ code: 'CVX_UNAVAILABLE' });
    } finally {
      process.kill(cluster.node(paused)!.pid, 'SIGCONT');
    }
    // Back: every read answers again (the client reconnects by itself).
    const deadline = Date.now() + 10_000;
    let back: Array<unknown> = [];
    while (Date.now() < deadline) {
      back = await Promise.all(ids.map((e) => store.get(e, 0, 1).then((p) => p && Array.from(p.vector), (e) => e.code)));
      if (back.every((x) => Array.isArray(x))) break;
      await sleep(200);
    }
    expect(back).toEqual(ids.map((e) => [e]));
    await store.close();
  }, 60_000);

  test('replicas paused for most of timeoutMs: reads on the same masters answer before they return, and durable puts wait for them', async () => {
    // WAIT blocks the master's shared connection on the server. ioredis bounds each command by
    // timeoutMs / 3 (3000 ms here), WAIT included. Sent as one WAIT of the whole time left, it
    // held the connection until the replicas returned (7200 ms here), and every read queued
    // behind it waited as long (timing out and retrying meanwhile). WAIT now goes in rounds
    // shorter than the command timeout (lib/cluster/durable.ts): a read waits one round at most,
    // so it settles before the replicas return. Ordered against the resume, not timed.
    const timeoutMs = 9000;
    const store = await RedisClusterStore.connect(cluster.addresses, { keyPrefix: 'lag:', timeoutMs, durability: { replicas: 1 } });
    const ids = Array.from({ length: 12 }, (_, i) => i); // spread over the three masters
    for (const e of ids) await store.put(0, { entityId: e, timestamp: 1, vector: [e] });
    const nodes = await cluster.cli(cluster.ports[0], ['cluster', 'nodes']);
    const replicas = nodes.split('\n').filter((l) => /\bslave\b/.test(l) && !/\bfail\b/.test(l)).map((l) => Number(/:(\d+)@/.exec(l)![1]));
    expect(replicas.length).toBeGreaterThan(0);
    replicas.forEach((p) => process.kill(cluster.node(p)!.pid, 'SIGSTOP'));
    let resumed = false;
    const resume = () => {
      if (!resumed) replicas.forEach((p) => process.kill(cluster.node(p)!.pid, 'SIGCONT'));
      resumed = true;
    };
    const timer = setTimeout(resume, timeoutMs * 0.8);
    try {
      const puts = Promise.allSettled(ids.map((e) => store.put(0, { entityId: e, timestamp: 2, vector: [e + 0.5] })));
      await sleep(100); // the WAITs are sent: reads now queue behind them on each master's connection
      const reads = await Promise.allSettled(ids.map((e) => store.get(e, 0, 1)));
      expect(resumed).toBe(false); // answered while the replicas were still paused
      expect(reads.map((r) => (r.status === 'fulfilled' ? r.value && Array.from(r.value.vector) : (r.reason as { code: string }).code)))
        .toEqual(ids.map((e) => [e]));
      expect((await puts).map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code))).toEqual(ids.map(() => 'ok'));
      expect(resumed).toBe(true); // acknowledged only once a replica held the write
    } finally {
      clearTimeout(timer);
      resume();
      await store.close();
    }
  }, 60_000);

  test('a master SIGKILLed during ingest with replicas: 1 loses no acknowledged write', async () => {
    // A promoted replica has no replica of its own, so WAIT on it runs to timeoutMs and the write
    // is refused: keep that short, and the ingest after the kill short.
    const store = await RedisClusterStore.connect(cluster.addresses, { keyPrefix: 'kill:', timeoutMs: 3000, durability: { replicas: 1 } });
    const acked: Array<[number, number]> = [];
    let refused = 0;
    const [victim] = await masters(cluster, cluster.ports[0]);
    const live = cluster.ports.find((p) => p !== victim)!;
    for (let batch = 0; batch < 45; batch++) {
      if (batch === 30) process.kill(cluster.node(victim)!.pid, 'SIGKILL');
      const pts = Array.from({ length: 30 }, (_, i) => ({ entityId: i, timestamp: batch, vector: [i, batch] }));
      // One put per point, all at once: each is acknowledged (or refused) on its own.
      const got = await Promise.allSettled(pts.map((p) => store.put(0, p)));
      got.forEach((g, i) => {
        if (g.status === 'fulfilled') acked.push([i, batch]);
        else {
          expect(g.reason).toMatchObject({ code: 'CVX_UNAVAILABLE' });
          refused++;
        }
      });
    }
    await clusterOk(cluster, live, 30_000);
    expect(acked.length).toBeGreaterThan(30 * 30); // everything before the kill, and more
    const found = await store.getMany(0, acked.map(([entityId, timestamp]) => ({ entityId, timestamp })));
    const lost = acked.filter((_, i) => found[i] === undefined);
    expect(lost).toEqual([]);
    found.forEach((p, i) => expect(Array.from(p!.vector)).toEqual([acked[i][0], acked[i][1]]));
    const report = await store.verify();
    expect(report).toMatchObject({ ok: true, issueCount: 0 });
    expect(report.vectorsScanned).toBeGreaterThanOrEqual(acked.length);
    // eslint-disable-next-line no-console
    console.log(`kill test: ${acked.length} writes acknowledged, ${refused} refused with CVX_UNAVAILABLE, none lost`);
    await store.close();
  }, 180_000);
});
