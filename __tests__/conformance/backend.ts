// What the conformance cases run against: a factory of TemporalStores on one backend. The cases
// (seed.ts, timelines.ts, model.ts, hostile.ts) see only this and the TemporalStore interface,
// so one set of cases runs on the embedded store and on the cluster
// (conformance_embedded.test.ts, conformance_cluster.test.ts).
import type { TemporalStore } from '../../lib';

export interface StoreOptions {
  bigint?: boolean;
  keyframeInterval?: number;
}

export interface Backend {
  name: string;
  /** A new, empty store. */
  open(options?: StoreOptions): Promise<TemporalStore>;
  /** Closes `store` and opens the same data again (embedded: its directory; cluster: its key prefix). */
  reopen(store: TemporalStore, options?: StoreOptions): Promise<TemporalStore>;
}

/**
 * The cases that can only run embedded, and why; each runs in the suite named. Listed here so
 * the conformance suite says what it does not cover.
 */
export const EMBEDDED_ONLY: ReadonlyArray<[what: string, where: string]> = [
  ['the *Sync forms of every method (the Rust HotStore API is synchronous)', 'seed_port.test.ts, model.test.ts (sync steps), hostile_input.test.ts'],
  ['refused calls leave the RocksDB bytes unchanged (raw dump of every column family)', 'hostile_input.test.ts'],
  ['options.into (sync reads only)', 'read_into_buffer.test.ts, hostile_input.test.ts'],
  ['snapshot(), followers, checkpoint, compact, repair, the level adapter, latestAll', 'snapshot_reads, followers, store_operations, verify_repair, level_adapter, latest_all'],
  ['a space dimension and all data surviving a process restart on disk', 'timeline_semantics.test.ts, crash_consistency.test.ts'],
];
