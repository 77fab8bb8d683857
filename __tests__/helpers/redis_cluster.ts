// The test cluster: six redis-server nodes (three masters, three replicas) started by
// scripts/redis_cluster.js in a temp dir, stopped by PID in afterAll and, should jest exit
// first, by a process exit handler. Without redis-server a CI run (CI=true) fails loudly and a
// local run says loudly that the cluster half of the suite did not run.
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const script = require(path.join(__dirname, '..', '..', 'scripts', 'redis_cluster.js')) as {
  startCluster(o?: { basePort?: number; nodeTimeoutMs?: number }): Promise<TestCluster>;
  which(prog: string): string | undefined;
};

export interface ClusterNodeProcess {
  port: number;
  pid: number;
  dir: string;
  exited: boolean;
}

export interface TestCluster {
  ports: number[];
  addresses: string[];
  nodes: ClusterNodeProcess[];
  dir: string;
  stop(): Promise<void>;
  node(port: number): ClusterNodeProcess | undefined;
  restart(port: number): Promise<ClusterNodeProcess>;
  cli(port: number, args: string[], timeoutMs?: number): Promise<string>;
}

const live = new Set<TestCluster>();
process.on('exit', () => {
  for (const c of live) for (const n of c.nodes) if (!n.exited) try { process.kill(n.pid, 'SIGKILL'); } catch { /* gone */ }
});

/** True when redis-server can be run here; otherwise loud (CI: throws). */
export function redisAvailable(): boolean {
  if (script.which('redis-server') && script.which('redis-cli')) return true;
  const msg = 'redis-server is NOT installed: the Redis Cluster half of the conformance suite DID NOT RUN (apt-get install redis-server)';
  if (process.env.CI) throw new Error(`${msg}; CI must install it (.ci/run does)`);
  // eslint-disable-next-line no-console
  console.warn(`\n${'!'.repeat(100)}\n!!! ${msg}\n${'!'.repeat(100)}\n`);
  return false;
}

/** Starts a cluster (the first free port range from `basePort`); stop it in afterAll. */
export async function startTestCluster(options: { basePort?: number; nodeTimeoutMs?: number } = {}): Promise<TestCluster> {
  const c = await script.startCluster({ basePort: 7100, ...options });
  live.add(c);
  const stop = c.stop;
  c.stop = async () => {
    await stop();
    live.delete(c);
  };
  return c;
}
