#!/usr/bin/env node
// A throwaway six-node Redis Cluster (three masters, three replicas) on 127.0.0.1, from the
// system's redis-server, for the cluster tests and for trying RedisClusterStore by hand. Each
// node runs with appendonly yes in its own directory under one temp dir; the nodes are started
// as child processes and stopped by their PIDs (never by name), and the temp dir is removed.
//
//   node scripts/redis_cluster.js [--port 7100]   starts one, prints its addresses, stops it on Ctrl-C
//
// Library use (the jest helper, __tests__/helpers/redis_cluster.ts):
//   const c = await startCluster({ basePort: 7100 }); ... await c.stop();
'use strict';
const { execFile, spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const NODES = 6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The path of a program on PATH, or undefined. */
function which(prog) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(dir, prog);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch { /* not here */ }
  }
  return undefined;
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** The first base port from `from` (step 10) whose six client ports and six bus ports (+10000) are free. */
async function freeBase(from) {
  for (let base = from; base < from + 1000; base += 10) {
    let ok = true;
    for (let i = 0; i < NODES && ok; i++) ok = (await portFree(base + i)) && (await portFree(base + i + 10000));
    if (ok) return base;
  }
  throw new Error(`no free range of ${NODES} ports (and their bus ports) from ${from}`);
}

function cli(port, args, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-cli -p ${port} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

async function until(what, ms, probe) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`${what} did not happen within ${ms} ms${last ? `: ${last.message}` : ''}`);
}

/** Starts one node (a redis-server child) in `dir`; resolves once it answers PING. */
async function startNode(port, dir, nodeTimeoutMs) {
  fs.mkdirSync(dir, { recursive: true });
  const child = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'no', '--daemonize', 'no',
    '--dir', dir, '--logfile', path.join(dir, 'redis.log'), '--save', '',
    '--appendonly', 'yes', '--appendfsync', 'everysec',
    '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(nodeTimeoutMs),
  ], { stdio: 'ignore' });
  const node = { port, dir, pid: child.pid, child, exited: false };
  child.once('exit', () => { node.exited = true; });
  await until(`redis-server on port ${port} answering`, 10000, async () => (await cli(port, ['ping'], 2000)).trim() === 'PONG');
  return node;
}

/**
 * True once every node says the cluster is ok, sees all six nodes, and sees three replicas
 * (right after `--cluster create`, a replica-to-be can still show as a master without slots).
 */
async function clusterOk(ports) {
  for (const p of ports) {
    const info = await cli(p, ['cluster', 'info'], 2000);
    if (!/cluster_state:ok/.test(info) || !/cluster_slots_ok:16384/.test(info) || !new RegExp(`cluster_known_nodes:${ports.length}\\b`).test(info)) return false;
    const nodes = await cli(p, ['cluster', 'nodes'], 2000);
    if (nodes.split('\n').filter((l) => /\bslave\b/.test(l)).length !== ports.length / 2) return false;
  }
  return true;
}

/**
 * Starts the cluster. Options: basePort (default 7100; the first free range from there is used),
 * nodeTimeoutMs (cluster-node-timeout, how soon a silent master is failed over; default 2000).
 * Resolves { ports, nodes: [{ port, pid, dir }], addresses: ['redis://127.0.0.1:P', ...], dir, stop() }.
 */
async function startCluster(options = {}) {
  if (!which('redis-server') || !which('redis-cli')) {
    throw new Error('redis-server and redis-cli are not installed (Debian: apt-get install redis-server)');
  }
  const base = await freeBase(options.basePort ?? 7100);
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 2000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvx-redis-cluster-'));
  const nodes = [];
  const ports = Array.from({ length: NODES }, (_, i) => base + i);
  const stop = async () => {
    for (const n of nodes) if (!n.exited) process.kill(n.pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (nodes.some((n) => !n.exited) && Date.now() < deadline) await sleep(50);
    for (const n of nodes) if (!n.exited) process.kill(n.pid, 'SIGKILL');
    while (nodes.some((n) => !n.exited)) await sleep(20);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  };
  try {
    for (const p of ports) nodes.push(await startNode(p, path.join(dir, String(p)), nodeTimeoutMs));
    await cli(ports[0], ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], 60000);
    await until('the cluster reaching state ok on every node', 30000, () => clusterOk(ports));
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    ports,
    dir,
    nodes,
    addresses: ports.map((p) => `redis://127.0.0.1:${p}`),
    stop,
    /** A node's process by port, to kill or pause it (by its PID). */
    node: (port) => nodes.find((n) => n.port === port),
    /** Starts a stopped node again, on its own directory (its AOF and nodes.conf). */
    restart: async (port) => {
      const i = nodes.findIndex((n) => n.port === port);
      nodes[i] = await startNode(port, nodes[i].dir, nodeTimeoutMs);
      return nodes[i];
    },
    cli,
  };
}

module.exports = { startCluster, which };

if (require.main === module) {
  const i = process.argv.indexOf('--port');
  startCluster({ basePort: i > 0 ? Number(process.argv[i + 1]) : 7100 }).then((c) => {
    console.log(JSON.stringify({ addresses: c.addresses, pids: c.nodes.map((n) => n.pid), dir: c.dir }));
    console.log('cluster up; Ctrl-C stops it');
    const bye = () => c.stop().then(() => process.exit(0));
    process.once('SIGINT', bye);
    process.once('SIGTERM', bye);
  }, (e) => {
    console.error(e.message);
    process.exit(1);
  });
}
