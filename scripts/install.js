'use strict';
// The package's install step: uses the prebuilt addon when one matches this machine and loads
// (tried in a child process, so a missing library or a too-old glibc shows up here, not in the
// user's service), and compiles from source (node-gyp rebuild, against the system's RocksDB)
// only when none matches, it fails to load, or `--build-from-source` was asked for.
const path = require('path');
const { spawnSync } = require('child_process');
const target = require('./prebuild_target');

const root = path.join(__dirname, '..');

/** Loads the addon in a fresh process; the error text when it does not load. */
function tryLoad(file) {
  const r = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', file], { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  return (r.stderr || '').split('\n').find((l) => /Error/.test(l)) || `exit status ${r.status}`;
}

function compile() {
  // npm names its own node-gyp in npm_config_node_gyp and puts it on scripts' PATH.
  const gyp = process.env.npm_config_node_gyp;
  const r = gyp
    ? spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: root, stdio: 'inherit' })
    : spawnSync('node-gyp', ['rebuild'], { cwd: root, stdio: 'inherit', shell: true });
  if (r.status === 0) return;
  console.error(
    'cvx-storage: compiling the native addon failed. It needs a C++17 compiler, Python and the\n' +
      'RocksDB development files (Debian/Ubuntu: apt-get install librocksdb-dev pkg-config g++ make).\n' +
      'See docs/install.md for the platforms with prebuilt binaries.',
  );
  process.exit(r.status || 1);
}

function main() {
  const fromSource = /^(true|1)$/.test(process.env.npm_config_build_from_source || '');
  const prebuild = fromSource ? undefined : target.findPrebuild(root);
  if (prebuild) {
    const why = tryLoad(prebuild);
    if (!why) {
      console.log(`cvx-storage: using the prebuilt addon ${path.relative(root, prebuild)}`);
      return;
    }
    console.log(`cvx-storage: the prebuilt addon does not load here (${why}); compiling from source`);
  } else if (!fromSource) {
    const libc = target.libc();
    console.log(`cvx-storage: no prebuilt addon for ${process.platform}-${process.arch}${libc ? ` ${libc}` : ''}; compiling from source`);
  }
  compile();
}

main();
