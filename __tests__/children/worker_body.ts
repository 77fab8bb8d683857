// Runs inside a worker thread (started by workers.ts): the addon must load per thread and
// each thread work with its own store. workerData.task says what to do.
import { parentPort, workerData } from 'worker_threads';
import { HotStore } from '../../lib';

const { dir, task } = workerData as { dir: string; task: string };

async function main() {
  if (task === 'own-store') {
    const s = await HotStore.open(dir);
    const n = 1000;
    await s.putMany(0, Array.from({ length: n }, (_, i) => ({ entityId: 1, timestamp: i, vector: [i, i] })));
    await Promise.all(Array.from({ length: 200 }, (_, i) => s.put(0, { entityId: 2, timestamp: i, vector: [i, 0] })));
    const r = await s.range(1, 0, 0, n);
    const ok = r.length === n && r[n - 1].vector[0] === n - 1 && (await s.getTimeline(2, 0))!.pointCount === 200 && s.verifySync().ok;
    await s.close();
    parentPort!.postMessage({ ok });
  } else if (task === 'busy') {
    const s = await HotStore.open(dir);
    let i = 0;
    parentPort!.postMessage('busy');
    // Keep thousands of operations in flight until the thread is terminated.
    for (;;) {
      const batch: Promise<unknown>[] = [];
      for (let k = 0; k < 500; k++, i++) {
        batch.push(s.put(0, { entityId: i % 31, timestamp: i, vector: [i, 1] }));
        batch.push(s.range(i % 31, 0, 0, i, { limit: 20 }));
        if (k % 100 === 0) batch.push(s.verify());
        // Every kind of async write (they run on the store's writer thread).
        if (k % 50 === 0) batch.push(s.putMany(0, [{ entityId: i % 31, timestamp: -i, vector: [1, i] }]));
        if (k % 70 === 0) batch.push(s.delete(i % 31, 0, i - 1));
      }
      await Promise.race([Promise.all(batch), new Promise((r) => setTimeout(r, 1))]);
    }
  } else if (task === 'opening') {
    parentPort!.postMessage('opening');
    void HotStore.open(dir); // terminated while the open runs on the pool
    for (;;) await new Promise((r) => setTimeout(r, 1000));
  } else if (task === 'hold') {
    const s = await HotStore.open(dir);
    parentPort!.postMessage('held');
    while (s.isOpen) await new Promise((r) => setTimeout(r, 1000)); // until the thread is terminated
  } else if (task === 'open-locked') {
    try {
      HotStore.openSync(dir);
      parentPort!.postMessage({ code: 'opened' });
    } catch (e) {
      parentPort!.postMessage({ code: (e as { code?: string }).code, message: (e as Error).message });
    }
  }
}

main().catch((e) => parentPort!.postMessage({ error: `${e?.code} ${e?.stack}` }));
