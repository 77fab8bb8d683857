'use strict';
// Builds the C++ programs of the benchmarks with g++ against the system RocksDB, each with the
// addon's own native/options.cc, codec.cc and info_log.cc: the limit (limit.cc →
// benchmarks/native/build/limit), the resource jobs' reference (resources.cc →
// build/resources) and the as-of jobs' limit (as_of.cc → build/as_of). Rebuilds only when a
// source is newer than the binary. Usable on its own (`node benchmarks/native/build.js` builds
// all three) and called by the runner before a job needs one.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..', '..');
const shared = [
  path.join(root, 'native', 'options.cc'),
  path.join(root, 'native', 'codec.cc'),
  path.join(root, 'native', 'info_log.cc'),
];
const headers = ['options.h', 'codec.h', 'info_log.h'].map((h) => path.join(root, 'native', h));

function mtime(f) {
  try {
    return fs.statSync(f).mtimeMs;
  } catch {
    return 0;
  }
}

function pkgConfig(flag) {
  try {
    return execFileSync('pkg-config', [flag, 'rocksdb'], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
  } catch (e) {
    throw new Error(`pkg-config ${flag} rocksdb failed: is the RocksDB development package installed? (${e.message})`);
  }
}

/** Returns the path of an up-to-date build/<name> from <name>.cc, compiling it if needed. */
function buildProgram(name, { quiet = false } = {}) {
  const out = path.join(__dirname, 'build', name);
  const sources = [path.join(__dirname, `${name}.cc`), ...shared];
  const built = mtime(out);
  if (built && [...sources, ...headers].every((f) => mtime(f) <= built)) return out;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const cxx = process.env.CXX || 'g++';
  // Same language level and optimisation as binding.gyp compiles the addon with.
  const args = ['-std=c++17', '-O2', '-Wall', '-Wextra', '-Wno-unused-parameter',
    `-I${path.join(root, 'native')}`, ...pkgConfig('--cflags'),
    ...sources, '-o', out, ...pkgConfig('--libs'), '-lpthread'];
  if (!quiet) process.stderr.write(`building C++ ${name}: ${cxx} ${args.join(' ')}\n`);
  execFileSync(cxx, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  return out;
}

const buildLimit = (opts) => buildProgram('limit', opts);
const buildResources = (opts) => buildProgram('resources', opts);
const buildAsOf = (opts) => buildProgram('as_of', opts);

module.exports = { buildLimit, buildResources, buildAsOf };

if (require.main === module) console.log([buildLimit(), buildResources(), buildAsOf()].join('\n'));
