// Opens the store at argv[2] read-only and holds it until killed: beside a writer that is a
// secondary instance, whose working directory a SIGKILL leaves behind for the next open to sweep.
import { HotStore } from '../../lib';

HotStore.open(process.argv[2], { readOnly: true }).then(
  (s) => {
    process.stdout.write('open\n');
    setInterval(() => s.isOpen, 1000);
  },
  (e) => {
    process.stderr.write(`${e.code} ${e.message}\n`);
    process.exit(1);
  },
);
