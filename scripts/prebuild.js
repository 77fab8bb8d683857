'use strict';
// `npm run prebuild` (and `prepack`): puts the Release addon and the shared libraries it needs
// beyond the base system into prebuilds/<platform>-<arch>/, so a user's `npm install` needs no
// compiler and no system RocksDB. Debian's librocksdb.a is not position-independent, so RocksDB
// travels as its shared library; every bundled file gets RUNPATH=$ORIGIN (patchelf) so the addon
// finds librocksdb and librocksdb finds snappy, lz4, zstd, … beside itself. libstdc++ and libc
// stay the system's: Node has already loaded them. Linux only (docs/install.md has the others).
// The addon is compiled only when build/Release is missing or older than its sources.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const target = require('./prebuild_target');

const root = path.join(__dirname, '..');
const built = path.join(root, 'build', 'Release', 'cvx_native.node');
/** What every Linux system has and Node has already loaded: never bundled. */
const BASE = /^(linux-vdso|ld-linux[^/]*|libc|libm|libstdc\+\+|libgcc_s|libpthread|libdl)\.so/;

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', ...options });
  if (r.error) throw new Error(`prebuild: ${cmd} could not run (${r.error.message})`);
  if (r.status !== 0) throw new Error(`prebuild: ${cmd} ${args.join(' ')} failed:\n${r.stderr || ''}${r.stdout || ''}`);
  return r.stdout;
}

function newestSource() {
  let newest = 0;
  const files = ['binding.gyp', ...fs.readdirSync(path.join(root, 'native')).map((f) => path.join('native', f))];
  for (const f of files) {
    if (/\.(cc|h|gyp|gypi)$/.test(f)) newest = Math.max(newest, fs.statSync(path.join(root, f)).mtimeMs);
  }
  return newest;
}

function ensureAddon() {
  const have = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  if (have >= newestSource()) return;
  console.error('prebuild: compiling the Release addon (node-gyp rebuild)');
  // npm puts its own node-gyp on scripts' PATH and names it in npm_config_node_gyp.
  const gyp = process.env.npm_config_node_gyp;
  if (gyp) run(process.execPath, [gyp, 'rebuild', '--release'], { stdio: 'inherit' });
  else run('npx', ['node-gyp', 'rebuild', '--release'], { stdio: 'inherit' });
}

/** soname -> absolute path of every shared library the file needs, transitively (ldd). */
function sharedDeps(file) {
  const deps = new Map();
  for (const line of run('ldd', [file]).split('\n')) {
    const m = /^\s*(\S+)\s+=>\s+(\S+)\s+\(/.exec(line);
    if (m) deps.set(m[1], m[2]);
    else if (/=>\s+not found/.test(line)) throw new Error(`prebuild: ${file} needs a library that is missing: ${line.trim()}`);
  }
  return deps;
}

/**
 * npm runs a script named `prebuild` before `npm run build` too (its pre-hook naming). Packaging
 * there would put a prebuild beside every contributor build, so it runs only when npm was asked
 * for it (`npm run prebuild`, `npm pack`, `npm publish`) or when started directly. Linux: the
 * npm process is an ancestor; its command line says what it was asked for.
 */
function askedFor() {
  let pid = process.ppid;
  for (let depth = 0; depth < 4 && pid > 1; depth++) {
    let args;
    try {
      // npm sets its process title to e.g. "npm run build": one string in place of its argv.
      args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]+/).filter(Boolean);
    } catch {
      return true;
    }
    if (args.some((a) => /(^|\/)npm(-cli\.js)?$/.test(a))) {
      // `npm run build` (hook) versus `npm run prebuild`, `npm pack`, `npm publish` (asked for).
      return args.some((a) => a === 'prebuild' || a === 'pack' || a === 'publish');
    }
    pid = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
  }
  return true;
}

function main() {
  if (process.env.npm_lifecycle_event === 'prebuild' && !askedFor()) return;
  if (process.platform !== 'linux') {
    console.error('prebuild: only linux is automated; see docs/install.md for other platforms');
    process.exit(1);
  }
  ensureAddon();
  const dir = target.prebuildDir(root);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const addon = path.join(dir, target.addonFileName(target.ADDON_NAPI_VERSION, target.libc()));
  fs.copyFileSync(built, addon);
  const bundled = [addon];
  for (const [soname, from] of sharedDeps(built)) {
    if (BASE.test(soname)) continue;
    const to = path.join(dir, soname);
    fs.copyFileSync(fs.realpathSync(from), to); // the library itself, under the name the loader asks for
    fs.chmodSync(to, 0o755);
    bundled.push(to);
  }
  for (const f of bundled) run('patchelf', ['--set-rpath', '$ORIGIN', f]);
  // Every non-base library must now come from the prebuild dir, not the system.
  for (const [soname, from] of sharedDeps(addon)) {
    if (!BASE.test(soname) && path.dirname(from) !== dir) throw new Error(`prebuild: ${soname} resolves to ${from}, not ${dir}`);
  }
  run(process.execPath, ['-e', 'require(process.argv[1])', addon]);
  console.error(`prebuild: ${path.relative(root, dir)}: ${bundled.map((f) => path.basename(f)).join(', ')}`);
}

try {
  main();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
