// Tests that run the compiled package in child processes (the CLI, GC fixtures) need dist/
// up to date with lib/. `npm test` compiles first; this also recompiles when a single test
// file is run on its own after an edit.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');

function newest(dir: string, ext: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, ext));
    else if (p.endsWith(ext)) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Compiles lib/ into dist/ unless dist/ is newer than every source file. */
export function ensureDist(): void {
  const dist = path.join(root, 'dist');
  if (fs.existsSync(dist) && newest(dist, '.js') >= newest(path.join(root, 'lib'), '.ts')) return;
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
}

export const CLI = path.join(root, 'dist', 'cli', 'main.js');
export const ROOT = root;
