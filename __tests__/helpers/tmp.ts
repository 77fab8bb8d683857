// Temporary store directories for tests, removed when the test file ends.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HotStore, HotStoreOptions } from '../../lib';

const made: string[] = [];

/** A fresh, empty directory path (not yet created) under the OS temp dir. */
export function tempPath(label = 'store'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `cvx-${label}-`));
  made.push(root);
  return path.join(root, 'db');
}

/** Opens a store in a fresh temp directory. */
export function tempStore(options?: HotStoreOptions): { dir: string; store: HotStore } {
  const dir = tempPath();
  return { dir, store: HotStore.openSync(dir, options) };
}

afterAll(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/**
 * Jest runs tests in a separate V8 realm, so typed arrays made by the addon have another
 * Float32Array constructor than the test's; compare their contents as plain arrays.
 */
export function plain<T extends { vector: ArrayLike<number> }>(p: T): Omit<T, 'vector'> & { vector: number[] } {
  return { ...p, vector: Array.from(p.vector) };
}
