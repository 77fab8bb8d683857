// Stores dropped without close(): collected by GC (run with --expose-gc) with writes in
// flight, half of them with an unawaited close() racing the GC; and one left open at exit. Afterwards the directory must open again (the
// finalizer released RocksDB and its lock) and hold every acknowledged write.
import { HotStore } from '../../lib';

const [dir, mode] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc!;

async function settle(rounds: number) {
  for (let i = 0; i < rounds; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

async function main() {
  if (mode === 'collect') {
    for (let round = 0; round < 20; round++) {
      (() => {
        const s = HotStore.openSync(dir);
        s.putSync(0, { entityId: round, timestamp: 1, vector: [round] });
        // in-flight work that nobody awaits: the job keeps the handle alive until it is done
        for (let i = 0; i < 50; i++) void s.put(0, { entityId: round, timestamp: 100 + i, vector: [i] });
        // odd rounds: GC racing a close() that nobody awaits either
        if (round % 2 === 1) void s.close();
      })();
      // The handle is unreachable once its jobs finish; open again only succeeds once the
      // finalizer has closed RocksDB and released the lock.
      let reopened: HotStore | undefined;
      for (let tries = 0; tries < 200 && !reopened; tries++) {
        await settle(2);
        try {
          reopened = HotStore.openSync(dir);
        } catch (e) {
          if ((e as { code?: string }).code !== 'CVX_LOCKED') throw e;
        }
      }
      if (!reopened) throw new Error(`round ${round}: the dropped store was never collected`);
      const tl = reopened.getTimelineSync(round, 0);
      if (tl?.pointCount !== 51) throw new Error(`round ${round}: pointCount ${tl?.pointCount}, expected 51`);
      reopened.closeSync();
    }
    process.stdout.write('collected');
  } else {
    // exit while open with writes in flight: the env cleanup hook must close cleanly
    const s = HotStore.openSync(dir);
    for (let i = 0; i < 2000; i++) void s.put(0, { entityId: 7, timestamp: i, vector: [i] });
    s.putSync(0, { entityId: 8, timestamp: 0, vector: [1] });
    process.stdout.write('exiting');
    setImmediate(() => process.exit(0));
  }
}

main().catch((e) => {
  process.stderr.write(`${e?.code} ${e?.stack}\n`);
  process.exit(3);
});
