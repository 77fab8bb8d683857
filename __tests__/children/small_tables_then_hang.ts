// Writes argv[3] sessions' worth of small table files into the store at argv[2] in one open
// (a put of entity i, then a flush, for each i), prints "ready" and waits to be killed, so the
// store is left with many small table files that no close has merged.
import { HotStore } from '../../lib';
import { native } from '../../lib/binding';

const s = HotStore.openSync(process.argv[2]);
for (let i = 0; i < Number(process.argv[3]); i++) {
  s.putSync(0, { entityId: i, timestamp: i, vector: [i, 1] });
  native.flush(s._handle);
}
process.stdout.write('ready\n');
setInterval(() => s.isOpen, 1000);
