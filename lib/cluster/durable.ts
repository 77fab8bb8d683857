// Durability on a cluster: `WAIT replicas timeout` on the connection that ran the write. WAIT
// counts the replicas that hold everything this connection wrote before it, so it must go to
// the master that ran the write, over the same connection: the slot's master as the client
// knows it after the write. If a failover moved the slot meanwhile, WAIT runs on the new master,
// whose replicas cannot vouch for a write the old one took, so the count comes back short and
// the write is reported CVX_UNAVAILABLE, never acknowledged by mistake.
import type { Cluster, Redis } from 'ioredis';
import { makeError } from '../errors';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const calculateSlot = require('cluster-key-slot') as (key: string) => number;

/** The client's connection to the master serving `key`'s slot, or undefined when none is known. */
export function masterFor(client: Cluster, key: string): Redis | undefined {
  const addr = client.slots[calculateSlot(key)]?.[0];
  if (addr === undefined) return undefined;
  return client.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === addr);
}

/**
 * WAITs not yet sent, per node connection. WAIT blocks its connection on the server, so writes
 * completed in the same tick share one: it covers every write its connection ran before it.
 */
const unsent = new WeakMap<Redis, Promise<number>>();

function sharedWait(node: Redis, replicas: number, timeoutMs: number): Promise<number> {
  let p = unsent.get(node);
  if (!p) {
    p = new Promise<void>((r) => setImmediate(r)).then(() => {
      unsent.delete(node);
      return node.wait(replicas, timeoutMs);
    });
    unsent.set(node, p);
  }
  return p;
}

/**
 * The longest one WAIT may block its connection: under the connection's command timeout, with a
 * margin for the round trip. ioredis applies commandTimeout to WAIT (not one of its blocking
 * commands): a WAIT longer than it failed client-side at commandTimeout (timeoutMs / 3) while the
 * server still held the shared connection until WAIT's own timeout, stalling every other command
 * sent to that master meanwhile.
 */
function waitRound(node: Redis): number {
  const ct = node.options.commandTimeout;
  if (!ct) return Infinity;
  return Math.max(1, ct - Math.max(10, Math.floor(ct / 5)));
}

/**
 * Resolves once `replicas` replicas hold the writes made for `key` (called after they
 * completed); CVX_UNAVAILABLE otherwise. `timeoutMs` is what is left of the call's time. WAIT is
 * sent in rounds each shorter than the connection's command timeout (waitRound), again until the
 * replicas answer or the time is spent: a replica lagging longer than one round but less than
 * `timeoutMs` still acknowledges the write, and other commands on the connection run between rounds.
 */
export async function waitReplicas(client: Cluster, key: string, replicas: number, timeoutMs: number): Promise<void> {
  if (replicas === 0) return;
  const node = masterFor(client, key);
  if (!node) throw makeError('CVX_UNAVAILABLE', `no master is known for the slot of ${key}; the write may not be durable`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = Math.max(1, deadline - Date.now());
    // Each round WAITs on the same connection: WAIT counts replicas holding everything it wrote.
    const acked = await sharedWait(node, replicas, Math.min(left, waitRound(node)));
    if (acked >= replicas) return;
    if (Date.now() >= deadline) {
      throw makeError('CVX_UNAVAILABLE', `the write reached ${acked} of ${replicas} replica(s) within ${timeoutMs} ms; it may not survive a failover`);
    }
  }
}

/** One WAIT per master that served any of `keys` (a putMany's groups), all at once. */
export async function waitReplicasMany(client: Cluster, keys: string[], replicas: number, timeoutMs: number): Promise<void> {
  if (replicas === 0) return;
  const byNode = new Map<Redis | undefined, string>();
  for (const k of keys) {
    const node = masterFor(client, k);
    if (!byNode.has(node)) byNode.set(node, k);
  }
  await Promise.all([...byNode.values()].map((k) => waitReplicas(client, k, replicas, timeoutMs)));
}
