import { HotStore } from '../../lib';
import { spawnChild } from '../helpers/child';
import * as fs from 'fs'; import * as os from 'os'; import * as path from 'path';
import type { ChildProcess } from 'child_process';
(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cvx-probe-')); const dir = path.join(root, 'db');
  let w: ChildProcess; let last = -1;
  const start = () => { w = spawnChild('busy_writer.ts', [dir, 'reopen:2']); w.stdout!.on('data', (d) => { const m = String(d).match(/ack (\d+)\n$/); if (m) last = Number(m[1]); }); };
  start();
  while (last < 3) await new Promise((r) => setTimeout(r, 20));
  const timer = setInterval(() => undefined, 100000);
  const errs: Record<string, number> = {}; let n = 0; let short = 0;
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const acked = last; n++;
    try { const s = await HotStore.open(dir, { readOnly: true }); const c = (await s.getTimeline(0, 0))?.pointCount ?? 0; if (c - 1 < acked) short++; await s.close(); }
    catch (e: any) { const k = `${e.code} ${String(e.message).slice(0, 120)}`; errs[k] = (errs[k] ?? 0) + 1; }
  }
  clearInterval(timer); w!.kill('SIGKILL');
  console.log('opens', n, 'short', short, 'last', last, errs);
  fs.rmSync(root, { recursive: true, force: true });
})();
