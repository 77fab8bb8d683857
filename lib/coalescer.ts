// The put coalescer: the async puts issued in one tick, queued with copies of their vectors
// in one staging buffer and sent as one native call (native.put for a lone put,
// native.putGroup for several), each put still settling on its own.
import { native, NativeHandle } from './binding';
import { entityIdOf, packInts, timestampOf } from './columns';
import type { IntLike } from './types';
import type { CheckedPoint } from './validate';

/** Most puts sent to the shim in one coalesced group. */
const MAX_PUT_GROUP = 256;

/** Staging buffers above this many floats are not kept after their group is sent. */
const MAX_KEPT_STAGING = 1 << 20;

interface QueuedPut {
  space: number;
  entityId: IntLike;
  timestamp: IntLike;
  /** Where the put's copy of its vector starts in the staging buffer, and its length. */
  at: number;
  length: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Coalesces one store's async puts; its owner flushes it before any write that must follow them. */
export class PutCoalescer {
  readonly #handle: NativeHandle;
  #queued: QueuedPut[] = [];
  // Copies of the queued puts' vectors, made when put() is called so the caller may refill
  // its array at once; the shim copies them again when the group is sent, so one buffer
  // serves every group and no group allocates.
  #staging = new Float32Array(0);
  #staged = 0;

  constructor(handle: NativeHandle) {
    this.#handle = handle;
  }

  /** Queues an already-checked put; it is sent at the end of this tick or when its group is full. */
  put(space: number, p: CheckedPoint): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#queued.length === 0) queueMicrotask(() => this.flush());
      const at = this.#stage(p.vector, p.dim);
      const queued = { space, entityId: p.entityId, timestamp: p.timestamp, at, length: p.dim, resolve, reject };
      // A full group goes now: several groups in flight let the pool write one while the
      // main thread gathers the next, and keep each main-thread step short.
      if (this.#queued.push(queued) >= MAX_PUT_GROUP) this.flush();
    });
  }

  /** Sends the puts queued this tick: alone through put, together through putGroup. */
  flush(): void {
    const group = this.#queued;
    if (group.length === 0) return;
    this.#queued = [];
    const staging = this.#staging;
    this.#staged = 0;
    if (staging.length > MAX_KEPT_STAGING) this.#staging = new Float32Array(0);
    const h = this.#handle;
    try {
      // Both calls copy the vectors out of `staging` before they return.
      if (group.length === 1) {
        const { space, entityId, timestamp, at, length, resolve, reject } = group[0];
        native.put(h, space, entityId, timestamp, staging.subarray(at, at + length)).then(resolve, reject);
        return;
      }
      const n = group.length;
      const spaces = new Uint32Array(n);
      const offsets = new Uint32Array(n + 1);
      for (let i = 0; i < n; i++) {
        const g = group[i];
        spaces[i] = g.space;
        offsets[i + 1] = g.at + g.length;
      }
      const ids = packInts(group, entityIdOf, true);
      const tss = packInts(group, timestampOf, false);
      native.putGroup(h, spaces, ids, tss, staging.subarray(0, offsets[n]), offsets).then(
        (results) => results.forEach((err, i) => (err ? group[i].reject(err) : group[i].resolve())),
        (err) => group.forEach((g) => g.reject(err)),
      );
    } catch (err) {
      for (const g of group) g.reject(err);
    }
  }

  /**
   * Copies a vector of `dim` floats (its checked length: validate.ts reads it from the array's
   * own slot, as set() does) to the end of the staging buffer, grown when full; returns its offset.
   */
  #stage(vector: Float32Array, dim: number): number {
    const at = this.#staged;
    if (at + dim > this.#staging.length) {
      const grown = new Float32Array(Math.max(2 * this.#staging.length, at + dim, 1024));
      grown.set(this.#staging.subarray(0, at));
      this.#staging = grown;
    }
    this.#staging.set(vector, at);
    this.#staged = at + dim;
    return at;
  }
}
