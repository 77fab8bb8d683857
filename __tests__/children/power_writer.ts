// Child of power_loss.test.ts: writes entities first..∞ in order, one write at a time (a
// put, or every fifth write a putMany of three), on a store opened with `sync` as argv says,
// and prints "A <entity>" once the write holding <entity> is acknowledged. The parent cuts
// the power under it (the filesystem's journal aborts) and then kills it.
// argv: <db> <sync> <first>.
import { HotStore } from '../../lib';
import { pointOf } from './disk_full_protocol';

const [dir, syncText, firstText] = process.argv.slice(2);

async function main(): Promise<void> {
  const store = await HotStore.open(dir, { sync: syncText === 'true' });
  process.stdout.write('open\n');
  for (let e = Number(firstText), i = 0; ; i++) {
    if (i % 5 === 4) {
      await store.putMany(0, [pointOf(e), pointOf(e + 1), pointOf(e + 2)]);
      e += 3;
    } else {
      store.putSync(0, pointOf(e));
      e += 1;
    }
    process.stdout.write(`A ${e - 1}\n`);
  }
}

main().catch((e) => {
  // Writes fail once the filesystem is gone: that is the parent's to judge, not a crash.
  process.stdout.write(`F ${(e as { code?: string }).code} ${(e as Error).message}\n`);
  setInterval(() => undefined, 1000); // wait for the parent's SIGKILL, as a dead machine would
});
