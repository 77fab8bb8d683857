// What a user's `npm install cvx-storage` gets: the package is packed (prepack builds the
// prebuilds) from a staged copy of this checkout, installed into a fresh project inside a
// private mount namespace where the system's RocksDB and its non-base libraries are hidden and
// no compiler is on PATH, and used there through require, import, npx cvx-hot and TypeScript.
// Then the fallback: without prebuilds, the install compiles against the system's RocksDB.
// Needs root (unshare -m, bind mounts) and patchelf; CI has both.
import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureDist, ROOT } from './helpers/dist';

const FIXTURES = path.join(__dirname, 'fixtures', 'package_consumer');
/** Base libraries a user's system provides (and Node has loaded): the only ones not bundled. */
const BASE = /^(linux-vdso|ld-linux[^/]*|libc|libm|libstdc\+\+|libgcc_s|libpthread|libdl)\.so/;
/** What the package must bring itself. */
const BUNDLED = ['librocksdb.so.7.8', 'libsnappy.so.1', 'liblz4.so.1', 'libzstd.so.1', 'libz.so.1', 'libbz2.so.1.0', 'libgflags.so.2.2'];
/** Highest symbol versions the bundled files may need (docs/install.md states this floor). */
const GLIBC_FLOOR = [2, 34];
const GLIBCXX_FLOOR = [3, 4, 30];

let work = '';

function sh(cmd: string, args: string[], opts: SpawnSyncOptions = {}, timeout = 240_000): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout, ...opts });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${out.slice(-4000)}`);
  return out;
}

/** Shared libraries a file needs, transitively: soname -> path (ldd). */
function ldd(file: string): Map<string, string> {
  const deps = new Map<string, string>();
  for (const m of sh('ldd', [file]).matchAll(/^\s*(\S+)\s+=>\s+(\S+)\s+\(/gm)) deps.set(m[1], m[2]);
  return deps;
}

/** The package files copied with their times (so prebuild finds build/Release up to date). */
function stage(): string {
  const dir = path.join(work, 'stage');
  for (const f of ['package.json', 'binding.gyp', 'tsconfig.json', 'README.md', 'LICENSE', 'CHANGELOG.md',
    'lib', 'native', 'scripts', 'esm', 'docs', 'dist', 'build/Release/cvx_native.node']) {
    fs.cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true, preserveTimestamps: true });
  }
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(dir, 'node_modules'));
  return dir;
}

/** npm pack in `dir` (running prepack unless ignoreScripts); the tarball's path. */
function pack(dir: string, dest: string, ignoreScripts = false): { tarball: string; files: string[]; size: number } {
  fs.mkdirSync(dest, { recursive: true });
  const args = ['pack', '--json', '--pack-destination', dest, ...(ignoreScripts ? ['--ignore-scripts'] : [])];
  const out = sh('npm', args, { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
  const info = JSON.parse(out)[0] as { filename: string; size: number; files: Array<{ path: string }> };
  return { tarball: path.join(dest, info.filename), files: info.files.map((f) => f.path), size: info.size };
}

/** A fresh consumer project holding the consumer scripts. */
function consumerProject(name: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  for (const f of ['consumer.js', 'consumer.mjs', 'typed.ts']) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  return dir;
}

/** Real files of the system's librocksdb and every non-base library it needs (to hide). */
function systemLibrariesToHide(): string[] {
  const rocks = ldd(path.join(ROOT, 'build', 'Release', 'cvx_native.node')).get('librocksdb.so.7.8');
  if (!rocks) throw new Error('build/Release/cvx_native.node does not link librocksdb.so.7.8');
  const libs = [rocks, ...[...ldd(rocks)].filter(([soname]) => !BASE.test(soname)).map(([, p]) => p)];
  return [...new Set(libs.map((p) => fs.realpathSync(p)))];
}

/** A dir with node, npm, npx and a shell only: PATH without compilers. */
function minimalBin(): string {
  const bin = path.join(work, 'bin');
  fs.mkdirSync(bin);
  const npmCli = fs.realpathSync(sh('bash', ['-c', 'command -v npm']).trim());
  const links: Record<string, string> = {
    node: process.execPath, sh: '/bin/sh', bash: '/bin/bash', npm: npmCli, npx: path.join(path.dirname(npmCli), 'npx-cli.js'),
  };
  for (const [name, target] of Object.entries(links)) fs.symlinkSync(target, path.join(bin, name));
  return bin;
}

function versionAbove(found: number[], floor: number[]): boolean {
  for (let i = 0; i < floor.length; i++) if ((found[i] ?? 0) !== floor[i]) return (found[i] ?? 0) > floor[i];
  return false;
}

/** Highest GLIBC_ and GLIBCXX_ symbol versions the files require (readelf -V). */
function highestVersions(files: string[]): { glibc: number[]; glibcxx: number[] } {
  let glibc = [0];
  let glibcxx = [0];
  for (const f of files) {
    for (const m of sh('readelf', ['-V', '--wide', f]).matchAll(/Name: (GLIBC|GLIBCXX)_([\d.]+)/g)) {
      const v = m[2].split('.').map(Number);
      if (m[1] === 'GLIBC' && versionAbove(v, glibc)) glibc = v;
      if (m[1] === 'GLIBCXX' && versionAbove(v, glibcxx)) glibcxx = v;
    }
  }
  return { glibc, glibcxx };
}

/** Type-checks typed.ts in `dir` with the given module settings against the installed package. */
function typeCheck(dir: string, module: string, moduleResolution: string): void {
  const tsconfig = {
    compilerOptions: {
      strict: true, noEmit: true, module, moduleResolution, target: 'es2022',
      typeRoots: [path.join(ROOT, 'node_modules', '@types')], types: ['node'],
    },
    files: ['typed.ts'],
  };
  fs.writeFileSync(path.join(dir, `tsconfig.${moduleResolution}.json`), JSON.stringify(tsconfig));
  sh(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', `tsconfig.${moduleResolution}.json`], { cwd: dir });
}

beforeAll(() => {
  if (process.platform !== 'linux' || process.arch !== 'x64' || process.getuid?.() !== 0) {
    throw new Error('package_install.test.ts needs linux-x64 and root (unshare -m, bind mounts); CI has both');
  }
  ensureDist();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cvx-package-'));
});

afterAll(() => {
  // Mounts lived in the namespace of inside.sh and ended with it; only files remain.
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

let packed: { tarball: string; files: string[]; size: number; stage: string };

test('npm pack builds prebuilds (addon + bundled libraries, $ORIGIN, glibc floor) and ships no tests', () => {
  const dir = stage();
  packed = { ...pack(dir, path.join(work, 'packs')), stage: dir };
  const shipped = packed.files;
  expect(shipped.filter((f) => /^(__tests__|test|benchmarks)\//.test(f) || /\.map$|\.tsbuildinfo$/.test(f))).toEqual([]);
  expect(shipped).toEqual(expect.arrayContaining(['LICENSE', 'esm/index.mjs', 'esm/index.d.mts', 'dist/index.d.ts', 'scripts/install.js']));
  const prebuilt = shipped.filter((f) => f.startsWith('prebuilds/')).map((f) => path.relative('prebuilds/linux-x64', f)).sort();
  expect(prebuilt).toEqual(['cvx_native.napi-8.glibc.node', ...BUNDLED].sort());
  const files = prebuilt.map((f) => path.join(dir, 'prebuilds', 'linux-x64', f));
  for (const f of files) expect(sh('readelf', ['-d', f])).toMatch(/\(RUNPATH\)\s+Library runpath: \[\$ORIGIN\]/);
  const { glibc, glibcxx } = highestVersions(files);
  console.log(`bundled files need at most GLIBC_${glibc.join('.')} and GLIBCXX_${glibcxx.join('.')}; tarball ${packed.size} bytes`);
  expect(versionAbove(glibc, GLIBC_FLOOR)).toBe(false);
  expect(versionAbove(glibcxx, GLIBCXX_FLOOR)).toBe(false);
}, 300_000);

test('installed without system RocksDB and without a compiler: require, import, npx cvx-hot; libraries from the package', () => {
  const consumer = consumerProject('consumer');
  const stores = path.join(work, 'stores');
  fs.mkdirSync(stores);
  const empty = path.join(work, 'empty');
  fs.writeFileSync(empty, '');
  const hidden = systemLibrariesToHide();
  const log = sh('unshare', ['-m', '--propagation', 'private', 'bash', path.join(FIXTURES, 'inside.sh'),
    empty, minimalBin(), consumer, packed.tarball, stores, ...hidden], {}, 300_000);
  expect(log).toMatch(/cvx-storage: using the prebuilt addon prebuilds\/linux-x64\/cvx_native\.napi-8\.glibc\.node/);
  // Only cvx-storage's own install counts: cbor-x's optional cbor-extract may try node-gyp and
  // fail here (cbor-x then uses its JavaScript decoder).
  expect(log).not.toMatch(/cvx-storage: .*compiling|\$npm_package_name cvx-storage/);
  expect(fs.existsSync(path.join(consumer, 'node_modules', 'cvx-storage', 'build'))).toBe(false);

  const cjs = JSON.parse(fs.readFileSync(path.join(stores, 'cjs.json'), 'utf8'));
  const prebuildDir = path.join(cjs.pkg, 'prebuilds', 'linux-x64');
  const fromSystem = (cjs.libraries as string[]).filter((f) => !f.startsWith(prebuildDir + path.sep));
  expect(fromSystem.filter((f) => !BASE.test(path.basename(f)))).toEqual([]);
  const fromPackage = (cjs.libraries as string[]).filter((f) => f.startsWith(prebuildDir + path.sep)).map((f) => path.basename(f));
  expect(fromPackage.sort()).toEqual(['cvx_native.napi-8.glibc.node', ...BUNDLED].sort());
  // No test-only entry point (test/native's tools) in the shipped addon.
  const testTools = [...fs.readFileSync(path.join(ROOT, 'test', 'native', 'codec_tools.cc'), 'utf8').matchAll(/Set\("(\w+)"/g),
    ...fs.readFileSync(path.join(ROOT, 'test', 'native', 'raw_tools.cc'), 'utf8').matchAll(/Set\("(\w+)"/g)].map((m) => m[1]);
  expect(testTools.length).toBeGreaterThan(0);
  expect((cjs.exportsOfAddon as string[]).filter((k) => testTools.includes(k))).toEqual([]);
  expect(cjs.exportsOfAddon).toContain('openSync');

  const esm = JSON.parse(fs.readFileSync(path.join(stores, 'esm.json'), 'utf8'));
  expect(esm.esmNames).toEqual(esm.cjsNames);
  expect(fs.readFileSync(path.join(stores, 'help.txt'), 'utf8')).toMatch(/Usage: cvx-hot/);
  expect(fs.readFileSync(path.join(stores, 'demo.txt'), 'utf8')).toMatch(/verif/i);

  typeCheck(consumer, 'node16', 'node16');
  typeCheck(consumer, 'esnext', 'bundler');
}, 400_000);

test('without prebuilds the install compiles against the system RocksDB', () => {
  fs.rmSync(path.join(packed.stage, 'prebuilds'), { recursive: true, force: true });
  const { tarball, files } = pack(packed.stage, path.join(work, 'packs-source'), true);
  expect(files.filter((f) => f.startsWith('prebuilds/'))).toEqual([]);
  const consumer = consumerProject('consumer-source');
  const log = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball],
    { cwd: consumer, env: { ...process.env, JOBS: '2' } }, 480_000);
  expect(log).toMatch(/no prebuilt addon for linux-x64 glibc; compiling from source/);
  const out = sh(process.execPath, ['consumer.js', path.join(work, 'stores-source')], { cwd: consumer });
  const libs = JSON.parse(out).libraries as string[];
  expect(libs).toContain(path.join(fs.realpathSync(consumer), 'node_modules', 'cvx-storage', 'build', 'Release', 'cvx_native.node'));
  expect(libs.some((f) => /^\/(usr\/)?lib\/x86_64-linux-gnu\/librocksdb\.so/.test(f))).toBe(true);
}, 600_000);
