// The conformance suite (conformance/) on a real six-node Redis Cluster started for this file
// (helpers/redis_cluster.ts): each store is a fresh key prefix on it, reopen is a new client on
// the same prefix. Without redis-server: fails under CI=true, says so loudly otherwise.
import { RedisClusterStore, type TemporalStore } from '../lib';
import type { Backend } from './conformance/backend';
import { conformance } from './conformance';
import { redisAvailable, startTestCluster, type TestCluster } from './helpers/redis_cluster';

const available = redisAvailable();
let cluster: TestCluster | undefined;
let n = 0;
const prefixes = new WeakMap<TemporalStore, string>();

const onCluster: Backend = {
  name: 'cluster',
  async open(options) {
    const keyPrefix = `t${process.pid}-${n++}:`;
    const store = await RedisClusterStore.connect(cluster!.addresses, { ...options, keyPrefix });
    prefixes.set(store, keyPrefix);
    return store;
  },
  async reopen(store, options) {
    await store.close();
    const keyPrefix = prefixes.get(store)!;
    const again = await RedisClusterStore.connect(cluster!.addresses, { ...options, keyPrefix });
    prefixes.set(again, keyPrefix);
    return again;
  },
};

if (available) {
  beforeAll(async () => {
    cluster = await startTestCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);
  conformance(onCluster, { withSync: false });
} else {
  test.skip('redis-server is not installed: the cluster conformance suite did not run', () => undefined);
}
