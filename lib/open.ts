// Opening a store: HotStore's path and open options checked and resolved into the shim's open
// options, the store directory created (one level at a time) when it may be, and removed
// again, with every parent this open created, when the open then fails.
import * as fs from 'fs';
import { dirname as pathDirname, resolve as pathResolve } from 'path';
import type { NativeOpenOptions } from './binding';
import { resolveFollow, type FollowOptions } from './follow';
import { invalidArgument, makeError } from './errors';
import type { HotStoreOptions } from './types';
import { checkBoolean, checkPath, describe, readOptions, toU32 } from './validate';

/**
 * What open() needs: the shim's options, whether answers carry ids as bigints, and the
 * directories this open created (outermost first), for {@link undoCreated}.
 */
export interface ResolvedOpen {
  native: NativeOpenOptions;
  bigint: boolean;
  created: string[];
  /** A follower's automatic catch-up, when asked for. */
  follow: FollowOptions;
}

/** Checks `path` and `options`, and creates the directory when the options allow it. */
export function resolveOptions(path: unknown, options: unknown): ResolvedOpen {
  const dir = checkPath(path, 'path');
  const o = readOptions<HotStoreOptions>(options, [
    'keyframeInterval', 'createIfMissing', 'readOnly', 'sync', 'bigint', 'salvage', 'follower', 'followerDir', 'followIntervalMs',
    'onFollowError', 'walTtlSeconds', 'walSizeLimitMB',
  ]);
  const keyframeInterval = o.keyframeInterval === undefined ? 10 : toU32(o.keyframeInterval, 'options.keyframeInterval');
  if (keyframeInterval === 0) throw invalidArgument('options.keyframeInterval must be at least 1');
  const resolved: NativeOpenOptions = {
    createIfMissing: checkBoolean(o.createIfMissing, 'options.createIfMissing', true),
    readOnly: checkBoolean(o.readOnly, 'options.readOnly', false),
    sync: checkBoolean(o.sync, 'options.sync', false),
    keyframeInterval,
    salvage: checkBoolean(o.salvage, 'options.salvage', false),
    follower: checkBoolean(o.follower, 'options.follower', false),
    followerDir: '',
    walTtlSeconds: walRetention(o.walTtlSeconds, 'options.walTtlSeconds'),
    walSizeLimitMB: walRetention(o.walSizeLimitMB, 'options.walSizeLimitMB'),
  };
  const follow = resolveFollow(o, resolved);
  if ((resolved.walTtlSeconds || resolved.walSizeLimitMB) && resolved.readOnly) {
    throw invalidArgument('options.walTtlSeconds and options.walSizeLimitMB set how long the writer keeps its WAL: they need a writable open');
  }
  if (resolved.salvage && resolved.readOnly) throw invalidArgument('options.salvage needs a writable open, and options.readOnly is set');
  const bigint = checkBoolean(o.bigint, 'options.bigint', false);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    stat = undefined;
  }
  if (stat && !stat.isDirectory()) throw invalidArgument(`path ${path} is a file, not a directory`);
  const created: string[] = [];
  if (o.followerDir !== undefined) resolved.followerDir = makeFollowerDir(o.followerDir, stat, created);
  if (!stat && resolved.createIfMissing && !resolved.readOnly) {
    try {
      makeDirs(dir, created);
    } catch (e) {
      removeEmptyDirs(created);
      throw makeError('CVX_IO', `path ${path} could not be created: ${(e as Error).message}`);
    }
  }
  return { native: resolved, bigint, created, follow };
}

/** A WAL retention option: an integer in [0, 2^32-1] (0, the default: the WAL is not kept). */
function walRetention(v: unknown, name: string): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw invalidArgument(`${name} must be an integer in [0, 2^32-1], got ${describe(v)}`);
  }
  return v;
}

/**
 * A follower's working directory, made when missing (recorded in `created`). Never the store's
 * own directory (`store` is its stat): the follower's info log would replace the writer's.
 */
function makeFollowerDir(v: unknown, store: fs.Stats | undefined, created: string[]): string {
  const dir = checkPath(v, 'options.followerDir');
  let s: fs.Stats | undefined;
  try {
    s = fs.statSync(dir);
  } catch {
    try {
      makeDirs(dir, created);
      s = fs.statSync(dir);
    } catch (e) {
      removeEmptyDirs(created);
      throw makeError('CVX_IO', `options.followerDir ${dir} could not be created: ${(e as Error).message}`);
    }
  }
  if (!s.isDirectory()) throw invalidArgument(`options.followerDir ${dir} is a file, not a directory`);
  if (store && s.dev === store.dev && s.ino === store.ino) {
    throw invalidArgument(`options.followerDir ${dir} is the store's own directory; give the follower a directory of its own`);
  }
  return pathResolve(dir);
}

/**
 * After the native open failed with `error`: removes the directories resolveOptions created,
 * deepest first, each only while still empty. Not after CVX_LOCKED: then another open of this
 * process holds the directory, and may not have written its first file yet.
 */
export function undoCreated(o: ResolvedOpen, error: unknown): void {
  if ((error as { code?: unknown } | null)?.code !== 'CVX_LOCKED') removeEmptyDirs(o.created);
}

/** rmdir of each of `dirs` (outermost first), deepest first; one that is not empty stays. */
function removeEmptyDirs(dirs: string[]): void {
  for (const d of [...dirs].reverse()) {
    try {
      fs.rmdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return; // not empty: nor are its parents
    }
  }
}

/**
 * mkdir -p, recording in `created` each directory it made (outermost first). Not
 * `fs.mkdirSync(p, { recursive: true })`, which on Node 20 spins forever (100% CPU, never
 * returns) for a path under /proc such as /proc/self/db. Creating one level at a time lets the
 * kernel's ENOENT/ENOTDIR/EACCES surface as an error instead.
 */
function makeDirs(p: string, created: string[]): void {
  const missing: string[] = [];
  for (let cur = pathResolve(p); !fs.existsSync(cur); cur = pathDirname(cur)) {
    missing.push(cur);
    if (pathDirname(cur) === cur) break;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
      created.push(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // made concurrently: fine
    }
  }
}
