// verify() / repair(): the typed report over the shim's consistency scan (native/verify.cc).
// The shim returns ids as bigint (a corrupt record can hold any 64-bit value); here they
// become numbers when the store is in number mode and the value is safe, bigint otherwise,
// because a report must never throw on the very corruption it is describing.
import { native, NativeHandle } from './binding';
import { invalidArgument } from './errors';
import { decodeKey, KEY_SIZE, PREFIX_SIZE } from './keys';
import { checkBoolean } from './validate';

/** What kind of disagreement or damage an issue describes. */
export type VerifyIssueKind =
  | 'timeline-mismatch'     // stored timeline disagrees with the vectors (count, first, last, ids)
  | 'timeline-missing'      // vectors exist without a timeline
  | 'timeline-orphan'       // a timeline exists without vectors
  | 'timeline-undecodable'  // timeline value is not a valid CBOR timeline record
  | 'vector-undecodable'    // vector value is empty, not whole f32s, of the wrong dimension, or non-finite
  | 'key-undecodable';      // a key of the wrong length (vectors: 20 bytes, timelines: 12)

/** A timeline as verify computes or reads it. */
export interface TimelineSummary {
  entityId: number | bigint;
  spaceId: number;
  firstSeen: number | bigint;
  lastSeen: number | bigint;
  pointCount: number | bigint;
  keyframeInterval: number;
}

export interface VerifyIssue {
  kind: VerifyIssueKind;
  columnFamily: 'vectors' | 'timelines';
  /** The raw RocksDB key. */
  key: Buffer;
  /** Decoded from the key when it has the right length. */
  entityId?: number | bigint;
  spaceId?: number;
  /** Only for vectors keys. */
  timestamp?: number | bigint;
  message: string;
  /** The stored timeline, when there is one and it decodes. */
  stored?: TimelineSummary;
  /** The timeline the vectors imply (what repair writes). */
  expected?: TimelineSummary;
}

export interface VerifyReport {
  /** True when no issue was found. For repair(): what was found before repairing. */
  ok: boolean;
  vectorsScanned: number;
  timelinesScanned: number;
  /** (entity, space) series with at least one vector. */
  series: number;
  /** Number of issues found, including those beyond `maxIssues`. */
  issueCount: number;
  /** The first `maxIssues` issues, in key order. */
  issues: VerifyIssue[];
  truncated: boolean;
  /** What repair() changed; all zero for verify(). */
  repaired: { timelinesWritten: number; timelinesDeleted: number; vectorsDeleted: number };
}

export interface VerifyOptions {
  /** Most issues listed in the report (all are counted). Default 1000. */
  maxIssues?: number;
}

export interface RepairOptions extends VerifyOptions {
  /** Also delete undecodable vectors and wrong-length keys (default false: report only). */
  dropUndecodable?: boolean;
}

interface NativeTimeline {
  entityId: bigint; spaceId: number; firstSeen: bigint; lastSeen: bigint; pointCount: bigint; keyframeInterval: number;
}
interface NativeIssue {
  kind: VerifyIssueKind; columnFamily: 'vectors' | 'timelines'; key: Buffer; message: string;
  stored?: NativeTimeline; expected?: NativeTimeline;
}
export interface NativeVerifyReport {
  vectorsScanned: number; timelinesScanned: number; series: number; issueCount: number;
  issues: NativeIssue[];
  repaired: { timelinesWritten: number; timelinesDeleted: number; vectorsDeleted: number };
}

/** Native arguments after the handle: (repair, dropUndecodable, maxIssues). */
export function verifyArgs(options: unknown, repair: boolean): [boolean, boolean, number] {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw invalidArgument('options must be an object');
  }
  const o = (options ?? {}) as RepairOptions;
  let maxIssues = 1000;
  if (o.maxIssues !== undefined) {
    if (typeof o.maxIssues !== 'number' || !Number.isInteger(o.maxIssues) || o.maxIssues < 0 || o.maxIssues > 0xffffffff) {
      throw invalidArgument(`options.maxIssues must be an integer in [0, 2^32-1], got ${String(o.maxIssues)}`);
    }
    maxIssues = o.maxIssues;
  }
  const drop = checkBoolean(o.dropUndecodable, 'options.dropUndecodable', false);
  if (drop && !repair) throw invalidArgument('options.dropUndecodable is only meaningful for repair()');
  return [repair, drop, maxIssues];
}

function narrow(v: bigint, asBigint: boolean): number | bigint {
  return !asBigint && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function summary(t: NativeTimeline, asBigint: boolean): TimelineSummary {
  return {
    entityId: narrow(t.entityId, asBigint),
    spaceId: t.spaceId,
    firstSeen: narrow(t.firstSeen, asBigint),
    lastSeen: narrow(t.lastSeen, asBigint),
    pointCount: narrow(t.pointCount, false),
    keyframeInterval: t.keyframeInterval,
  };
}

/** Shapes the shim's report for the caller. */
export function shapeReport(r: NativeVerifyReport, asBigint: boolean): VerifyReport {
  const issues = r.issues.map((n): VerifyIssue => {
    const out: VerifyIssue = { kind: n.kind, columnFamily: n.columnFamily, key: n.key, message: n.message };
    if (n.columnFamily === 'vectors' && n.key.length === KEY_SIZE) {
      const k = decodeKey(n.key);
      out.entityId = narrow(k.entityId, asBigint);
      out.spaceId = k.spaceId;
      out.timestamp = narrow(k.timestamp, asBigint);
    } else if (n.key.length === PREFIX_SIZE) {
      out.entityId = narrow(n.key.readBigUInt64BE(0), asBigint);
      out.spaceId = n.key.readUInt32BE(8);
    }
    if (n.stored) out.stored = summary(n.stored, asBigint);
    if (n.expected) out.expected = summary(n.expected, asBigint);
    return out;
  });
  return {
    ok: r.issueCount === 0,
    vectorsScanned: r.vectorsScanned,
    timelinesScanned: r.timelinesScanned,
    series: r.series,
    issueCount: r.issueCount,
    issues,
    truncated: r.issueCount > issues.length,
    repaired: r.repaired,
  };
}

/** Runs the scan synchronously. */
export function verifySync(h: NativeHandle, asBigint: boolean, options: unknown, repair: boolean): VerifyReport {
  return shapeReport(native.verifySync(h, ...verifyArgs(options, repair)), asBigint);
}

/** Runs the scan on the thread pool. */
export async function verifyAsync(h: NativeHandle, asBigint: boolean, options: unknown, repair: boolean): Promise<VerifyReport> {
  return shapeReport(await native.verify(h, ...verifyArgs(options, repair)), asBigint);
}
