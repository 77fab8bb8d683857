// A range too large for the address space the process has left. Run twice: `write DIR` puts
// 64 MiB of vectors in one entity and compacts them into table files; `read DIR` (a fresh
// process, so no memory from the writes is freed late, as a flushed memtable is) opens the
// store, warms up (pool threads started, a small range read both ways), then caps its own
// address space (RLIMIT_AS, with prlimit, as `ulimit -v` would) to what it uses plus
// HEADROOM: less than the range's result needs, enough for everything else. Each range form
// must then fail with CVX_IO, the process must live on, and a small range still works.
// `read` prints one JSON line: each form's outcome, then the small range's count.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { HotStore, HotStoreError } from '../../lib';

const [mode, dir] = process.argv.slice(2);
const DIM = 1024;
const POINTS = 16 * 1024; // 64 MiB of vectors: the range's result buffer is 64 MiB
const BATCH = 1024;
const HEADROOM = 40 << 20;

function vmSize(): number {
  return Number(/VmSize:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
}

async function outcome(f: () => unknown): Promise<string> {
  try {
    await f();
    return 'ok';
  } catch (e) {
    return e instanceof HotStoreError ? `${e.code}: ${e.message}` : `raw ${String(e)}`;
  }
}

function write(): void {
  const store = HotStore.openSync(dir);
  const vectors = new Float32Array(BATCH * DIM).fill(0.5);
  for (let from = 0; from < POINTS; from += BATCH) {
    const ids = new Float64Array(BATCH).fill(1);
    const tss = Float64Array.from({ length: BATCH }, (_, i) => from + i);
    store.putManySync(0, { entityIds: ids, timestamps: tss, vectors, dim: DIM });
  }
  store.compactSync(); // the reader finds table files and an empty log: nothing to replay
  store.closeSync();
}

async function read(): Promise<void> {
  const store = HotStore.openSync(dir, { readOnly: true });
  await store.rangeColumns(1, 0, 0, 9);
  store.rangeColumnsSync(1, 0, 0, 9);
  store.rangeSync(1, 0, 0, 9);
  execFileSync('prlimit', [`--pid=${process.pid}`, `--as=${vmSize() + HEADROOM}`]);
  const result = {
    rangeColumnsSync: await outcome(() => store.rangeColumnsSync(1, 0, 0, POINTS)),
    rangeSync: await outcome(() => store.rangeSync(1, 0, 0, POINTS)),
    rangeColumns: await outcome(() => store.rangeColumns(1, 0, 0, POINTS)),
    range: await outcome(() => store.range(1, 0, 0, POINTS)),
    smallAfter: store.rangeColumnsSync(1, 0, 0, 9).count,
  };
  store.closeSync();
  console.log(JSON.stringify(result));
}

(mode === 'write' ? Promise.resolve().then(write) : read()).catch((e) => {
  console.error(e);
  process.exit(1);
});
