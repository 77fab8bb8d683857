// The fault paths of the memcheck workload (memcheck_workload.ts): a WAL damaged mid-file
// (refused, then opened with salvage), a MANIFEST cut in half (refused, then rebuilt), and
// enough short sessions that close merges small table files. Kept small: valgrind is slow.
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../../lib';

/** Runs `f`, which must throw a HotStoreError with `code`. */
export function expectCode(f: () => unknown, code: string): void {
  try {
    f();
  } catch (e) {
    if ((e as { code?: string }).code === code) return;
    throw e;
  }
  throw new Error(`expected ${code}`);
}

const walOf = (dir: string) => path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.log'))!);

/** A store whose WAL holds 30 batches, as a crash leaves it (copied while open). */
function crashImage(root: string): string {
  const src = path.join(root, 'wal-src');
  const dir = path.join(root, 'wal-damaged');
  const s = HotStore.openSync(src);
  for (let b = 0; b < 30; b++) {
    s.putManySync(0, Array.from({ length: 20 }, (_, i) => ({ entityId: b % 3, timestamp: b * 20 + i, vector: [b, i] })));
  }
  fs.cpSync(src, dir, { recursive: true });
  s.closeSync();
  return dir;
}

export async function faultPaths(root: string): Promise<void> {
  // A byte flipped mid-WAL: refused; salvage skips the damaged record and repairs timelines.
  const damaged = crashImage(root);
  const wal = walOf(damaged);
  const bytes = fs.readFileSync(wal);
  bytes[Math.floor(bytes.length / 2)] ^= 0xff;
  fs.writeFileSync(wal, bytes);
  expectCode(() => HotStore.openSync(damaged), 'CVX_CORRUPTION');
  const salvaged = await HotStore.open(damaged, { salvage: true });
  if (!salvaged.salvaged) throw new Error('salvage reported nothing');
  salvaged.verifySync();
  await salvaged.close();

  // A MANIFEST cut in half: refused; rebuilt from the table files.
  const cut = path.join(root, 'manifest-cut');
  const s = HotStore.openSync(cut);
  for (let b = 0; b < 4; b++) {
    s.putManySync(0, Array.from({ length: 50 }, (_, i) => ({ entityId: i, timestamp: b, vector: [b, i] })));
    s.compactSync();
  }
  s.closeSync();
  const manifest = path.join(cut, fs.readdirSync(cut).find((f) => f.startsWith('MANIFEST-'))!);
  fs.truncateSync(manifest, Math.floor(fs.statSync(manifest).size / 2));
  expectCode(() => HotStore.openSync(cut), 'CVX_CORRUPTION');
  HotStore.rebuildSync(cut);
  await HotStore.rebuild(cut).catch(() => undefined); // a second rebuild, async
  HotStore.openSync(cut).closeSync();

  // Short sessions: the close after the sixteenth small table file merges them.
  const sessions = path.join(root, 'sessions');
  for (let i = 0; i < 17; i++) {
    const t = HotStore.openSync(sessions);
    t.putSync(0, { entityId: i, timestamp: i, vector: [i] });
    t.closeSync();
  }
}
