// The cluster's reads: the shared argument checks (validate.ts, as_of.ts, columns.ts), one
// command or read script per series, and the answers shaped as the embedded store shapes them
// (shape.ts, ints.ts). Batches (getMany, getManyAsOf) send all their commands in one tick, which
// the client pipelines per node.
import { asOfArgs, latestArgs, manyAsOfArgs, type AsOfArgs } from '../as_of';
import { columnBigInt, toKeyColumns, type KeyColumns } from '../columns';
import { makeError } from '../errors';
import { I64_MIN, toOutput } from '../ints';
import { pointOf } from '../shape';
import type { AsOfColumns, EntityTimeline, GetManyOptions, IntLike, PointKey, RangeColumns, TemporalPoint } from '../types';
import { checkGetManyOptions, checkI64, checkRange, checkU64, toU32 } from '../validate';
import { decodeTs, decodeVector, encodeTs, lexBound, seriesKeys } from './keys';
import type { ClusterCtx } from './writes';

function damaged(what: string): Error {
  return makeError('CVX_CORRUPTION', `the cluster holds a damaged series: ${what}`);
}

export function getWork(ctx: ClusterCtx, entityId: IntLike, spaceId: unknown, timestamp: IntLike) {
  const e = checkU64(entityId, 'entityId');
  const t = checkI64(timestamp, 'timestamp');
  const space = toU32(spaceId, 'spaceId');
  return async (): Promise<TemporalPoint | undefined> => {
    const k = seriesKeys(ctx.o.prefix, BigInt(e), space);
    const v = await ctx.client.hgetBuffer(k.vectors, encodeTs(BigInt(t)));
    return v === null ? undefined : pointOf(e, t, decodeVector(v), ctx.o.bigint);
  };
}

export function getManyWork(ctx: ClusterCtx, spaceId: unknown, keys: Iterable<PointKey> | KeyColumns, options?: GetManyOptions) {
  const space = toU32(spaceId, 'spaceId');
  const [ids, tss] = toKeyColumns(keys);
  checkGetManyOptions(options, false);
  const es: bigint[] = [];
  const ts: bigint[] = [];
  for (let i = 0; i < ids.length; i++) {
    es.push(columnBigInt(ids, i, 'keys.entityIds', true));
    ts.push(columnBigInt(tss, i, 'keys.timestamps', false));
  }
  return async (): Promise<Array<TemporalPoint | undefined>> => {
    const got = await Promise.all(es.map((e, i) => ctx.client.hgetBuffer(seriesKeys(ctx.o.prefix, e, space).vectors, encodeTs(ts[i]))));
    return got.map((v, i) => (v === null ? undefined : pointOf(ids[i], tss[i], decodeVector(v), ctx.o.bigint)));
  };
}

/** A range's columns: timestamps and vectors, in the order asked. */
export function rangeColumnsWork(ctx: ClusterCtx, entityId: IntLike, spaceId: unknown, start: IntLike, end: IntLike, options: unknown) {
  const e = BigInt(checkU64(entityId, 'entityId'));
  const r = checkRange(start, end, options);
  const space = toU32(spaceId, 'spaceId');
  return async (): Promise<RangeColumns> => {
    const k = seriesKeys(ctx.o.prefix, e, space);
    const [a, b] = r.reverse ? [lexBound(BigInt(r.end)), lexBound(BigInt(r.start))] : [lexBound(BigInt(r.start)), lexBound(BigInt(r.end))];
    const flat = await ctx.client.cvxRangeBuffer(k.vectors, k.index, a, b, r.reverse ? '1' : '0', String(r.limit));
    const count = flat.length / 2;
    const dim = count === 0 ? 0 : (flat[1]?.length ?? 0) / 4;
    const timestamps = new BigInt64Array(count);
    const vectors = new Float32Array(count * dim);
    for (let i = 0; i < count; i++) {
      const v = flat[2 * i + 1];
      if (!v || v.length !== dim * 4) throw damaged(`${k.index} lists a point whose vector is missing or of another dimension`);
      timestamps[i] = decodeTs(flat[2 * i]);
      vectors.set(decodeVector(v), i * dim);
    }
    return { count, dim, timestamps, vectors };
  };
}

/** A range as points, each vector a view of the one column. */
export function rangeWork(ctx: ClusterCtx, entityId: IntLike, spaceId: unknown, start: IntLike, end: IntLike, options: unknown) {
  const cols = rangeColumnsWork(ctx, entityId, spaceId, start, end, options);
  const id = entityId;
  return async (): Promise<TemporalPoint[]> => {
    const { count, dim, timestamps, vectors } = await cols();
    const out: TemporalPoint[] = new Array(count);
    const e = toOutput(id, ctx.o.bigint, 'entityId');
    for (let i = 0; i < count; i++) {
      out[i] = { entityId: e, timestamp: toOutput(timestamps[i], ctx.o.bigint, 'timestamp'), vector: vectors.subarray(i * dim, (i + 1) * dim) };
    }
    return out;
  };
}

/** One as-of lookup: the point of greatest timestamp in [min, at], sent now. */
async function asOf(ctx: ClusterCtx, e: bigint, space: number, at: bigint, min: bigint | undefined): Promise<[bigint, Float32Array] | undefined> {
  const k = seriesKeys(ctx.o.prefix, e, space);
  const got = await ctx.client.cvxAsOfBuffer(k.vectors, k.index, lexBound(at), min === undefined ? '-' : lexBound(min));
  if (got === null) return undefined;
  if (!got[1]) throw damaged(`${k.index} lists a point whose vector is missing`);
  return [decodeTs(got[0]), decodeVector(got[1])];
}

function asOfPointWork(ctx: ClusterCtx, [e, space, at, min]: AsOfArgs) {
  return async (): Promise<TemporalPoint | undefined> => {
    const got = await asOf(ctx, BigInt(e), space, BigInt(at), min === undefined ? undefined : BigInt(min));
    return got && pointOf(e, got[0], got[1], ctx.o.bigint);
  };
}

export function getAsOfWork(ctx: ClusterCtx, entityId: unknown, spaceId: unknown, t: unknown, options: unknown) {
  return asOfPointWork(ctx, asOfArgs(entityId, spaceId, t, options));
}

export function getLatestWork(ctx: ClusterCtx, entityId: unknown, spaceId: unknown) {
  return asOfPointWork(ctx, latestArgs(entityId, spaceId));
}

export function getManyAsOfWork(ctx: ClusterCtx, spaceId: unknown, entityIds: unknown, t: unknown, options: unknown) {
  const { args: [space, ids, at, tolerance] } = manyAsOfArgs(spaceId, entityIds, t, options, false);
  const n = ids.length;
  const es: bigint[] = [];
  const ts: bigint[] = [];
  for (let i = 0; i < n; i++) {
    es.push(columnBigInt(ids, i, 'entityIds', true));
    ts.push(typeof at === 'object' ? columnBigInt(at, i, 't', false) : BigInt(at));
  }
  const tol = tolerance === undefined ? undefined : BigInt(tolerance);
  return async (): Promise<AsOfColumns> => {
    const lows = ts.map((x) => (tol === undefined ? undefined : x - tol < I64_MIN ? I64_MIN : x - tol));
    const [dim, got] = await Promise.all([ctx.dims.read(space), Promise.all(es.map((e, i) => asOf(ctx, e, space, ts[i], lows[i])))]);
    const found = new Uint8Array(n);
    const timestamps = new BigInt64Array(n);
    const vectors = new Float32Array(n * dim);
    got.forEach((g, i) => {
      if (!g) return;
      if (g[1].length !== dim) throw damaged(`entity ${es[i]} of space ${space} holds a vector of dimension ${g[1].length}, not ${dim}`);
      found[i] = 1;
      timestamps[i] = g[0];
      vectors.set(g[1], i * dim);
    });
    return { count: n, dim, found, timestamps, vectors };
  };
}

export function getTimelineWork(ctx: ClusterCtx, entityId: IntLike, spaceId: unknown) {
  const e = checkU64(entityId, 'entityId');
  const space = toU32(spaceId, 'spaceId');
  return async (): Promise<EntityTimeline | undefined> => {
    const k = seriesKeys(ctx.o.prefix, BigInt(e), space);
    return decodeTimeline(await ctx.client.hgetallBuffer(k.timeline), e, space, ctx.o.bigint, k.timeline);
  };
}

/** A timeline hash (f, l: 8-byte timestamps; n, k: decimal) as an EntityTimeline; undefined when empty. */
export function decodeTimeline(h: Record<string, Buffer>, e: IntLike, space: number, bigint: boolean, key: string): EntityTimeline | undefined {
  if (Object.keys(h).length === 0) return undefined;
  const { f, l, n, k } = h;
  if (f?.length !== 8 || l?.length !== 8 || !/^\d{1,15}$/.test(String(n)) || !/^\d{1,5}$/.test(String(k))) throw damaged(`${key} does not decode`);
  return {
    entityId: toOutput(e, bigint, 'entityId'),
    spaceId: space,
    firstSeen: toOutput(decodeTs(f), bigint, 'firstSeen'),
    lastSeen: toOutput(decodeTs(l), bigint, 'lastSeen'),
    pointCount: Number(String(n)),
    keyframeInterval: Number(String(k)),
  };
}
