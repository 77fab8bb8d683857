'use strict';
// Peer: classic-level 3 (LevelDB). Uses its fastest calls for each step: getSync for the
// timeline read and the existence check (no event-loop hop), one db.batch() for the atomic write,
// an iterator with gte/lte and nextv for ranges. LevelDB's own defaults (8 MB block cache,
// snappy); `sync` maps to the write option of the same name.
const { ClassicLevel } = require('classic-level');
const { planBatch } = require('./record');

async function open(dir, { sync }) {
  const db = new ClassicLevel(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  const wo = { sync };
  const readTimeline = (k) => db.getSync(k);
  const exists = (k) => db.getSync(k) !== undefined;
  const write = (ops) => db.batch(ops.map(([key, value]) => ({ type: 'put', key, value })), wo);
  return {
    putPoint: (p) => write(planBatch([p], readTimeline, exists)),
    putBatch: (points) => write(planBatch(points, readTimeline, exists)),
    get: (k) => db.getSync(k),
    getTimeline: readTimeline,
    async range(lo, hi) {
      const it = db.iterator({ gte: lo, lte: hi });
      const out = [];
      try {
        for (;;) {
          const entries = await it.nextv(1000);
          if (entries.length === 0) break;
          for (const e of entries) out.push(e);
        }
      } finally {
        await it.close();
      }
      return out;
    },
    close: () => db.close(),
  };
}

module.exports = { name: 'classic-level', open };
