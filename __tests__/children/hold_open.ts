// Holds the store at argv[2] open until killed, so another process can try to open it.
import { HotStore } from '../../lib';

const s = HotStore.openSync(process.argv[2]);
process.stdout.write('open\n');
setInterval(() => s.isOpen, 1000);
