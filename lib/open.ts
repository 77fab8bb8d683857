// Opening a store: HotStore's open options checked and resolved into the shim's open
// options, and the store directory created (one level at a time) when it may be.
import * as fs from 'fs';
import { dirname as pathDirname, resolve as pathResolve } from 'path';
import type { NativeOpenOptions } from './binding';
import { invalidArgument, makeError } from './errors';
import type { HotStoreOptions } from './types';
import { checkBoolean, checkNonEmptyString, readOptions, toU32 } from './validate';

/** What open() needs: the shim's options, and whether answers carry ids as bigints. */
export interface ResolvedOpen {
  native: NativeOpenOptions;
  bigint: boolean;
}

/** Checks `path` and `options`, and creates the directory when the options allow it. */
export function resolveOptions(path: unknown, options: unknown): ResolvedOpen {
  const dir = checkNonEmptyString(path, 'path');
  const o = readOptions<HotStoreOptions>(options, ['keyframeInterval', 'createIfMissing', 'readOnly', 'sync', 'bigint']);
  const keyframeInterval = o.keyframeInterval === undefined ? 10 : toU32(o.keyframeInterval, 'options.keyframeInterval');
  if (keyframeInterval === 0) throw invalidArgument('options.keyframeInterval must be at least 1');
  const resolved: NativeOpenOptions = {
    createIfMissing: checkBoolean(o.createIfMissing, 'options.createIfMissing', true),
    readOnly: checkBoolean(o.readOnly, 'options.readOnly', false),
    sync: checkBoolean(o.sync, 'options.sync', false),
    keyframeInterval,
  };
  const bigint = checkBoolean(o.bigint, 'options.bigint', false);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    stat = undefined;
  }
  if (stat && !stat.isDirectory()) throw invalidArgument(`path ${path} is a file, not a directory`);
  if (!stat && resolved.createIfMissing && !resolved.readOnly) {
    try {
      makeDirs(dir);
    } catch (e) {
      throw makeError('CVX_IO', `path ${path} could not be created: ${(e as Error).message}`);
    }
  }
  return { native: resolved, bigint };
}

/**
 * mkdir -p without `fs.mkdirSync(p, { recursive: true })`, which on Node 20 spins forever
 * (100% CPU, never returns) for a path under /proc such as /proc/self/db. Creating one
 * level at a time lets the kernel's ENOENT/ENOTDIR/EACCES surface as an error instead.
 */
function makeDirs(p: string): void {
  const missing: string[] = [];
  for (let cur = pathResolve(p); !fs.existsSync(cur); cur = pathDirname(cur)) {
    missing.push(cur);
    if (pathDirname(cur) === cur) break;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // made concurrently: fine
    }
  }
}
