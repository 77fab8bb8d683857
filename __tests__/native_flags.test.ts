// The binding's yes/no arguments are named bits (native/flags.h), not boolean positions: each
// bit is distinct, a call refuses a bit it does not take and the old boolean form, so a swapped
// or stale argument is an error instead of a silently different read.
import { flags, native } from '../lib/binding';
import { tempStore } from './helpers/tmp';

type Loose = (...args: unknown[]) => unknown;
const invalid = (pattern: RegExp) => expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(pattern) });

test('every flag is its own bit', () => {
  expect(Object.keys(flags).sort()).toEqual(
    ['dropUndecodable', 'keys', 'keysAsString', 'repair', 'reverse', 'timestampsAsNumbers', 'values', 'valuesAsString'],
  );
  const bits = Object.values(flags);
  for (const b of bits) expect(Number.isInteger(Math.log2(b))).toBe(true);
  expect(new Set(bits).size).toBe(bits.length);
  expect(Object.isFrozen(flags)).toBe(true);
});

test('the flags select what a range answers', () => {
  const { store } = tempStore();
  store.putManySync(0, [1, 2, 3].map((t) => ({ entityId: 1, timestamp: t, vector: [t] })));
  const h = store._handle;
  const asc = native.rangeSync(h, 1, 0, 0, 10, 0, 0);
  const desc = native.rangeSync(h, 1, 0, 0, 10, 0, flags.reverse | flags.timestampsAsNumbers);
  expect(Array.from(asc.timestamps as ArrayLike<unknown>)).toEqual([1n, 2n, 3n]);
  expect(Array.from(desc.timestamps as ArrayLike<unknown>)).toEqual([3, 2, 1]);
  store.closeSync();
});

test('a bit the call does not take, or a boolean, is refused', () => {
  const { store } = tempStore();
  store.putSync(0, { entityId: 1, timestamp: 1, vector: [1] });
  const h = store._handle;
  const rangeSync = native.rangeSync as unknown as Loose;
  expect(() => rangeSync(h, 1, 0, 0, 10, 0, flags.repair)).toThrow(invalid(/^flags has bits this call does not take/));
  expect(() => rangeSync(h, 1, 0, 0, 10, 0, true)).toThrow(invalid(/^flags must be an integer/));
  // Arguments are read on the calling thread, so even the async form throws at once.
  expect(() => native.verify(h, flags.reverse, 10)).toThrow(invalid(/^flags has bits/));
  const it = native.iterator(h, 'timelines', {});
  expect(() => native.iteratorNextSync(h, it, 1, 0, flags.timestampsAsNumbers)).toThrow(invalid(/^flags has bits/));
  native.iteratorClose(it);
  expect(() => native.rawGetSync(h, 'vectors', 'k', flags.keys)).toThrow(invalid(/^flags has bits/));
  expect(store.getTimelineSync(1, 0)).toMatchObject({ pointCount: 1 });
  store.closeSync();
});
