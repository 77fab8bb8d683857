// The as-of coalescer: getAsOf / getLatest calls issued in one tick on one read target, sent as
// one native getManyAsOf per space and tolerance (one iterator, one SeekForPrev per entity:
// native/as_of_many.cc, one pool round trip) instead of one pool round trip each; every call still
// settles with its own answer. A lone call goes alone through native.getAsOf. Each ReadView has
// its own, so calls on different snapshots are never merged into one engine call.
import type { AsOfArgs } from './as_of';
import { native, NativeAsOf, NativeId, NativeReadHandle } from './binding';
import { packInts } from './columns';
import { scheduleFlush, settleInChunks } from './get_coalescer';

/** Most as-of reads sent in one native call (as for gets, get_coalescer.ts). */
const MAX_AS_OF_GROUP = 256;

interface QueuedAsOf {
  args: AsOfArgs;
  resolve: (v: NativeAsOf | undefined) => void;
  reject: (e: unknown) => void;
}

const entityOf = (q: QueuedAsOf): NativeId => q.args[0];
const tOf = (q: QueuedAsOf): NativeId => q.args[2];

/**
 * getManyAsOf's tolerance for a call whose window is [lo, t]: t − lo. Where asOfArgs saturated lo
 * at the i64 minimum (t < 0), t − lo is still ≤ 2^63 − 1, and the shim's t − tolerance is then
 * exactly that minimum again. Calls are grouped by it, so each keeps its own window.
 */
function toleranceOf(q: QueuedAsOf): bigint | undefined {
  const lo = q.args[3];
  return lo === undefined ? undefined : BigInt(q.args[2]) - BigInt(lo);
}

/** Coalesces one read target's async as-of reads; its owner flushes it before the target goes away. */
export class AsOfCoalescer {
  readonly #target: NativeReadHandle;
  #queued: QueuedAsOf[] = [];

  constructor(target: NativeReadHandle) {
    this.#target = target;
  }

  /** Queues an already-checked as-of read; sent at the end of this tick or when its group is full. */
  get(args: AsOfArgs): Promise<NativeAsOf | undefined> {
    return new Promise((resolve, reject) => {
      if (this.#queued.length === 0) scheduleFlush(() => this.flush());
      if (this.#queued.push({ args, resolve, reject }) >= MAX_AS_OF_GROUP) this.flush();
    });
  }

  /** Sends the reads queued so far: one native call per space and tolerance among them. */
  flush(): void {
    const queued = this.#queued;
    if (queued.length === 0) return;
    this.#queued = [];
    const groups = new Map<string, QueuedAsOf[]>();
    for (const q of queued) {
      const key = `${q.args[1]}/${toleranceOf(q) ?? ''}`;
      const same = groups.get(key);
      if (same) same.push(q);
      else groups.set(key, [q]);
    }
    for (const group of groups.values()) this.#send(group);
  }

  /**
   * One native call. When it fails (one key's block damaged, say), each read is sent again alone,
   * so each settles with its own answer or its own error, never another key's.
   */
  #send(group: QueuedAsOf[]): void {
    try {
      if (group.length === 1) {
        const q = group[0];
        native.getAsOf(this.#target, ...q.args).then(q.resolve, q.reject);
        return;
      }
      const ids = packInts(group, entityOf, true);
      const ts = packInts(group, tOf, false);
      native.getManyAsOf(this.#target, group[0].args[1], ids, ts, toleranceOf(group[0])).then(
        ({ found, timestamps, vectors, dim }) => {
          // Each answer gets a vector of its own, not a view keeping the whole matrix alive.
          const answers = group.map((_, i) => (found[i] ? { timestamp: timestamps[i], vector: vectors!.slice(i * dim, (i + 1) * dim) } : undefined));
          settleInChunks(group, answers);
        },
        () => group.forEach((q) => this.#alone(q)),
      );
    } catch (err) {
      // The shim refused the call at once (a closed store, a released snapshot): CVX_NOT_OPEN.
      for (const q of group) q.reject(err);
    }
  }

  /** One as-of read on its own (after its group's call failed). */
  #alone(q: QueuedAsOf): void {
    try {
      native.getAsOf(this.#target, ...q.args).then(q.resolve, q.reject);
    } catch (err) {
      q.reject(err); // the target closed meanwhile: CVX_NOT_OPEN
    }
  }
}
