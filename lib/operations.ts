// Helpers of the whole-store operations of HotStore (stats, checkpoint, entities): argument
// checks and the shaping of RocksDB properties and tickers into StoreStats.
import * as fs from 'fs';
import * as path from 'path';
import { native, NativeCfFacts, NativeHandle, NativeSpaceSummary } from './binding';
import { invalidArgument, makeError } from './errors';
import type { ColumnFamilyStats, StoreStats } from './types';

/** Timelines fetched per native call by entities(): one crossing per few hundred items. */
export const ENTITY_BATCH = 512;

/** Validates a checkpoint target and creates its parent; returns the absolute path. */
export function checkCheckpointDir(dir: unknown): string {
  if (typeof dir !== 'string' || dir.length === 0) throw invalidArgument('dir must be a non-empty string');
  const abs = path.resolve(dir);
  if (fs.existsSync(abs)) throw invalidArgument(`dir ${dir} already exists; a checkpoint needs a new directory`);
  try {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
  } catch (e) {
    throw makeError('CVX_IO', `dir ${dir}: its parent could not be created: ${(e as Error).message}`);
  }
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
    spaces,
  };
}
