// verify() on a cluster: every series read whole in one script (so each series is checked at one
// moment; the walk over series is not atomic), its vectors, time index and timeline compared.
// The report has the embedded store's shape; `key` is the Redis key (plus, for a point, its
// 8-byte timestamp field), and 'vectors' / 'timelines' name the hash holding the points and the
// timeline hash. An index that disagrees with the vectors is a 'timeline-mismatch'.
import { narrow } from '../ints';
import type { TimelineSummary, VerifyIssue, VerifyReport } from '../types';
import { verifyArgs } from '../verify';
import { decodeTs, parseTimelineKey } from './keys';
import { scanKeys } from './listing';
import type { ClusterCtx } from './writes';

interface Series { entityId: bigint; spaceId: number; tag: string }

/** Every series that has any key under the prefix: vectors, index or timeline. */
async function allSeries(ctx: ClusterCtx): Promise<Series[]> {
  const { prefix } = ctx.o;
  const seen = new Map<string, Series>();
  for (const key of await scanKeys(ctx.client, `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}{*}:*`)) {
    const tag = key.slice(0, key.lastIndexOf(':'));
    const ids = parseTimelineKey(prefix, `${tag}:t`);
    if (ids && !seen.has(tag)) seen.set(tag, { ...ids, tag });
  }
  return [...seen.values()].sort((a, b) => (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : a.spaceId - b.spaceId));
}

function pairs(flat: Buffer[]): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (let i = 0; i + 1 < flat.length; i += 2) m.set(flat[i].toString('latin1'), flat[i + 1]);
  return m;
}

export async function verifyCluster(ctx: ClusterCtx, options: unknown): Promise<VerifyReport> {
  const [, maxIssues] = verifyArgs(options, false);
  const bigint = ctx.o.bigint;
  const issues: VerifyIssue[] = [];
  let issueCount = 0;
  let vectorsScanned = 0;
  let timelinesScanned = 0;
  let seriesCount = 0;
  const report = (i: VerifyIssue) => {
    issueCount++;
    if (issues.length < maxIssues) issues.push(i);
  };
  for (const s of await allSeries(ctx)) {
    const dim = await ctx.dims.read(s.spaceId);
    const [vflat, index, tflat] = await ctx.client.cvxSeriesBuffer(`${s.tag}:v`, `${s.tag}:i`, `${s.tag}:t`);
    const vectors = pairs(vflat);
    const tl = pairs(tflat);
    const at = { entityId: narrowId(s.entityId, bigint), spaceId: s.spaceId };
    vectorsScanned += vectors.size;
    if (vectors.size > 0) seriesCount++;
    for (const [field, v] of vectors) {
      const bad = v.length !== dim * 4 ? `dimension ${v.length / 4}, space ${s.spaceId} has dimension ${dim}` : nonFinite(v);
      if (bad) {
        const ts = Buffer.from(field, 'latin1');
        report({ kind: 'vector-undecodable', columnFamily: 'vectors', key: Buffer.concat([Buffer.from(`${s.tag}:v`), ts]), ...at, timestamp: ts.length === 8 ? narrowId(decodeTs(ts), bigint) : undefined, message: bad });
      }
    }
    const members = index.map((m) => m.toString('latin1'));
    const indexAgrees = members.length === vectors.size && members.every((m) => vectors.has(m));
    const expected: TimelineSummary | undefined = vectors.size === 0 ? undefined : {
      ...at, firstSeen: narrowId(minMax(vectors, -1), bigint), lastSeen: narrowId(minMax(vectors, 1), bigint), pointCount: vectors.size,
      keyframeInterval: Number(tl.get('k')?.toString() ?? ctx.o.keyframeInterval),
    };
    const key = Buffer.from(`${s.tag}:t`);
    if (tl.size > 0) timelinesScanned++;
    const stored = tl.size > 0 ? storedSummary(tl, at, bigint) : undefined;
    if (tl.size > 0 && !stored) report({ kind: 'timeline-undecodable', columnFamily: 'timelines', key, ...at, message: 'the timeline hash does not decode', expected });
    else if (!expected && stored) report({ kind: 'timeline-orphan', columnFamily: 'timelines', key, ...at, message: 'a timeline without points', stored });
    else if (expected && !stored) report({ kind: 'timeline-missing', columnFamily: 'timelines', key, ...at, message: 'points without a timeline', expected });
    else if (expected && stored && (!indexAgrees || !sameSummary(stored, expected))) {
      report({ kind: 'timeline-mismatch', columnFamily: 'timelines', key, ...at, message: indexAgrees ? 'the timeline disagrees with the points' : 'the time index disagrees with the points', stored, expected });
    }
  }
  return {
    ok: issueCount === 0, vectorsScanned, timelinesScanned, series: seriesCount, issueCount, issues,
    truncated: issueCount > issues.length, repaired: { timelinesWritten: 0, timelinesDeleted: 0, vectorsDeleted: 0 },
  };
}

function narrowId(v: bigint, bigint: boolean): number | bigint {
  return bigint ? v : narrow(v);
}

function nonFinite(v: Buffer): string | undefined {
  for (let i = 0; i + 4 <= v.length; i += 4) if (!Number.isFinite(v.readFloatLE(i))) return `element ${i / 4} is not finite`;
  return undefined;
}

/** The least (dir -1) or greatest (dir 1) timestamp among the vectors' fields. */
function minMax(vectors: Map<string, Buffer>, dir: number): bigint {
  let best: string | undefined;
  for (const f of vectors.keys()) if (best === undefined || (dir < 0 ? f < best : f > best)) best = f;
  return decodeTs(Buffer.from(best!, 'latin1'));
}

function storedSummary(tl: Map<string, Buffer>, at: { entityId: number | bigint; spaceId: number }, bigint: boolean): TimelineSummary | undefined {
  const f = tl.get('f');
  const l = tl.get('l');
  const n = tl.get('n')?.toString() ?? '';
  const k = tl.get('k')?.toString() ?? '';
  if (f?.length !== 8 || l?.length !== 8 || !/^\d{1,15}$/.test(n) || !/^\d{1,5}$/.test(k)) return undefined;
  return { ...at, firstSeen: narrowId(decodeTs(f), bigint), lastSeen: narrowId(decodeTs(l), bigint), pointCount: Number(n), keyframeInterval: Number(k) };
}

function sameSummary(a: TimelineSummary, b: TimelineSummary): boolean {
  return a.firstSeen === b.firstSeen && a.lastSeen === b.lastSeen && a.pointCount === b.pointCount;
}
