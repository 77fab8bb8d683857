// StoreSnapshot: a read view of a store at one moment (HotStore.snapshot()). Its reads are
// ReadView's, made on the view's native handle; this file owns only its lifetime: release(),
// the dispose symbols, and the release when the object is collected.
import { native, NativeHandle, NativeView } from './binding';
import { ReadView } from './read_view';

/** Releases a collected snapshot's view; release() unregisters its object first. */
const collected = new FinalizationRegistry<NativeView>((view) => native.snapshotRelease(view));

/**
 * The store as it was when {@link HotStore.snapshot} was called: every read method of the
 * store ({@link ReadView}), answered as of that moment for as long as the snapshot lives,
 * whatever is written, deleted or compacted meanwhile. It cannot write.
 *
 * Reading a released snapshot, or one whose store is closed, fails with `CVX_NOT_OPEN`; the
 * store's `close()` waits for the reads in flight on its snapshots. `release()` is idempotent,
 * and also happens when the store closes, when the snapshot is garbage-collected, and when a
 * `using` / `await using` block ends.
 *
 * @example
 * ```ts
 * import { HotStore } from 'cvx-storage';
 * const store = await HotStore.open('./data/example');
 * await store.put(0, { entityId: 7, timestamp: 10, vector: [1, 0] });
 * const snap = store.snapshot();
 * await store.delete(7, 0, 10);
 * await snap.get(7, 0, 10);   // still { entityId: 7, timestamp: 10, vector: Float32Array [1, 0] }
 * await store.get(7, 0, 10);  // undefined
 * snap.release();
 * await store.close();
 * ```
 */
export class StoreSnapshot extends ReadView {
  readonly #view: NativeView;
  #released = false;

  private constructor(view: NativeView, bigint: boolean) {
    super(view, bigint, false);
    this.#view = view;
    collected.register(this, view, this);
  }

  /** @internal HotStore.snapshot(): takes the view of `store` now. */
  static _take(store: NativeHandle, bigint: boolean): StoreSnapshot {
    return new StoreSnapshot(native.snapshot(store), bigint);
  }

  /** True until release() (the store's close also ends every snapshot's reads). */
  get isReleased(): boolean {
    return this.#released;
  }

  /**
   * Lets the snapshot go: later reads fail with `CVX_NOT_OPEN`, and the data only it could
   * see may be reclaimed once the reads already in flight on it have finished. Idempotent.
   *
   * @example
   * ```ts
   * const snap = store.snapshot();
   * try {
   *   await snap.getMany(0, [{ entityId: 7, timestamp: 10 }]);
   * } finally {
   *   snap.release();
   * }
   * ```
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this._flushReads(); // gets called before release() read the snapshot, not a released one
    collected.unregister(this);
    native.snapshotRelease(this.#view);
  }

  /** `using snap = store.snapshot()` releases it at the end of the block. */
  [Symbol.dispose](): void {
    this.release();
  }

  /** `await using snap = store.snapshot()` releases it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.release();
  }
}

// Runtimes without the dispose symbols (Node 18) evaluated both keys above to "undefined":
// there the snapshot has release() only.
if (typeof Symbol.dispose !== 'symbol') delete (StoreSnapshot.prototype as unknown as Record<string, unknown>).undefined;
