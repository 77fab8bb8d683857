// The functions that bypass every check of the store (raw record writes and scans, the C++
// codecs exposed for comparison) exist only in the test-tools addon (test/native), never in
// the addon users load nor in anything built from the package's shipped sources.
import * as fs from 'fs';
import * as path from 'path';
import { native } from '../lib/binding';
import { vkey } from './helpers/raw';
import { testTools } from './helpers/test_tools';
import { tempStore } from './helpers/tmp';

const ROOT = path.join(__dirname, '..');
const TOOLS = ['_rawPut', '_rawDelete', '_rawScan', 'encodeKeyNative', 'encodeTimelineNative'];

test('the addon users load exports none of the test tools', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const release = require(path.join(ROOT, 'build', 'Release', 'cvx_native.node')) as object;
  for (const addon of [release, native]) {
    expect(Object.keys(addon).length).toBeGreaterThan(10);
    expect(Object.keys(addon).filter((k) => TOOLS.includes(k))).toEqual([]);
  }
  // ... and the test-tools addon has each of them.
  for (const name of TOOLS) expect(typeof (testTools as unknown as Record<string, unknown>)[name]).toBe('function');
});

test('no shipped source names a test tool', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  expect(pkg.files.filter((f) => f === 'test' || f.startsWith('test/'))).toEqual([]);
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const shipped = [path.join(ROOT, 'binding.gyp'), ...files(path.join(ROOT, 'native'))];
  expect(shipped.length).toBeGreaterThan(20);
  // A binary built from these (a prebuilt one too) cannot export a name none of them holds.
  const mentions = shipped.flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8');
    return TOOLS.filter((name) => text.includes(name)).map((name) => `${path.relative(ROOT, file)}: ${name}`);
  });
  expect(mentions).toEqual([]);
});

test('the tools work on the main addon\'s handles, with its admission and coded errors', async () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: 5, vector: [1, 2] });
  expect(testTools._rawScan(store._handle, 'vectors').map(([k]) => k.toString('hex'))).toEqual([vkey(1, 0, 5).toString('hex')]);
  testTools._rawDelete(store._handle, 'vectors', new Uint8Array(vkey(1, 0, 5)));
  expect(store.getSync(1, 0, 5)).toBeUndefined();
  expect(() => testTools._rawScan({} as never, 'vectors')).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT' }));
  expect(() => testTools._rawScan(store._handle, 'nope')).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT' }));
  await store.close();
  expect(() => testTools._rawScan(store._handle, 'vectors')).toThrow(expect.objectContaining({ code: 'CVX_NOT_OPEN' }));
});
