'use strict';
// Peer: the `rocksdb` package (Level's abstract-leveldown binding of RocksDB 6). Its API is
// callback-only and asynchronous, so reads before a write are awaited: per point the timeline,
// then (when it existed) the key; per batch all timelines with one getMany, then all existence
// checks with one getMany, then one batch(). Single writer, so reading before the batch is
// equivalent to reading inside it. RocksDB defaults of that binding; `sync` as write option.
const rocksdb = require('rocksdb');
const { planBatch } = require('./record');

const call = (fn) => new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));
const isNotFound = (err) => err && (err.notFound || /NotFound/.test(err.message));

async function open(dir, { sync }) {
  const db = rocksdb(dir);
  await call((cb) => db.open({ createIfMissing: true }, cb));
  const wo = { sync };
  const get = (k) => new Promise((resolve, reject) =>
    db.get(k, { asBuffer: true }, (err, v) => (err ? (isNotFound(err) ? resolve(undefined) : reject(err)) : resolve(v))));
  const getMany = (keys) => call((cb) => db.getMany(keys, { asBuffer: true }, cb));
  const write = (ops) => call((cb) => db.batch(ops.map(([key, value]) => ({ type: 'put', key, value })), wo, cb));

  /** Pre-reads what planBatch will ask for, then plans synchronously from the answers. */
  async function put(points) {
    const tkeys = new Map();
    for (const p of points) if (!tkeys.has(p.entityId)) tkeys.set(p.entityId, p.tkey);
    const tvals = await getMany([...tkeys.values()]);
    const timelines = new Map();
    let k = 0;
    for (const e of tkeys.keys()) timelines.set(e, tvals[k++]);
    const probe = points.filter((p) => timelines.get(p.entityId) !== undefined);
    const found = probe.length ? await getMany(probe.map((p) => p.key)) : [];
    const present = new Set();
    probe.forEach((p, i) => { if (found[i] !== undefined) present.add(p.key.toString('latin1')); });
    const byKey = new Map([...tkeys].map(([e, tk]) => [tk.toString('latin1'), timelines.get(e)]));
    return write(planBatch(points, (tk) => byKey.get(tk.toString('latin1')), (key) => present.has(key.toString('latin1'))));
  }

  return {
    async putPoint(p) {
      // Per point: two plain gets, as a caller of this API would write it.
      const raw = await get(p.tkey);
      const present = raw !== undefined && (await get(p.key)) !== undefined;
      return write(planBatch([p], () => raw, () => present));
    },
    putBatch: put,
    get,
    getTimeline: get,
    range(lo, hi) {
      return new Promise((resolve, reject) => {
        const it = db.iterator({ gte: lo, lte: hi, keyAsBuffer: true, valueAsBuffer: true });
        const out = [];
        const step = () => it.next((err, key, value) => {
          if (err) return it.end(() => reject(err));
          if (key === undefined) return it.end((e2) => (e2 ? reject(e2) : resolve(out)));
          out.push([key, value]);
          step();
        });
        step();
      });
    },
    close: () => call((cb) => db.close(cb)),
  };
}

module.exports = { name: 'rocksdb', open };
