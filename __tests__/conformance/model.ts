// Model-based property test (fast-check): random sequences of put / putMany / delete / deleteRange / get /
// range / rangeColumns / getTimeline / close+reopen, run against a real store of any backend and an
// in-memory Map. After every write the touched timeline must equal the model's; every read must
// agree exactly; after every reopen all timelines and verify() must agree. On the embedded store
// (`sync: true`) half the steps use the *Sync forms. Failing sequences shrink to a minimal
// counterexample. CVX_MODEL_RUNS raises the run count.
import * as fc from 'fast-check';
import type { HotStore, TemporalStore } from '../../lib';
import type { Backend } from './backend';

const RUNS = Number(process.env.CVX_MODEL_RUNS ?? 60);
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const DIMS = [2, 3]; // space 0, space 1
const ENTITIES = [0n, 1n, 2n, (1n << 64n) - 1n];
const TIMES = [I64_MIN, -5n, -1n, 0n, 1n, 2n, 7n, (1n << 53n) + 1n, I64_MAX];

interface Model {
  points: Map<string, number[]>; // `${e}|${s}|${t}` → vector
  dims: Map<number, number>;     // spaces written at least once (their dimension is fixed for good)
}
interface Real {
  store: TemporalStore;
  backend: Backend;
}
/** The store's *Sync forms: only steps generated with sync (embedded runs) use them. */
const sync = (r: Real) => r.store as HotStore;
const k = (e: bigint, s: number, t: bigint) => `${e}|${s}|${t}`;

function series(m: Model, e: bigint, s: number): Array<[bigint, number[]]> {
  const out: Array<[bigint, number[]]> = [];
  for (const [key, v] of m.points) {
    const [ke, ks, kt] = key.split('|');
    if (BigInt(ke) === e && Number(ks) === s) out.push([BigInt(kt), v]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

async function expectTimeline(m: Model, r: Real, e: bigint, s: number): Promise<void> {
  const pts = series(m, e, s);
  const tl = await r.store.getTimeline(e, s);
  if (pts.length === 0) expect(tl).toBeUndefined();
  else expect(tl).toEqual({ entityId: e, spaceId: s, firstSeen: pts[0][0], lastSeen: pts[pts.length - 1][0], pointCount: pts.length, keyframeInterval: 10 });
}

const plainPoints = (ps: Array<{ timestamp: unknown; vector: ArrayLike<number> }>) => ps.map((p) => [p.timestamp, Array.from(p.vector)]);

class Put implements fc.AsyncCommand<Model, Real> {
  constructor(readonly e: bigint, readonly s: number, readonly t: bigint, readonly v: number[], readonly sync: boolean) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const p = { entityId: this.e, timestamp: this.t, vector: this.v };
    if (this.sync) sync(r).putSync(this.s, p);
    else await r.store.put(this.s, p);
    m.points.set(k(this.e, this.s, this.t), this.v);
    m.dims.set(this.s, this.v.length);
    await expectTimeline(m, r, this.e, this.s);
  }
  toString = () => `put(${this.s}, ${this.e}@${this.t}${this.sync ? ', sync' : ''})`;
}

class PutMany implements fc.AsyncCommand<Model, Real> {
  constructor(readonly s: number, readonly pts: Array<[bigint, bigint, number[]]>, readonly sync: boolean) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const pts = this.pts.map(([e, t, v]) => ({ entityId: e, timestamp: t, vector: v }));
    if (this.sync) sync(r).putManySync(this.s, pts);
    else await r.store.putMany(this.s, pts);
    for (const [e, t, v] of this.pts) m.points.set(k(e, this.s, t), v); // later duplicates win
    m.dims.set(this.s, DIMS[this.s]);
    for (const e of new Set(this.pts.map((p) => p[0]))) await expectTimeline(m, r, e, this.s);
  }
  toString = () => `putMany(${this.s}, [${this.pts.map(([e, t]) => `${e}@${t}`).join(' ')}]${this.sync ? ', sync' : ''})`;
}

class WrongDim implements fc.AsyncCommand<Model, Real> {
  constructor(readonly e: bigint, readonly s: number, readonly t: bigint) {}
  check = (m: Readonly<Model>) => m.dims.has(this.s);
  async run(m: Model, r: Real) {
    const v = new Array(DIMS[this.s] + 1).fill(0.5);
    await expect(r.store.put(this.s, { entityId: this.e, timestamp: this.t, vector: v })).rejects.toMatchObject({ code: 'CVX_DIMENSION_MISMATCH' });
    await expectTimeline(m, r, this.e, this.s);
  }
  toString = () => `putWrongDim(${this.s}, ${this.e}@${this.t})`;
}

class Delete implements fc.AsyncCommand<Model, Real> {
  constructor(readonly e: bigint, readonly s: number, readonly t: bigint, readonly sync: boolean) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const removed = this.sync ? sync(r).deleteSync(this.e, this.s, this.t) : await r.store.delete(this.e, this.s, this.t);
    expect(removed).toBe(m.points.delete(k(this.e, this.s, this.t)));
    await expectTimeline(m, r, this.e, this.s);
  }
  toString = () => `delete(${this.e}, ${this.s}, ${this.t}${this.sync ? ', sync' : ''})`;
}

class DeleteRange implements fc.AsyncCommand<Model, Real> {
  constructor(readonly e: bigint, readonly s: number, readonly start: bigint, readonly end: bigint, readonly sync: boolean) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const [lo, hi] = this.start <= this.end ? [this.start, this.end] : [this.end, this.start];
    const removed = this.sync ? sync(r).deleteRangeSync(this.e, this.s, lo, hi) : await r.store.deleteRange(this.e, this.s, lo, hi);
    let expected = 0;
    for (const [t] of series(m, this.e, this.s)) {
      if (t >= lo && t <= hi) {
        m.points.delete(k(this.e, this.s, t));
        expected++;
      }
    }
    expect(removed).toBe(expected);
    await expectTimeline(m, r, this.e, this.s);
  }
  toString = () => `deleteRange(${this.e}, ${this.s}, ${this.start}..${this.end}${this.sync ? ', sync' : ''})`;
}

class Get implements fc.AsyncCommand<Model, Real> {
  constructor(readonly e: bigint, readonly s: number, readonly t: bigint, readonly sync: boolean) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const got = this.sync ? sync(r).getSync(this.e, this.s, this.t) : await r.store.get(this.e, this.s, this.t);
    const want = m.points.get(k(this.e, this.s, this.t));
    expect(got && { ...got, vector: Array.from(got.vector) }).toEqual(want && { entityId: this.e, timestamp: this.t, vector: want });
  }
  toString = () => `get(${this.e}, ${this.s}, ${this.t}${this.sync ? ', sync' : ''})`;
}

class Range implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly e: bigint, readonly s: number, readonly a: bigint, readonly b: bigint,
    readonly limit: number | undefined, readonly reverse: boolean, readonly how: 'sync' | 'async' | 'columns',
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const [start, end] = this.a <= this.b ? [this.a, this.b] : [this.b, this.a];
    let want = series(m, this.e, this.s).filter(([t]) => t >= start && t <= end);
    if (this.reverse) want.reverse();
    if (this.limit !== undefined) want = want.slice(0, this.limit);
    const opts = { limit: this.limit, reverse: this.reverse };
    if (this.how === 'columns') {
      const c = await r.store.rangeColumns(this.e, this.s, start, end, opts);
      expect(c.count).toBe(want.length);
      expect(c.dim).toBe(want.length ? DIMS[this.s] : 0);
      expect(Array.from(c.timestamps)).toEqual(want.map(([t]) => t));
      expect(Array.from(c.vectors)).toEqual(want.flatMap(([, v]) => v));
      return;
    }
    const got = this.how === 'sync' ? sync(r).rangeSync(this.e, this.s, start, end, opts) : await r.store.range(this.e, this.s, start, end, opts);
    expect(got.every((p) => p.entityId === this.e)).toBe(true);
    expect(plainPoints(got)).toEqual(want);
  }
  toString = () => `range(${this.e}, ${this.s}, ${this.a}..${this.b}, limit ${this.limit}, reverse ${this.reverse}, ${this.how})`;
}

class Reopen implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    const old = r.store;
    r.store = await r.backend.reopen(old, { bigint: true });
    await expect(old.get(0n, 0, 0n)).rejects.toMatchObject({ code: 'CVX_NOT_OPEN' });
    for (const e of ENTITIES) for (let s = 0; s < DIMS.length; s++) await expectTimeline(m, r, e, s);
    expect(await r.store.verify()).toMatchObject({ ok: true, vectorsScanned: m.points.size });
  }
  toString = () => 'reopen';
}

const entity = fc.constantFrom(...ENTITIES);
const time = fc.constantFrom(...TIMES);
const space = fc.constantFrom(0, 1);
const f32 = fc.float({ noNaN: true, noDefaultInfinity: true });
const vectorFor = (s: number) => fc.array(f32, { minLength: DIMS[s], maxLength: DIMS[s] });

/** The model run against `backend`; `withSync` mixes in the *Sync forms (embedded only). */
export function modelCase(backend: Backend, withSync: boolean): void {
const flag = withSync ? fc.boolean() : fc.constant(false);
const commands = [
  fc.tuple(entity, space, time, flag).chain(([e, s, t, sync]) => vectorFor(s).map((v) => new Put(e, s, t, v, sync))),
  space.chain((s) => fc.tuple(fc.array(fc.tuple(entity, time, vectorFor(s)), { minLength: 1, maxLength: 6 }), flag).map(([p, sync]) => new PutMany(s, p, sync))),
  fc.tuple(entity, space, time).map(([e, s, t]) => new WrongDim(e, s, t)),
  fc.tuple(entity, space, time, flag).map(([e, s, t, sync]) => new Delete(e, s, t, sync)),
  fc.tuple(entity, space, time, time, flag).map(([e, s, a, b, sync]) => new DeleteRange(e, s, a, b, sync)),
  fc.tuple(entity, space, time, flag).map(([e, s, t, sync]) => new Get(e, s, t, sync)),
  fc.tuple(entity, space, time, time, fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), fc.boolean(), withSync ? fc.constantFrom('sync' as const, 'async' as const, 'columns' as const) : fc.constantFrom('async' as const, 'columns' as const))
    .map(([e, s, a, b, l, rev, how]) => new Range(e, s, a, b, l, rev, how)),
  fc.constant(new Reopen()),
];

test('the store agrees with an in-memory model on every read and every timeline', async () => {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 60 }), async (cmds) => {
      const real: Real = { store: await backend.open({ bigint: true }), backend };
      try {
        await fc.asyncModelRun(() => ({ model: { points: new Map(), dims: new Map() }, real }), cmds);
      } finally {
        await real.store.close();
      }
    }),
    { numRuns: RUNS },
  );
}, 240_000);
}
