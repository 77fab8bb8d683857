'use strict';
// How every JS read figure is measured, ours and the peers' alike (native/limit.cc does the
// same in C++): the same operation first runs untimed over a sample as large as the timed one,
// drawn with another seed, then the full sample is timed. The timed pass so measures
// steady-state throughput rather than the process's first page faults, heap growth and JIT
// tiers, which every contender pays once. A tenth-size warm-up was not enough: a Node process's
// young generation and malloc heap were still growing through the first 100k gets, which then
// ran 10-15 % slower than the next 100k (docs/performance.md). The warm-up reads other keys, so
// it does not pre-load the blocks the timed pass reads into any cache.
const { monitorEventLoopDelay } = require('perf_hooks');
const { timed, assert } = require('./child');

/**
 * The event-loop delay during `fn` (perf_hooks, 1 ms resolution): p99, max and mean in ms, as
 * fields of the figure. Every async read figure reports it (the aim: p99 < 10 ms).
 */
async function withLoopDelay(fn) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const r = await fn();
  h.disable();
  return { ...r, extra: { ...(r && r.extra), eventLoopP99Ms: h.percentile(99) / 1e6, eventLoopMaxMs: h.max / 1e6, eventLoopMeanMs: h.mean / 1e6 } };
}

/**
 * The control for it: the p99 of this process's idle loop over one second, measured before the
 * timed pass (never inside it). On a machine shared with other work it is not ~1 ms, and an
 * async figure's delay should be read against it.
 */
async function idleLoopP99Ms() {
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((res) => setTimeout(res, 1000));
  idle.disable();
  return idle.percentile(99) / 1e6;
}

/**
 * Point gets: `pass(sample)` reads every [entityId, timestamp] of the sample and returns how
 * many it found (or a promise of that). `loopDelay`: the figure reports its event-loop delay.
 */
async function getFigure(figure, w, pass, { loopDelay = false, extra = {} } = {}) {
  await pass(w.warmGetSample());
  const gets = w.getSample();
  const run = async () => {
    const found = await pass(gets);
    assert(found === gets.length, `${figure} found ${found} of ${gets.length}`);
  };
  if (loopDelay) extra = { ...extra, idleLoopP99Ms: await idleLoopP99Ms() };
  await timed(figure, gets.length, loopDelay ? () => withLoopDelay(run) : run, extra);
}

/**
 * Full-trajectory ranges of random entities: `one(entityId)` returns the number of points it
 * read (or a promise of that), which must be P.
 */
async function rangeFigure(figure, w, one, { loopDelay = false } = {}) {
  const pass = async (entities) => {
    for (const e of entities) {
      let n = one(e);
      if (typeof n !== 'number') n = await n;
      assert(n === w.P, `${figure} of entity ${e} returned ${n} points, expected ${w.P}`);
    }
  };
  await pass(w.warmRangeSample());
  const entities = w.rangeSample();
  const extra = loopDelay ? { idleLoopP99Ms: await idleLoopP99Ms() } : {};
  await timed(figure, entities.length * w.P, loopDelay ? () => withLoopDelay(() => pass(entities)) : () => pass(entities), extra);
}

module.exports = { getFigure, rangeFigure, withLoopDelay, idleLoopP99Ms };
