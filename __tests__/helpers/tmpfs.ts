// A real small filesystem for the full-disk tests: a tmpfs mounted on a fresh directory
// (mounting needs root, as CI has; without it the test fails and says why). Every mount is
// undone, and its directory removed, when the test file ends, or earlier through unmount().
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface Tmpfs {
  root: string;
  unmount(): void;
}

const mounted = new Set<Tmpfs>();

/** Mounts a tmpfs of `size` (mount's syntax: `8m`, `64k`) on a new directory. */
export function mountTmpfs(size: string): Tmpfs {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cvx-tmpfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', root], { encoding: 'utf8' });
  if (r.status !== 0) {
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error(`mount -t tmpfs failed (${(r.stderr || r.error?.message || '').trim()}): this test needs root with the right to mount`);
  }
  const m: Tmpfs = {
    root,
    unmount() {
      if (!mounted.delete(m)) return;
      if (spawnSync('umount', [root]).status !== 0) spawnSync('umount', ['-l', root]);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  mounted.add(m);
  return m;
}

afterAll(() => {
  for (const m of [...mounted]) m.unmount();
});
