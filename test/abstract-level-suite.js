// abstract-level's own compliance suite (run with tape), against HotStoreLevel over the
// `default` column family of a store the adapter opens in a fresh temp directory.
// Needs `tsc` output in dist/ and the native build. `npm run test:level`.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const test = require('tape');
const suite = require('abstract-level/test');
const { HotStoreLevel } = require('../dist');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cvx-level-suite-'));
let n = 0;

suite({
  test,
  factory(options) {
    return new HotStoreLevel(path.join(root, String(n++)), options);
  },
});

test.onFinish(() => fs.rmSync(root, { recursive: true, force: true }));
