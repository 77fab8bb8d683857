// Connecting to a Redis Cluster: the options RedisClusterStore.connect takes (checked here, in
// the words of validate.ts), the ioredis Cluster client built from them, and the two rules that
// keep a cluster call from hanging or leaking a foreign error: every operation is bounded by
// `timeoutMs` (CVX_UNAVAILABLE past it), and every ioredis failure becomes a HotStoreError.
import type { Cluster } from 'ioredis';
import { HotStoreError, invalidArgument, makeError } from '../errors';
import { checkBoolean, checkIntNumber, checkNonEmptyString, describe, field, readOptions } from '../validate';

/** What {@link RedisClusterStore.connect} takes besides the node addresses. */
export interface ClusterStoreOptions {
  /** Return ids and timestamps as bigint instead of number. Default false. */
  bigint?: boolean;
  /** Written into new timelines. Default 10. */
  keyframeInterval?: number;
  /** Prefix of every key this store writes (several stores may share a cluster). Default `cvx:`. */
  keyPrefix?: string;
  /**
   * Longest time, in ms, one operation may take, retries and failover waits included; past it
   * the call fails with CVX_UNAVAILABLE (a write's outcome is then unknown). Default 5000.
   */
  timeoutMs?: number;
  /**
   * Acknowledge a write only once `replicas` replicas of its master hold it (Redis `WAIT`, on the
   * connection that ran the write), within `timeoutMs`; otherwise CVX_UNAVAILABLE. Default: no
   * wait (a failover can lose the last writes acknowledged by a master; docs/scale-out.md).
   */
  durability?: { replicas: number };
}

/** The options as checked, defaults filled in. */
export interface ResolvedClusterOptions {
  bigint: boolean;
  keyframeInterval: number;
  prefix: string;
  timeoutMs: number;
  replicas: number;
}

export function resolveClusterOptions(options: unknown): ResolvedClusterOptions {
  const o = readOptions<ClusterStoreOptions>(options, ['bigint', 'keyframeInterval', 'keyPrefix', 'timeoutMs', 'durability']);
  let replicas = 0;
  if (o.durability !== undefined) {
    if (o.durability === null || typeof o.durability !== 'object') {
      throw invalidArgument(`options.durability must be an object { replicas }, got ${describe(o.durability)}`);
    }
    replicas = checkIntNumber(field(o.durability, 'replicas', 'options.durability.replicas'), 'options.durability.replicas', 0, 16);
  }
  return {
    bigint: checkBoolean(o.bigint, 'options.bigint', false),
    keyframeInterval: o.keyframeInterval === undefined ? 10 : checkIntNumber(o.keyframeInterval, 'options.keyframeInterval', 1, 65535),
    prefix: o.keyPrefix === undefined ? 'cvx:' : checkKeyPrefix(o.keyPrefix),
    timeoutMs: o.timeoutMs === undefined ? 5000 : checkIntNumber(o.timeoutMs, 'options.timeoutMs', 1, 600_000),
    replicas,
  };
}

function checkKeyPrefix(v: unknown): string {
  const s = checkNonEmptyString(v, 'options.keyPrefix');
  // A brace would change the hash tag every key relies on.
  if (/[{}]/.test(s)) throw invalidArgument('options.keyPrefix must not contain { or }');
  return s;
}

/** The startup nodes: `redis://host:port`, `host:port` or `{ host, port }`, at least one. */
export function checkNodes(nodes: unknown): Array<{ host: string; port: number }> {
  if (!Array.isArray(nodes) || nodes.length === 0) throw invalidArgument('nodes must be a non-empty array of addresses (redis://host:port)');
  return nodes.map((n, i) => {
    const name = `nodes[${i}]`;
    if (typeof n === 'string') {
      const m = /^(?:redis:\/\/)?([^:/\s]+):(\d{1,5})\/?$/.exec(n);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw invalidArgument(`${name} must be redis://host:port, got ${JSON.stringify(n)}`);
      return { host: m[1], port: Number(m[2]) };
    }
    if (n !== null && typeof n === 'object') {
      const host = checkNonEmptyString(field(n, 'host', `${name}.host`), `${name}.host`);
      const port = checkIntNumber(field(n, 'port', `${name}.port`), `${name}.port`, 1, 65535);
      return { host, port };
    }
    throw invalidArgument(`${name} must be redis://host:port or { host, port }, got ${describe(n)}`);
  });
}

/** Reply errors that mean "the cluster is moving or down", not "this request is wrong". */
const TRANSIENT = /^(CLUSTERDOWN|TRYAGAIN|MOVED|ASK|READONLY|LOADING|MASTERDOWN|NOREPLICAS|BUSY)\b/;

/** Any failure of a cluster call as a HotStoreError: ours pass through, the rest are coded. */
export function clusterError(e: unknown, what: string): HotStoreError {
  if (e instanceof HotStoreError) return e;
  const err = e as { name?: string; message?: string };
  const msg = String(err?.message ?? e);
  // A reply error that is not transient is a request the server refused (OOM, a script error).
  const code = err?.name === 'ReplyError' && !TRANSIENT.test(msg) ? 'CVX_IO' : 'CVX_UNAVAILABLE';
  const out = makeError(code, `${what}: ${msg}`);
  Object.defineProperty(out, 'cause', { value: e, configurable: true, writable: true });
  return out;
}

/** `work` bounded by `ms`: its result, or CVX_UNAVAILABLE when it takes longer; errors coded. */
export async function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(makeError('CVX_UNAVAILABLE', `${what} did not complete within ${ms} ms (timeoutMs)`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } catch (e) {
    throw clusterError(e, what);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `work` until it succeeds, fails for a reason other than availability, or `deadlineMs`
 * (a Date.now() value) is near. A failure of availability (a node gone, a slot moving during a
 * failover) makes the client reload the slot map before the next try; only idempotent work is
 * retried (`retry`), the rest fails at once, with the slot map reloaded for the next call.
 */
export async function withRetries<T>(client: Cluster, work: () => Promise<T>, what: string, deadlineMs: number, retry: boolean): Promise<T> {
  for (;;) {
    try {
      return await work();
    } catch (e) {
      const err = clusterError(e, what);
      if (err.code !== 'CVX_UNAVAILABLE') throw err;
      client.refreshSlotsCache();
      if (!retry || Date.now() + 200 > deadlineMs) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A connected ioredis Cluster, ready (slots known), or CVX_UNAVAILABLE within `timeoutMs`. */
export async function openCluster(nodes: Array<{ host: string; port: number }>, o: ResolvedClusterOptions): Promise<Cluster> {
  // Loaded here so that users of the embedded store never load ioredis.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { Cluster: ClusterClass } = require('ioredis') as typeof import('ioredis');
  const client = new ClusterClass(nodes, {
    // Commands issued in one tick go out as one pipeline per node (putMany, getMany, getManyAsOf).
    enableAutoPipelining: true,
    lazyConnect: true,
    slotsRefreshTimeout: Math.min(o.timeoutMs, 2000),
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    maxRedirections: 64,
    clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
    // A command may time out a few times within timeoutMs, so a call can retry after a failover.
    redisOptions: { commandTimeout: Math.max(50, Math.floor(o.timeoutMs / 3)), connectTimeout: Math.min(o.timeoutMs, 2000), maxRetriesPerRequest: 2 },
  });
  client.on('error', () => { /* surfaced per call as CVX_UNAVAILABLE; never an unhandled 'error' event */ });
  try {
    await bounded(client.connect(), o.timeoutMs, `connecting to the cluster at ${nodes.map((n) => `${n.host}:${n.port}`).join(', ')}`);
  } catch (e) {
    client.disconnect();
    throw e;
  }
  return client;
}
