// native/job.h checks every Job's declared hooks (kHooks) against its members at compile
// time. Compiles small translation units (__tests__/fixtures/job_hooks/*.cc) against job.h
// with the build's include paths and defines: a well-formed job must compile (the control),
// and each malformed one must fail with job.h's own static_assert message, so an unrelated
// compile error never passes for the check.
import { execFile, execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

const root = path.resolve(__dirname, '..');
const fixtures = path.join(__dirname, 'fixtures', 'job_hooks');

/** Node's C headers, where node-gyp finds them: a nodedir, the installed prefix, or its header cache. */
function nodeIncludeDir(): string {
  const candidates = [
    process.env.npm_config_nodedir && path.join(process.env.npm_config_nodedir, 'include', 'node'),
    path.resolve(path.dirname(process.execPath), '..', 'include', 'node'),
    path.join(os.homedir(), '.cache', 'node-gyp', process.versions.node, 'include', 'node'),
    path.join(os.homedir(), '.node-gyp', process.versions.node, 'include', 'node'),
  ].filter((d): d is string => Boolean(d));
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'node_api.h')));
  if (!found) throw new Error(`node_api.h not found in any of: ${candidates.join(', ')}`);
  return found;
}

/** The addon's defines and C++ standard (native/build_flags.gypi), so the fixtures see what the addon sees. */
function compileFlags(): string[] {
  const gypi = fs.readFileSync(path.join(root, 'native', 'build_flags.gypi'), 'utf8');
  // gyp files are JSON with `#` comment lines.
  const target = JSON.parse(gypi.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n'));
  const std = (target.cflags_cc as string[]).filter((f) => f.startsWith('-std='));
  const rocksdb = execFileSync('pkg-config', ['--cflags', 'rocksdb'], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
  return [
    ...std,
    '-fsyntax-only',
    ...(target.defines as string[]).map((d) => `-D${d}`),
    '-DNAPI_CPP_EXCEPTIONS', // what the node_addon_api_except dependency adds
    `-I${nodeIncludeDir()}`,
    `-I${path.dirname(require.resolve('node-addon-api/package.json'))}`,
    `-I${path.join(root, 'native')}`,
    ...rocksdb,
  ];
}

interface Compiled {
  ok: boolean;
  output: string;
}

function compile(fixture: string, flags: string[]): Promise<Compiled> {
  return new Promise((resolve) => {
    execFile(process.env.CXX || 'g++', [...flags, path.join(fixtures, fixture)], (err, stdout, stderr) => {
      resolve({ ok: !err, output: `${stdout}${stderr}` });
    });
  });
}

const cases = ['well_formed.cc', 'misspelt_hook.cc', 'undeclared_hook.cc', 'pins_without_unpin.cc', 'no_hooks_declared.cc'];
const results = new Map<string, Compiled>();

beforeAll(async () => {
  const flags = compileFlags();
  // All at once: each is a couple of seconds of header parsing.
  const compiled = await Promise.all(cases.map((c) => compile(c, flags)));
  cases.forEach((c, i) => results.set(c, compiled[i]));
}, 120000);

/** The static_assert failures in a compiler's output: the checks that fired, and nothing else. */
function assertions(output: string): string[] {
  return output.split('\n').filter((l) => /error: static assertion failed/.test(l)).map((l) => l.replace(/^.*static assertion failed: /, ''));
}

test('a job whose declared hooks match its members compiles (control)', () => {
  const r = results.get('well_formed.cc')!;
  expect(r.output).toBe('');
  expect(r.ok).toBe(true);
});

test.each([
  ['declares kPins but misspells Detach()', 'misspelt_hook.cc', 'cvx job hooks: the Job declares Hooks::kPins but has no `void Detach()`'],
  ['has a TryInline() it did not declare', 'undeclared_hook.cc', 'cvx job hooks: the Job has a TryInline() but does not declare Hooks::kTryInline'],
  ['pins with Detach() but has no Unpin()', 'pins_without_unpin.cc', 'cvx job hooks: the Job declares Hooks::kPins but has no `void Unpin()`'],
  ['declares no kHooks', 'no_hooks_declared.cc', 'cvx job hooks: a Job must declare `static constexpr Hooks kHooks` (Hooks::kNone when it has none)'],
])('a job that %s fails to compile with job.h\'s message', (_what, fixture, message) => {
  const r = results.get(fixture)!;
  expect(r.ok).toBe(false);
  expect(assertions(r.output)).toEqual([message]);
});
