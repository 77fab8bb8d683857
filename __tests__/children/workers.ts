// worker_threads scenarios, in their own process (argv[2] = base dir, argv[3] = scenario):
// one store per thread; a worker terminated with thousands of ops in flight; a worker
// terminated while its open() runs on the pool; a directory open in the main thread is
// CVX_LOCKED in a worker; one directory under two spellings across threads (CVX_LOCKED both
// ways, and free again once the holding worker is terminated). Prints a JSON result.
import * as path from 'path';
import { Worker } from 'worker_threads';
import { HotStore } from '../../lib';

const [base, scenario] = process.argv.slice(2);
const hook = path.join(__dirname, 'ts-hook.js');
const body = path.join(__dirname, 'worker_body.ts');

function start(dir: string, task: string): Worker {
  // eval: a .ts entry cannot be given to Worker directly; the hook makes require() take it.
  return new Worker(`require(${JSON.stringify(hook)}); require(${JSON.stringify(body)});`, { eval: true, workerData: { dir, task } });
}

function message(w: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
}

/** 'ok', or the code of the HotStoreError `f` threw. */
function codeOf(f: () => void): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    return String((e as { code?: string }).code);
  }
}

async function main() {
  const out: Record<string, unknown> = {};
  if (scenario === 'own-store') {
    const ws = Array.from({ length: 4 }, (_, i) => start(path.join(base, `w${i}`), 'own-store'));
    const exits = ws.map((w) => new Promise((r) => w.once('exit', r)));
    out.results = await Promise.all(ws.map(message));
    out.exitCodes = await Promise.all(exits);
  } else if (scenario === 'terminate-busy') {
    const verified: boolean[] = [];
    for (let round = 0; round < 4; round++) {
      const dir = path.join(base, `busy${round}`);
      const w = start(dir, 'busy');
      await message(w);
      await new Promise((r) => setTimeout(r, 20 + round * 40));
      await w.terminate();
      // The thread's env cleanup closed its store: the lock is free and the store consistent.
      const s = HotStore.openSync(dir);
      verified.push(s.verifySync().ok);
      s.closeSync();
    }
    out.verified = verified;
  } else if (scenario === 'terminate-opening') {
    const dir = path.join(base, 'opening');
    const codes: string[] = [];
    for (let round = 0; round < 10; round++) {
      const w = start(dir, 'opening');
      await message(w);
      await w.terminate();
      try {
        HotStore.openSync(dir).closeSync();
        codes.push('ok');
      } catch (e) {
        codes.push(String((e as { code?: string }).code));
      }
    }
    out.codes = codes;
  } else if (scenario === 'locked') {
    const dir = path.join(base, 'locked');
    const s = HotStore.openSync(dir);
    const w = start(dir, 'open-locked');
    out.worker = await message(w);
    s.closeSync();
  } else if (scenario === 'locked-spelling') {
    const dir = path.join(base, 'spelling');
    const s = HotStore.openSync(dir);
    out.workerWhileMainHolds = await message(start(`${dir}//`, 'open-locked'));
    s.closeSync();
    const holder = start(dir, 'hold');
    await message(holder);
    out.mainWhileWorkerHolds = codeOf(() => HotStore.openSync(`${dir}/`));
    await holder.terminate(); // the worker's env cleanup closes its store and frees the directory
    out.mainAfterTerminate = codeOf(() => HotStore.openSync(`${dir}/`).closeSync());
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(`${e?.code} ${e?.stack}\n`);
  process.exit(3);
});
