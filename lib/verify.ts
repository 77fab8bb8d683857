// verify() / repair(): the typed report over the shim's consistency scan (native/verify.cc).
// The shim returns ids as bigint (a corrupt record can hold any 64-bit value); here they
// become numbers when the store is in number mode and the value is safe, bigint otherwise,
// because a report must never throw on the very corruption it is describing.
import { flags, native, NativeHandle, NativeTimeline, NativeVerifyReport } from './binding';
import { invalidArgument } from './errors';
import { narrow as narrowExact } from './ints';
import { decodeKey, KEY_SIZE, PREFIX_SIZE } from './keys';
import type { RepairOptions, TimelineSummary, VerifyIssue, VerifyReport } from './types';
import { checkBoolean, readOptions, toU32 } from './validate';

/** Native arguments after the handle: (flags: repair, dropUndecodable; maxIssues). */
export function verifyArgs(options: unknown, repair: boolean): [number, number] {
  const o = readOptions<RepairOptions>(options, ['maxIssues', 'dropUndecodable']);
  const maxIssues = o.maxIssues === undefined ? 1000 : toU32(o.maxIssues, 'options.maxIssues');
  const drop = checkBoolean(o.dropUndecodable, 'options.dropUndecodable', false);
  if (drop && !repair) throw invalidArgument('options.dropUndecodable is only meaningful for repair()');
  return [(repair ? flags.repair : 0) | (drop ? flags.dropUndecodable : 0), maxIssues];
}

function narrow(v: bigint, asBigint: boolean): number | bigint {
  return asBigint ? v : narrowExact(v);
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
