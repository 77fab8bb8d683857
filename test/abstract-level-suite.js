// abstract-level's own compliance suite (run with tape) against HotStoreLevel over the
// `default` column family, in both ways of constructing it:
//   owned  — the adapter opens and closes a store of its own in a fresh temp directory
//            (so the open/close, createIfMissing, errorIfExists and permanence tests run);
//   shared — the adapter wraps a HotStore opened for it, as applications use it.
// CVX_LEVEL_SUITE=owned|shared runs one of them. Needs dist/ and the native build:
// `npm run test:level` compiles first. Tape exits non-zero on any failure.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const test = require('tape');
const suite = require('abstract-level/test');
const { HotStore, HotStoreLevel } = require('../dist');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cvx-level-suite-'));
let n = 0;
const fresh = () => path.join(root, String(n++));
const modes = (process.env.CVX_LEVEL_SUITE || 'owned,shared').split(',');

// Every store costs a few MB (the memtable prefix bloom is allocated up front), and the
// suite's sublevel pass never closes the root db behind a sublevel; so after each test,
// release what no test can use any more: a root whose sublevels are all closed, and the
// shared store of a closed root. Suite tests share dbs between a setup and a teardown
// test and reopen closed dbs within a test, which this leaves alone.
const tracked = []; // { db, subs, store? }

function track(db, store) {
  const entry = { db, subs: [], store };
  const sublevel = db.sublevel.bind(db);
  db.sublevel = (...args) => {
    const sub = sublevel(...args);
    entry.subs.push(sub);
    return sub;
  };
  tracked.push(entry);
  return db;
}

async function release(all) {
  for (let i = tracked.length - 1; i >= 0; i--) {
    const { db, subs, store } = tracked[i];
    const settled = db.status === 'open' || db.status === 'closed'; // not mid-open or mid-close
    const idle = db.status === 'closed' || (subs.length > 0 && subs.every((s) => s.status === 'closed'));
    if (!settled || (!all && !idle)) continue;
    tracked.splice(i, 1);
    // Some tests reopen their db from a 'closing'/'closed' listener; closing a root closes its sublevels.
    for (const d of [db, ...subs]) d.removeAllListeners();
    if (db.status === 'open') await db.close();
    if (store) await store.close();
  }
}

const withRelease = (label) => (name, fn) => test(`${label}${name}`, (t) => {
  t.teardown(() => release(false));
  return fn(t);
});

if (modes.includes('owned')) {
  suite({
    test: withRelease(''),
    factory(options) {
      return track(new HotStoreLevel(fresh(), options));
    },
  });
}

if (modes.includes('shared')) {
  suite({
    test: withRelease('[shared store] '),
    factory(options) {
      const store = HotStore.openSync(fresh());
      return track(new HotStoreLevel(store, options), store);
    },
  });
}

test.onFinish(async () => {
  await release(true);
  fs.rmSync(root, { recursive: true, force: true });
});
