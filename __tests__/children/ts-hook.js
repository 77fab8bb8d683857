// Lets child processes (crash, GC, worker and memory tests) run the TypeScript sources
// directly with plain `node -r ts-hook.js child.ts`, so they always exercise the current
// lib/ and never a stale dist/. Transpile-only; output cached by content hash so that the
// fifty processes a crash test starts do not each pay for loading the compiler.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');

const cacheDir = path.join(os.tmpdir(), 'cvx-ts-hook-cache');
let ts;

require.extensions['.ts'] = (module, filename) => {
  const src = fs.readFileSync(filename, 'utf8');
  const hash = crypto.createHash('sha1').update(filename).update('\0').update(src).digest('hex');
  const cached = path.join(cacheDir, `${hash}.js`);
  let out;
  try {
    out = fs.readFileSync(cached, 'utf8');
  } catch {
    ts = ts || require('typescript');
    out = ts.transpileModule(src, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, cached); // atomic: concurrent children never read half a file
  }
  module._compile(out, filename);
};
