// Several processes writing to one Redis Cluster at once (children/cluster_writer.ts): first
// writers of a space racing with different dimensions leave exactly one dimension, and
// concurrent overwrites and deleteRanges from several processes keep every timeline exact.
import { RedisClusterStore } from '../lib';
import { runChild } from './helpers/child';
import { redisAvailable, startTestCluster, type TestCluster } from './helpers/redis_cluster';

const available = redisAvailable();
let cluster: TestCluster;
const maybe = available ? describe : describe.skip;

maybe('writers in several processes on one cluster', () => {
  beforeAll(async () => {
    cluster = await startTestCluster();
  }, 120_000);
  afterAll(() => cluster?.stop(), 60_000);

  const writer = async (prefix: string, ...args: string[]) => {
    const r = await runChild('cluster_writer.ts', [cluster.addresses.join(','), prefix, ...args], [], 60_000);
    expect(r).toMatchObject({ code: 0, timedOut: false });
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  };

  test('first writers of a space racing with different dimensions: exactly one dimension wins', async () => {
    for (let round = 0; round < 3; round++) {
      const prefix = `race${round}:`;
      const results = await Promise.all([2, 3, 4, 5].map((dim) => writer(prefix, 'dim', '7', String(dim))));
      const won = results.filter((r) => r.ok);
      expect(won).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => r.code)).toEqual(['CVX_DIMENSION_MISMATCH', 'CVX_DIMENSION_MISMATCH', 'CVX_DIMENSION_MISMATCH']);
      const store = await RedisClusterStore.connect(cluster.addresses, { keyPrefix: prefix });
      expect(await store.spaces()).toEqual([{ spaceId: 7, dim: won[0].dim, entities: 1, points: 1 }]);
      await store.close();
    }
  }, 120_000);

  test('overwrites and deleteRanges from several processes keep the timeline exact', async () => {
    const prefix = 'multi:';
    await Promise.all([1, 2, 3].map((seed) => writer(prefix, 'ingest', '42', String(seed))));
    const store = await RedisClusterStore.connect(cluster.addresses, { keyPrefix: prefix });
    expect(await store.getTimeline(42, 0)).toMatchObject({ pointCount: 500, firstSeen: 0, lastSeen: 499 });
    expect(await store.verify()).toMatchObject({ ok: true, vectorsScanned: 500 });
    // Overlapping retention passes: each point is removed by exactly one of them.
    const removed = await Promise.all([writer(prefix, 'deleteRange', '42', '0', '300'), writer(prefix, 'deleteRange', '42', '200', '499')]);
    expect(removed[0].removed + removed[1].removed).toBe(500);
    expect(await store.getTimeline(42, 0)).toBeUndefined();
    expect(await store.verify()).toMatchObject({ ok: true, vectorsScanned: 0 });
    await store.close();
  }, 120_000);
});
