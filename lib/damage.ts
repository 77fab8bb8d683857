// Damaged stores: the shim's salvage report shaped into a SalvageReport, and the rebuild of a
// store whose MANIFEST is damaged. The engine work is native (native/salvage.cc, rebuild.cc).
import { native, NativeHandle } from './binding';
import type { RebuildReport, SalvageReport } from './types';
import { checkPath } from './validate';

/** What the open of `h` salvaged, or undefined when it dropped nothing. */
export function salvageReport(h: NativeHandle): SalvageReport | undefined {
  const r = native.salvageReport(h);
  if (!r) return undefined;
  return {
    drops: r.drops,
    walFiles: [...new Set(r.drops.map((d) => d.file))],
    droppedBytes: r.drops.reduce((n, d) => n + d.bytes, 0),
    issuesFound: r.issuesFound,
    timelinesWritten: r.timelinesWritten,
    timelinesDeleted: r.timelinesDeleted,
  };
}

export function rebuildAsync(path: unknown): Promise<RebuildReport> {
  try {
    return native.rebuild(checkPath(path, 'path'));
  } catch (e) {
    return Promise.reject(e);
  }
}

export function rebuildSync(path: unknown): RebuildReport {
  return native.rebuildSync(checkPath(path, 'path'));
}
