// A real ext4 filesystem on a loop device, for the fault tests that need a filesystem to
// fail under a store: `fail()` makes the kernel declare the filesystem broken (ext4's
// trigger_fs_error), which aborts its journal and, with errors=remount-ro, turns every later
// write into EROFS, as a dying disk or a controller error would. What had not reached the
// journal by then is gone after `remount()`: to the store it is a power cut. Needs root (CI
// runs as root); every device and mount is released by `release()`.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

function run(cmd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function must(cmd: string, args: string[]): string {
  const r = run(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.out}`);
  return r.out.trim();
}

/** Blocks the thread for `ms` (the helpers here run between awaits, in test bodies). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class LoopFs {
  readonly root: string;
  readonly mountPoint: string;
  private readonly image: string;
  private device = '';

  private constructor(mib: number) {
    if (process.getuid?.() !== 0) throw new Error('a loop-device filesystem needs root (CI runs as root)');
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'cvx-loopfs-'));
    this.image = path.join(this.root, 'disk.img');
    this.mountPoint = path.join(this.root, 'mnt');
    fs.mkdirSync(this.mountPoint);
    fs.writeFileSync(this.image, '');
    fs.truncateSync(this.image, mib << 20);
    must('mkfs.ext4', ['-q', '-F', this.image]);
    this.attach();
  }

  /** Makes, attaches and mounts a fresh `mib` MiB ext4 filesystem. */
  static create(mib = 64): LoopFs {
    return new LoopFs(mib);
  }

  private attach(): void {
    this.device = must('losetup', ['-f', '--show', this.image]);
    must('mount', ['-o', 'errors=remount-ro', this.device, this.mountPoint]);
  }

  /** The kernel's ext4 error path: the journal aborts and the filesystem turns read-only. */
  fail(): void {
    fs.writeFileSync(`/sys/fs/ext4/${path.basename(this.device)}/trigger_fs_error`, '1');
  }

  /**
   * Unmounts (waiting while a process still holds a file there), checks and repairs the
   * filesystem as an administrator would after a fault, and mounts it again.
   */
  remount(): void {
    this.detach();
    const fsck = run('e2fsck', ['-fy', this.image]);
    // 0: clean, 1: errors corrected; anything else means the image is beyond repair.
    if (fsck.status !== 0 && fsck.status !== 1) throw new Error(`e2fsck failed (${fsck.status}): ${fsck.out}`);
    this.attach();
  }

  private detach(): void {
    if (!this.device) return;
    for (let i = 0; ; i++) {
      const r = run('umount', [this.mountPoint]);
      if (r.status === 0) break;
      if (i === 100) throw new Error(`umount ${this.mountPoint}: ${r.out}`);
      sleepSync(50);
    }
    must('losetup', ['-d', this.device]);
    this.device = '';
  }

  /** Unmounts, detaches and deletes everything; safe to call twice. */
  release(): void {
    try {
      this.detach();
    } finally {
      fs.rmSync(this.root, { recursive: true, force: true });
    }
  }
}
