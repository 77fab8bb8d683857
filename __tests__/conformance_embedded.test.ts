// The conformance suite (conformance/) on the embedded store: a fresh directory per store, reopen
// by directory. The model mixes in the *Sync forms here (embedded only).
import { HotStore, type TemporalStore } from '../lib';
import type { Backend } from './conformance/backend';
import { conformance } from './conformance';
import { tempPath } from './helpers/tmp';

const dirs = new WeakMap<TemporalStore, string>();

const embedded: Backend = {
  name: 'embedded',
  async open(options) {
    const dir = tempPath('conformance');
    const store = await HotStore.open(dir, options);
    dirs.set(store, dir);
    return store;
  },
  async reopen(store, options) {
    await store.close();
    const dir = dirs.get(store)!;
    const again = await HotStore.open(dir, options);
    dirs.set(again, dir);
    return again;
  },
};

conformance(embedded, { withSync: true });
