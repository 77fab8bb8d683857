// The get coalescer: the async gets issued in one tick on one read target, sent as one native
// call per space (native.getMany: one RocksDB MultiGet, one pool round trip) instead of one pool
// round trip each, every get still settling with its own answer. A lone get goes alone through
// native.get, which answers from memory or the page cache on the calling thread when it can.
// Each ReadView (the store, or one snapshot) has its own coalescer, so gets on different
// snapshots are never merged into one engine call.
import { native, NativeReadHandle } from './binding';
import { entityIdOf, packInts, timestampOf } from './columns';
import type { IntLike } from './types';

/**
 * Most gets sent in one native call. Several groups in flight let the pool threads read one while
 * the main thread shapes the answers of another; 256 measured best with 1000 gets in flight
 * (docs/performance.md, "Async point reads").
 */
const MAX_GET_GROUP = 256;

/**
 * How long gets may keep being answered on the main thread before the event loop must turn. A
 * get whose data is in memory settles without leaving the main thread, so a loop of awaited gets
 * never yields: after this long, the next group waits for the loop's next turn (setImmediate),
 * and timers and I/O run in between.
 */
const TURN_BUDGET_MS = 2;

// When the current turn of the event loop began to answer gets (shared by every coalescer of
// this thread: they share its loop), and whether its end is already marked.
let turnStart = 0;
let turnMarked = false;
const endTurn = (): void => {
  turnMarked = false;
};

/**
 * How a group waits for its flush: a microtask, or the loop's next turn once the budget is spent.
 * Shared with the as-of coalescer (as_of_coalescer.ts): one budget per thread.
 */
export function scheduleFlush(flush: () => void): void {
  const now = performance.now();
  if (!turnMarked) {
    turnMarked = true;
    turnStart = now;
    setImmediate(endTurn);
  }
  if (now - turnStart < TURN_BUDGET_MS) queueMicrotask(flush);
  else setImmediate(flush);
}

/**
 * Most answers of coalesced groups settled in one go. A group's answers all arrive in one pool
 * completion, and several completions in one turn of the loop; settling them all at once (each
 * running its caller's continuation) held the loop for 28-31 ms at the 99th percentile with 1000
 * gets in flight. In chunks, timers and I/O run between them (docs/performance.md).
 */
const SETTLE_CHUNK = 64;

interface Settling {
  group: ReadonlyArray<{ resolve: (v: never) => void }>;
  values: ArrayLike<unknown>;
  next: number;
}
const settling: Settling[] = [];
let draining = false;

/** Settles group[i] with values[i], a chunk now and the rest a chunk per setImmediate. */
export function settleInChunks<T>(group: ReadonlyArray<{ resolve: (v: T) => void }>, values: ArrayLike<T>): void {
  settling.push({ group: group as Settling['group'], values, next: 0 });
  if (!draining) drain();
}

function drain(): void {
  draining = true;
  let budget = SETTLE_CHUNK;
  while (settling.length > 0 && budget > 0) {
    const s = settling[0];
    const end = Math.min(s.group.length, s.next + budget);
    for (let i = s.next; i < end; i++) s.group[i].resolve(s.values[i] as never);
    budget -= end - s.next;
    s.next = end;
    if (end === s.group.length) settling.shift();
  }
  if (settling.length > 0) setImmediate(drain);
  else draining = false;
}

interface QueuedGet {
  space: number;
  entityId: IntLike;
  timestamp: IntLike;
  resolve: (v: Float32Array | undefined) => void;
  reject: (e: unknown) => void;
}

/** Coalesces one read target's async gets; its owner flushes it before the target goes away. */
export class GetCoalescer {
  readonly #target: NativeReadHandle;
  #queued: QueuedGet[] = [];

  constructor(target: NativeReadHandle) {
    this.#target = target;
  }

  /** Queues an already-checked get; it is sent at the end of this tick or when its group is full. */
  get(space: number, entityId: IntLike, timestamp: IntLike): Promise<Float32Array | undefined> {
    return new Promise((resolve, reject) => {
      if (this.#queued.length === 0) scheduleFlush(() => this.flush());
      if (this.#queued.push({ space, entityId, timestamp, resolve, reject }) >= MAX_GET_GROUP) this.flush();
    });
  }

  /** Sends the gets queued so far: one native call per space among them (almost always one). */
  flush(): void {
    const group = this.#queued;
    if (group.length === 0) return;
    this.#queued = [];
    const space = group[0].space;
    if (group.every((g) => g.space === space)) {
      this.#send(space, group);
      return;
    }
    const bySpace = new Map<number, QueuedGet[]>();
    for (const g of group) {
      const same = bySpace.get(g.space);
      if (same) same.push(g);
      else bySpace.set(g.space, [g]);
    }
    for (const [s, gets] of bySpace) this.#send(s, gets);
  }

  /**
   * One native call for gets of one space. When the call fails (one key's block damaged, say),
   * each get is sent again alone, so each settles with its own answer or its own error: a healthy
   * key's get never rejects for another key's fault.
   */
  #send(space: number, group: QueuedGet[]): void {
    try {
      if (group.length === 1) {
        const g = group[0];
        native.get(this.#target, g.entityId, space, g.timestamp).then(g.resolve, g.reject);
        return;
      }
      const ids = packInts(group, entityIdOf, true);
      const tss = packInts(group, timestampOf, false);
      native.getMany(this.#target, space, ids, tss).then(
        (vectors) => settleInChunks(group, vectors),
        () => group.forEach((g) => this.#alone(space, g)),
      );
    } catch (err) {
      // The shim refused the call at once (a closed store, a released snapshot): CVX_NOT_OPEN.
      for (const g of group) g.reject(err);
    }
  }

  /** One get on its own (after its group's call failed). */
  #alone(space: number, g: QueuedGet): void {
    try {
      native.get(this.#target, g.entityId, space, g.timestamp).then(g.resolve, g.reject);
    } catch (err) {
      g.reject(err); // the target closed meanwhile: CVX_NOT_OPEN
    }
  }
}
