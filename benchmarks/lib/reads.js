'use strict';
// How every JS read figure is measured, ours and the peers' alike (native/limit.cc does the
// same in C++): the same operation first runs untimed over a sample as large as the timed one,
// drawn with another seed, then the full sample is timed. The timed pass so measures
// steady-state throughput rather than the process's first page faults, heap growth and JIT
// tiers, which every contender pays once. A tenth-size warm-up was not enough: a Node process's
// young generation and malloc heap were still growing through the first 100k gets, which then
// ran 10-15 % slower than the next 100k (docs/performance.md). The warm-up reads other keys, so
// it does not pre-load the blocks the timed pass reads into any cache.
const { timed, assert } = require('./child');

/**
 * Point gets: `pass(sample)` reads every [entityId, timestamp] of the sample and returns how
 * many it found (or a promise of that).
 */
async function getFigure(figure, w, pass) {
  await pass(w.warmGetSample());
  const gets = w.getSample();
  await timed(figure, gets.length, async () => {
    const found = await pass(gets);
    assert(found === gets.length, `${figure} found ${found} of ${gets.length}`);
  });
}

/**
 * Full-trajectory ranges of random entities: `one(entityId)` returns the number of points it
 * read (or a promise of that), which must be P.
 */
async function rangeFigure(figure, w, one) {
  const pass = async (entities) => {
    for (const e of entities) {
      let n = one(e);
      if (typeof n !== 'number') n = await n;
      assert(n === w.P, `${figure} of entity ${e} returned ${n} points, expected ${w.P}`);
    }
  };
  await pass(w.warmRangeSample());
  const entities = w.rangeSample();
  await timed(figure, entities.length * w.P, () => pass(entities));
}

module.exports = { getFigure, rangeFigure };
