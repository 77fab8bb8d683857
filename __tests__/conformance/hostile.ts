// The hostile-input table (hostile_table.ts) on any backend: every case of a TemporalStore method,
// in its promise form, must fail with its HotStoreError code and a message naming the argument,
// and leave the store as it was, as every read of the interface shows it.
import { HotStoreError, type TemporalStore } from '../../lib';
import type { Backend } from './backend';
import { cases, ok } from './hostile_table';

/** The methods of the TemporalStore interface: the only ones a backend-independent case may call. */
const INTERFACE = new Set([
  'put', 'putMany', 'get', 'getMany', 'range', 'rangeColumns', 'delete', 'deleteRange', 'getTimeline', 'verify', 'close',
  'getAsOf', 'getLatest', 'getManyAsOf',
]);

/** What the interface's reads show of the store written in beforeAll. */
async function state(store: TemporalStore) {
  const out: unknown[] = [];
  for (const [e, s] of [[1, 0], [2, 0], [1, 3], [9, 0], [1, 9]]) {
    const cols = await store.rangeColumns(e, s, -(2 ** 53 - 1), 2 ** 53 - 1);
    out.push([e, s, Array.from(cols.timestamps), Array.from(cols.vectors), await store.getTimeline(e, s)]);
  }
  return out;
}

export function hostileCases(b: Backend): void {
  describe('bad arguments to an open store', () => {
    let store: TemporalStore;
    let before: unknown;
    beforeAll(async () => {
      store = await b.open();
      await store.put(0, ok());
      await store.put(0, ok({ entityId: 2, timestamp: -7 }));
      await store.put(3, { entityId: 1, timestamp: 0, vector: [9] });
      before = await state(store);
    });
    afterAll(() => store.close());

    test.each(cases.filter((c) => INTERFACE.has(c[1])))('%s', async (_name, method, args, code, names) => {
      const s = store as unknown as Record<string, (...a: unknown[]) => unknown>;
      const err = await Promise.resolve().then(() => s[method](...args)).then(
        () => { throw new Error('the call succeeded'); },
        (e) => e,
      );
      expect(err).toBeInstanceOf(HotStoreError);
      expect(err.code).toBe(code);
      expect(err.message).toMatch(names);
      expect(await state(store)).toEqual(before);
    });

    test('an iterable that throws midway through putMany writes nothing', async () => {
      function* points() {
        yield ok({ timestamp: 50 });
        throw new Error('source failed');
      }
      await expect(store.putMany(0, points())).rejects.toThrow('source failed');
      expect(await state(store)).toEqual(before);
    });
  });
}
