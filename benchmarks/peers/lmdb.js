'use strict';
// Peer: lmdb (lmdb-js). Two named databases in one environment (vectors, timelines) so one
// transaction covers both; each write is a transactionSync() doing the reads, the fold and the
// puts, which is LMDB's atomic read-modify-write. Durability is matched to cvx-storage: by default
// `noSync` (a commit is in the OS page cache, so it survives a process crash, like RocksDB's WAL
// without fsync); with `sync` LMDB's default durable commits.
const { open: lmdbOpen } = require('lmdb');
const { planBatch } = require('./record');

async function open(dir, { sync }) {
  const env = lmdbOpen({ path: dir, noSync: !sync, maxDbs: 4, mapSize: 16 * 1024 ** 3 });
  const opts = { keyEncoding: 'binary', encoding: 'binary' };
  const vectors = env.openDB('vectors', opts);
  const timelines = env.openDB('timelines', opts);
  const readTimeline = (k) => timelines.get(k);
  const exists = (k) => vectors.doesExist(k);
  const write = (points) => env.transactionSync(() => {
    const ops = planBatch(points, readTimeline, exists);
    // planBatch puts the vectors first and the timelines after them.
    for (let i = 0; i < points.length; i++) vectors.putSync(ops[i][0], ops[i][1]);
    for (let i = points.length; i < ops.length; i++) timelines.putSync(ops[i][0], ops[i][1]);
  });
  return {
    putPoint: (p) => write([p]),
    putBatch: (points) => write(points),
    get: (k) => vectors.get(k),
    getTimeline: readTimeline,
    range(lo, hi) {
      // getRange's end is exclusive: hi + one byte (0x00) is the smallest key after hi.
      const end = Buffer.concat([hi, Buffer.from([0])]);
      const out = [];
      for (const { key, value } of vectors.getRange({ start: lo, end })) out.push([key, value]);
      return out;
    },
    close: () => env.close(),
  };
}

module.exports = { name: 'lmdb', open };
