'use strict';
// Builds the test-only addon (test/native/binding.gyp) into
// test/native/build/<Release|Debug>/cvx_test_tools.node, in the flavour asked for: the one the
// tests load the main addon in (CVX_NATIVE_BUILD=Debug or Release), since the tools work on
// that addon's objects. Nothing happens when the addon is newer than every source it could be
// built from (native/ and test/native/), so callers may run it before every test run.
//   node test/native/build.js [Release|Debug]     prints the addon's path
// Runs node-gyp through npx, as the main addon is built, so npm's settings (e.g. nodedir) apply.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..', '..');
const SOURCE = /\.(cc|h|gyp|gypi)$/;

function flavourFromEnv() {
  // The same choice lib/binding.ts makes for the main addon.
  return process.env.CVX_NATIVE_BUILD === 'Debug' ? 'Debug' : 'Release';
}

function addonPath(flavour) {
  return path.join(__dirname, 'build', flavour, 'cvx_test_tools.node');
}

function mtime(f) {
  try {
    return fs.statSync(f).mtimeMs;
  } catch {
    return 0;
  }
}

function newestSource() {
  let t = 0;
  for (const dir of [path.join(root, 'native'), __dirname]) {
    for (const name of fs.readdirSync(dir)) {
      if (SOURCE.test(name)) t = Math.max(t, mtime(path.join(dir, name)));
    }
  }
  return t;
}

/** True when the flavour's addon exists and no source is newer. */
function isFresh(flavour) {
  const built = mtime(addonPath(flavour));
  return built > 0 && built >= newestSource();
}

function nodeGyp(args) {
  const r = spawnSync('npx', ['--no-install', 'node-gyp', ...args], { cwd: __dirname, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`test tools: node-gyp ${args.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
  }
}

/** Returns the path of an up-to-date test-tools addon of `flavour`, building it if needed. */
function buildTestTools(flavour = flavourFromEnv(), { quiet = false } = {}) {
  if (flavour !== 'Release' && flavour !== 'Debug') throw new Error(`test tools: unknown flavour ${flavour}`);
  const out = addonPath(flavour);
  if (isFresh(flavour)) return out;
  if (!quiet) process.stderr.write(`building the test-tools addon (${flavour}) in test/native ...\n`);
  if (!fs.existsSync(path.join(__dirname, 'build', 'Makefile'))) nodeGyp(['configure']);
  nodeGyp(['build', ...(flavour === 'Debug' ? ['--debug'] : []), '-j', '2']);
  if (!fs.existsSync(out)) throw new Error(`test tools: the build did not produce ${out}`);
  // make leaves an up-to-date addon untouched; touch it so isFresh() holds until a source changes.
  const now = new Date();
  fs.utimesSync(out, now, now);
  return out;
}

module.exports = { addonPath, buildTestTools, flavourFromEnv, isFresh };

if (require.main === module) console.log(buildTestTools(process.argv[2] || flavourFromEnv()));
