// Helpers of the whole-store operations of HotStore (stats, checkpoint, entities): argument
// checks, the batched walk over the timelines, and the shaping of RocksDB properties and
// tickers into StoreStats.
import * as fs from 'fs';
import * as path from 'path';
import { flags, native, NativeCfFacts, NativeHandle, NativeReadHandle, NativeSpaceSummary } from './binding';
import { invalidArgument } from './errors';
import { decodeTimeline } from './records';
import type { ColumnFamilyStats, EntityTimeline, StoreStats } from './types';
import { checkPath } from './validate';

/** Timelines fetched per native call by entities(): one crossing per few hundred items. */
const ENTITY_BATCH = 512;

/** Decodes one batch of `timelines` records, keeping those of `space` (all when undefined). */
function* timelinesIn(records: unknown[], bigint: boolean, space: number | undefined): Generator<EntityTimeline> {
  for (const rec of records) {
    const tl = decodeTimeline(rec as Buffer, bigint);
    if (space === undefined || tl.spaceId === space) yield tl;
  }
}

/**
 * entities(): every timeline (of `space`, or all), in key order, from one snapshot taken at
 * the first step, fetched ENTITY_BATCH at a time on the pool. Ending the loop early releases it.
 */
export async function* entityTimelines(handle: NativeReadHandle, bigint: boolean, space: number | undefined): AsyncGenerator<EntityTimeline> {
  const it = native.iterator(handle, 'timelines', {});
  try {
    for (;;) {
      const [records, ended] = await native.iteratorNext(handle, it, ENTITY_BATCH, 0, flags.values);
      yield* timelinesIn(records, bigint, space);
      if (ended) return;
    }
  } finally {
    native.iteratorClose(it);
  }
}

/** entitiesSync(): {@link entityTimelines} on the main thread. */
export function* entityTimelinesSync(handle: NativeReadHandle, bigint: boolean, space: number | undefined): Generator<EntityTimeline> {
  const it = native.iterator(handle, 'timelines', {});
  try {
    for (;;) {
      const [records, ended] = native.iteratorNextSync(handle, it, ENTITY_BATCH, 0, flags.values);
      yield* timelinesIn(records, bigint, space);
      if (ended) return;
    }
  } finally {
    native.iteratorClose(it);
  }
}

/**
 * Validates a checkpoint target; returns the absolute path. Creates nothing: the engine
 * (MakeCheckpoint, native/admin.cc) first refuses a target inside the store, on the resolved
 * path, and only then creates the missing parents.
 */
export function checkCheckpointDir(dir: unknown): string {
  const abs = path.resolve(checkPath(dir, 'dir'));
  if (fs.existsSync(abs)) throw invalidArgument(`dir ${dir} already exists; a checkpoint needs a new directory`);
  return abs;
}

function numberProperty(handle: NativeHandle, cf: string, name: string): number {
  const v = native.property(handle, cf, name);
  return v === undefined ? 0 : Number(v);
}

function cfStats(handle: NativeHandle, f: NativeCfFacts): ColumnFamilyStats {
  return {
    liveDataBytes: numberProperty(handle, f.name, 'rocksdb.estimate-live-data-size'),
    estimatedKeys: numberProperty(handle, f.name, 'rocksdb.estimate-num-keys'),
    memtableBytes: numberProperty(handle, f.name, 'rocksdb.cur-size-all-mem-tables'),
    sstFiles: f.sstFiles,
    sstBytes: f.sstBytes,
    compression: f.compression,
  };
}

/** Combines native facts, properties and tickers into the public StoreStats shape. */
export function collectStats(
  handle: NativeHandle, storePath: string, cfs: NativeCfFacts[], spaces: NativeSpaceSummary[],
): StoreStats {
  const byName = new Map(cfs.map((f) => [f.name, cfStats(handle, f)]));
  const t = native.tickers(handle);
  return {
    path: storePath,
    columnFamilies: { default: byName.get('default')!, vectors: byName.get('vectors')!, timelines: byName.get('timelines')! },
    bloom: {
      useful: t['rocksdb.bloom.filter.useful'] ?? 0,
      fullPositive: t['rocksdb.bloom.filter.full.positive'] ?? 0,
      fullTruePositive: t['rocksdb.bloom.filter.full.true.positive'] ?? 0,
      prefixChecked: t['rocksdb.bloom.filter.prefix.checked'] ?? 0,
      prefixUseful: t['rocksdb.bloom.filter.prefix.useful'] ?? 0,
    },
    writes: {
      userBytes: t['rocksdb.bytes.written'] ?? 0,
      walBytes: t['rocksdb.wal.bytes'] ?? 0,
      flushBytes: t['rocksdb.flush.write.bytes'] ?? 0,
      compactionBytesWritten: t['rocksdb.compact.write.bytes'] ?? 0,
      compactionBytesRead: t['rocksdb.compact.read.bytes'] ?? 0,
    },
    spaces,
  };
}
