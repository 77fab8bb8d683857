// Opens the store at argv[2] (writable, as an application would) and reads the points
// (entity i, space 0, timestamp i) for i < argv[3]; prints one JSON line with how many were
// found, the process's open descriptors while the store was open, and the error if any. The
// test starts it under a low `ulimit -n`, which the test runner itself must not run under.
import * as fs from 'fs';
import { HotStore } from '../../lib';

const [dir, n] = process.argv.slice(2);
try {
  const s = HotStore.openSync(dir);
  let found = 0;
  for (let i = 0; i < Number(n); i++) {
    const p = s.getSync(i, 0, i);
    if (p && p.vector[0] === i) found++;
  }
  const fds = fs.readdirSync('/proc/self/fd').length;
  s.closeSync();
  process.stdout.write(`${JSON.stringify({ found, fds })}\n`);
} catch (e) {
  const err = e as { code?: string; message: string };
  process.stdout.write(`${JSON.stringify({ code: err.code, message: err.message })}\n`);
}
