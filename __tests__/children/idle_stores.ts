// Opens argv[3] empty stores under the directory argv[2] and reports, as one JSON line, the
// process's resident memory (VmRSS) before and after: what idle open stores cost. One store
// is opened first and kept open so that what every process pays once (RocksDB's thread pools,
// the addon's code, V8's warm-up) is in the baseline, not charged to the stores.
import * as fs from 'fs';
import * as path from 'path';
import { HotStore } from '../../lib';

function rss(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return Number(m![1]) * 1024;
}

const root = process.argv[2];
const n = Number(process.argv[3]);
const warm = HotStore.openSync(path.join(root, 'warm'));
warm.putSync(0, { entityId: 1, timestamp: 1, vector: [1, 2] });
(globalThis as { gc?: () => void }).gc?.();
const before = rss();
const stores: HotStore[] = [];
for (let i = 0; i < n; i++) stores.push(HotStore.openSync(path.join(root, `s${i}`)));
(globalThis as { gc?: () => void }).gc?.();
const after = rss();
for (const s of stores) s.closeSync();
warm.closeSync();
process.stdout.write(`${JSON.stringify({ before, after, stores: n })}\n`);
