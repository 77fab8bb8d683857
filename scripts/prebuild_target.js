'use strict';
// Names the prebuilt addon this machine can load, in one place: the loader (lib/binding.ts),
// the install step (scripts/install.js) and the prebuild step (scripts/prebuild.js) all ask here,
// so a prebuild is only ever picked by the platform, arch, libc and Node-API version it was
// built for. Layout: prebuilds/<platform>-<arch>/cvx_native.napi-<N>.<libc>.node, with the
// shared libraries it needs beside it (found through $ORIGIN).
// Plain CommonJS, not TypeScript: the install step runs before dist/ exists in a fresh clone.
const fs = require('fs');
const path = require('path');

/** Node-API version the addon is compiled for (native/build_flags.gypi's NAPI_VERSION). */
const ADDON_NAPI_VERSION = 8;

/** 'glibc' or 'musl' on Linux (musl has no glibcVersionRuntime in the process report); '' elsewhere. */
function libc() {
  if (process.platform !== 'linux') return '';
  const report = process.report && process.report.getReport ? process.report.getReport() : undefined;
  const header = report && (typeof report === 'string' ? JSON.parse(report).header : report.header);
  return header && header.glibcVersionRuntime ? 'glibc' : 'musl';
}

/** prebuilds/<platform>-<arch> under the package root. */
function prebuildDir(root) {
  return path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
}

/** The file name a prebuild for this Node-API version and libc has. */
function addonFileName(napi, libcName) {
  return `cvx_native.napi-${napi}${libcName ? `.${libcName}` : ''}.node`;
}

/**
 * The prebuilt addon this process can load, or undefined: same platform and arch (the dir),
 * same libc, and the highest Node-API version not above this Node's.
 */
function findPrebuild(root) {
  const dir = prebuildDir(root);
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  const want = libc();
  const runtimeNapi = Number(process.versions.napi);
  let best;
  for (const name of names) {
    const m = /^cvx_native\.napi-(\d+)(?:\.(glibc|musl))?\.node$/.exec(name);
    if (!m || (m[2] || '') !== want || Number(m[1]) > runtimeNapi) continue;
    if (!best || Number(m[1]) > best.napi) best = { napi: Number(m[1]), file: path.join(dir, name) };
  }
  return best && best.file;
}

module.exports = { ADDON_NAPI_VERSION, libc, prebuildDir, addonFileName, findPrebuild };
