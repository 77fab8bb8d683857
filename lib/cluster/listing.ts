// Whole-cluster listings: spaces, entities and stats. They read slot by slot (a SCAN per master,
// then the keys found), so unlike the embedded store's they are NOT one atomic view: a write
// made during the walk may or may not show, and a series may be seen in one state and its space
// in another. Each series' own timeline is still exact when read.
import type { Cluster, Redis } from 'ioredis';
import type { EntityTimeline, SpaceInfo } from '../types';
import { parseTimelineKey, spacePattern, timelinePattern } from './keys';
import { decodeTimeline } from './reads';
import type { ClusterCtx } from './writes';

/** Every key matching `pattern` on every master (each master's SCAN walk to its end). */
export async function scanKeys(client: Cluster, pattern: string): Promise<string[]> {
  const out: string[] = [];
  await Promise.all(client.nodes('master').map(async (node: Redis) => {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      out.push(...keys);
      cursor = next;
    } while (cursor !== '0');
  }));
  return out;
}

/** Every series (entity, space) that has a timeline, optionally of one space, in (entity, space) order. */
export async function seriesList(ctx: ClusterCtx, space?: number): Promise<Array<{ entityId: bigint; spaceId: number }>> {
  const all = (await scanKeys(ctx.client, timelinePattern(ctx.o.prefix)))
    .map((k) => parseTimelineKey(ctx.o.prefix, k))
    .filter((s): s is { entityId: bigint; spaceId: number } => s !== undefined && (space === undefined || s.spaceId === space));
  return all.sort((a, b) => (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : a.spaceId - b.spaceId));
}

/** The timelines of `list`, pipelined per node. */
async function timelinesOf(ctx: ClusterCtx, list: Array<{ entityId: bigint; spaceId: number }>): Promise<Array<EntityTimeline | undefined>> {
  const { prefix, bigint } = ctx.o;
  return Promise.all(list.map(async ({ entityId, spaceId }) => {
    const key = `${prefix}{${entityId}:${spaceId}}:t`;
    return decodeTimeline(await ctx.client.hgetallBuffer(key), entityId, spaceId, bigint, key);
  }));
}

/** entities(): every timeline, in (entity, space) order, read in batches of 500 after one listing. */
export async function* entityTimelines(ctx: ClusterCtx, space: number | undefined, bounded: <T>(p: Promise<T>) => Promise<T>): AsyncGenerator<EntityTimeline> {
  const list = await bounded(seriesList(ctx, space));
  for (let i = 0; i < list.length; i += 500) {
    for (const tl of await bounded(timelinesOf(ctx, list.slice(i, i + 500)))) if (tl) yield tl;
  }
}

/** spaces(): each space with a fixed dimension, and its entities and points summed from the timelines. */
export async function spaceSummaries(ctx: ClusterCtx): Promise<SpaceInfo[]> {
  const spaceKeys = await scanKeys(ctx.client, spacePattern(ctx.o.prefix));
  const ids = spaceKeys.map((k) => Number(k.slice(`${ctx.o.prefix}space:`.length))).filter((s) => Number.isInteger(s));
  const dims = await Promise.all(ids.map((s) => ctx.dims.read(s)));
  const info = new Map<number, SpaceInfo>(ids.map((s, i) => [s, { spaceId: s, dim: dims[i], entities: 0, points: 0 }]));
  for (const tl of await timelinesOf(ctx, await seriesList(ctx))) {
    const s = tl && info.get(tl.spaceId);
    if (!s || !tl) continue;
    s.entities++;
    s.points += tl.pointCount;
  }
  return [...info.values()].sort((a, b) => a.spaceId - b.spaceId);
}

/** One node of the cluster as {@link ClusterStats} lists it. */
export interface ClusterNodeStats {
  address: string;
  role: 'master' | 'replica';
  /** Redis's `used_memory`, bytes. */
  usedMemoryBytes: number;
  /** Keys held (DBSIZE). */
  keys: number;
}

/** What {@link RedisClusterStore.stats} reports: per node memory and keys, and the spaces. */
export interface ClusterStats {
  nodes: ClusterNodeStats[];
  spaces: SpaceInfo[];
}

export async function clusterStats(ctx: ClusterCtx): Promise<ClusterStats> {
  const masters = new Set(ctx.client.nodes('master'));
  const nodes = await Promise.all(ctx.client.nodes('all').map(async (n: Redis): Promise<ClusterNodeStats> => {
    const [info, keys] = await Promise.all([n.info('memory'), n.dbsize()]);
    const used = /used_memory:(\d+)/.exec(info);
    return { address: `${n.options.host}:${n.options.port}`, role: masters.has(n) ? 'master' : 'replica', usedMemoryBytes: used ? Number(used[1]) : 0, keys };
  }));
  return { nodes: nodes.sort((a, b) => a.address.localeCompare(b.address)), spaces: await spaceSummaries(ctx) };
}
