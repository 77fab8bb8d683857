// Opens argv[2] (options JSON in argv[3]) and prints {code, message} or {opened: true}, so a
// test can try a path that might hang or crash the process without risking the test runner.
import { HotStore } from '../../lib';

const [p, opts] = process.argv.slice(2);
try {
  const s = HotStore.openSync(p, opts ? JSON.parse(opts) : undefined);
  s.closeSync();
  process.stdout.write(JSON.stringify({ opened: true }));
} catch (e) {
  const err = e as { code?: string; message: string; constructor: { name: string } };
  process.stdout.write(JSON.stringify({ code: err.code, message: err.message, name: err.constructor.name }));
}
