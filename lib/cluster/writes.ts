// The cluster's writes: arguments checked by the shared rules (validate.ts, columns.ts), the
// space's dimension checked or fixed (space_dims.ts), then one script per (entity, space)
// series (scripts.ts), and WAIT when durability asks (durable.ts). One point is always atomic;
// putMany is atomic per series, not as a whole (its series may live on different masters).
import { columnBigInt, toColumns, type ColumnarBatch } from '../columns';
import { checkI64, checkFinite, checkPoint, checkRange, checkU64, toU32 } from '../validate';
import type { IntLike, PointInput } from '../types';
import type { ResolvedClusterOptions } from './connect';
import { waitReplicas, waitReplicasMany } from './durable';
import { encodeTs, encodeVector, lexBound, seriesKeys } from './keys';
import type { ScriptedCluster } from './scripts';
import type { SpaceDims } from './space_dims';

/** What every cluster operation works with. */
export interface ClusterCtx {
  client: ScriptedCluster;
  o: ResolvedClusterOptions;
  dims: SpaceDims;
}

/** Checks a put synchronously (so the caller may reuse its vector at once) and returns its work. */
/** What is left of a call's time, for the WAIT that ends it. */
const left = (ctx: ClusterCtx, started: number) => ctx.o.timeoutMs - (Date.now() - started);

export function putWork(ctx: ClusterCtx, spaceId: unknown, point: unknown): () => Promise<void> {
  const p = checkPoint(point, 'point');
  const space = toU32(spaceId, 'spaceId');
  checkFinite(p.vector, 'point.vector');
  const entity = BigInt(p.entityId);
  const args = [encodeTs(BigInt(p.timestamp)), encodeVector(p.vector)];
  const started = Date.now();
  return async () => {
    if (!ctx.dims.checkCached(space, p.dim, 'point.vector')) await ctx.dims.check(space, p.dim, 'point.vector');
    const k = seriesKeys(ctx.o.prefix, entity, space);
    await ctx.client.cvxPut(k.vectors, k.index, k.timeline, String(ctx.o.keyframeInterval), ...args);
    await waitReplicas(ctx.client, k.vectors, ctx.o.replicas, left(ctx, started));
  };
}

/** Checks a putMany synchronously and returns its work: one script per series, sent in one tick. */
export function putManyWork(ctx: ClusterCtx, spaceId: unknown, points: Iterable<PointInput> | ColumnarBatch): (() => Promise<void>) | undefined {
  const space = toU32(spaceId, 'spaceId');
  const [ids, tss, vectors, dim] = toColumns(points);
  const n = ids.length;
  if (n === 0) return undefined;
  const groups = new Map<bigint, Buffer[]>();
  for (let i = 0; i < n; i++) {
    const entity = columnBigInt(ids, i, 'batch.entityIds', true);
    const ts = columnBigInt(tss, i, 'batch.timestamps', false);
    const v = vectors.subarray(i * dim, (i + 1) * dim);
    checkFinite(v, `points[${i}].vector`);
    let g = groups.get(entity);
    if (!g) groups.set(entity, (g = []));
    g.push(encodeTs(ts), encodeVector(v));
  }
  const started = Date.now();
  return async () => {
    if (!ctx.dims.checkCached(space, dim, 'points[0].vector')) await ctx.dims.check(space, dim, 'points[0].vector');
    const keys: string[] = [];
    const sent = [...groups].map(([entity, args]) => {
      const k = seriesKeys(ctx.o.prefix, entity, space);
      keys.push(k.vectors);
      return ctx.client.cvxPut(k.vectors, k.index, k.timeline, String(ctx.o.keyframeInterval), ...args);
    });
    await Promise.all(sent);
    await waitReplicasMany(ctx.client, keys, ctx.o.replicas, left(ctx, started));
  };
}

/** Checks a delete and returns its work, resolving whether a point was removed. */
export function deleteWork(ctx: ClusterCtx, entityId: IntLike, spaceId: unknown, timestamp: IntLike): () => Promise<boolean> {
  const entity = BigInt(checkU64(entityId, 'entityId'));
  const space = toU32(spaceId, 'spaceId');
  const ts = encodeTs(BigInt(checkI64(timestamp, 'timestamp')));
  const started = Date.now();
  return async () => {
    const gate = ctx.dims.gate(space); // a first write to the space still fixing its dimension goes first
    if (gate) await gate.catch(() => undefined);
    const k = seriesKeys(ctx.o.prefix, entity, space);
    const removed = (await ctx.client.cvxDelete(k.vectors, k.index, k.timeline, ts)) === 1;
    if (removed) await waitReplicas(ctx.client, k.vectors, ctx.o.replicas, left(ctx, started));
    return removed;
  };
}

/** Checks a deleteRange and returns its work, resolving the number of points removed. */
export function deleteRangeWork(ctx: ClusterCtx, entityId: IntLike, spaceId: unknown, start: IntLike, end: IntLike): () => Promise<number> {
  const entity = BigInt(checkU64(entityId, 'entityId'));
  const r = checkRange(start, end, undefined);
  const space = toU32(spaceId, 'spaceId');
  const started = Date.now();
  return async () => {
    const gate = ctx.dims.gate(space);
    if (gate) await gate.catch(() => undefined);
    const k = seriesKeys(ctx.o.prefix, entity, space);
    const removed = await ctx.client.cvxDeleteRange(k.vectors, k.index, k.timeline, lexBound(BigInt(r.start)), lexBound(BigInt(r.end)));
    if (removed > 0) await waitReplicas(ctx.client, k.vectors, ctx.o.replicas, left(ctx, started));
    return removed;
  };
}
