// A store's change-feed, replica and follower methods (HotStore extends this class, so they are
// HotStore's): catchUp, latestSequence, changes, applyChanges, appliedSequence and resyncFrom.
// Each checks its arguments and makes one native call (native/js_feed.cc, follow.cc); the feed's
// steps live in change_feed.ts. See docs/processes.md.
import { native, NativeHandle } from './binding';
import { batchesOf, changeFeed, changesArgs, type ChangeRecord, type ChangesOptions } from './change_feed';
import { invalidArgument, storeClosed } from './errors';
import { ReadView } from './read_view';
import { describe } from './validate';

/** The feed, replica and follower methods of {@link HotStore}; not constructed on its own. */
export abstract class StoreFeed extends ReadView {
  readonly #h: NativeHandle;
  readonly #big: boolean;
  readonly #follower: boolean;

  protected constructor(handle: NativeHandle, bigint: boolean, follower: boolean) {
    super(handle, bigint, true);
    this.#h = handle;
    this.#big = bigint;
    this.#follower = follower;
  }

  /** @internal The native handle, for the modules of this package (introspection, adapters). */
  get _handle(): NativeHandle {
    return this.#h;
  }

  /** @internal Writes the puts called so far (the store's coalescer). */
  protected abstract _flushPuts(): void;

  /**
   * A follower (`follower: true`) catches up with the writer: from when it resolves, reads see
   * every write the writer had acknowledged when it began. Resolves whether the view moved:
   * false when nothing was new, or while a {@link HotStore.snapshot} of this follower lives
   * (the snapshot holds the view at its moment). Runs with no read in progress: reads called
   * meanwhile wait for it, and it waits for reads in progress. A writer that restarted or was
   * killed is followed by a new secondary instance, swapped in. Not a follower:
   * CVX_INVALID_ARGUMENT. See docs/processes.md.
   *
   * @example
   * ```ts
   * const follower = await HotStore.open('./data/example', { follower: true });
   * if (await follower.catchUp()) console.log('new writes are visible');
   * await follower.close();
   * ```
   */
  catchUp(): Promise<boolean> {
    try {
      return native.catchUp(this.#h);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Synchronous {@link HotStore.catchUp}. */
  catchUpSync(): boolean {
    return native.catchUpSync(this.#h);
  }

  /** The store's latest sequence number (a follower's: as of its last catch-up). See docs/processes.md. */
  async latestSequence(): Promise<number> {
    return native.latestSequence(this.#h);
  }

  /** Synchronous {@link HotStore.latestSequence}. */
  latestSequenceSync(): number {
    return native.latestSequenceSync(this.#h);
  }

  /**
   * The change feed: every write batch after `options.since`, whole and in order, read from the
   * WAL (which `walTtlSeconds` / `walSizeLimitMB` keep). A start the store no longer keeps fails
   * with CVX_FEED_TRIMMED, a jump in the sequence (writes that bypassed the WAL: a rebuild, a
   * salvage, a bulkLoad) with CVX_FEED_GAP: start again with {@link HotStore.resyncFrom}. On a follower it follows the
   * writer (catching up when caught up). See docs/processes.md.
   *
   * @example
   * ```ts
   * for await (const record of store.changes({ since: 0, follow: false })) {
   *   for (const c of record.changes) if (c.type === 'put') console.log(record.sequence, c.entityId, c.timestamp);
   * }
   * ```
   */
  changes(options?: ChangesOptions): AsyncGenerator<ChangeRecord, void, undefined> {
    const a = changesArgs(options);
    if (!native.isOpen(this.#h)) throw storeClosed();
    this._flushPuts(); // puts called before changes() are written before its start is read
    return changeFeed(this.#h, a, this.#big, this.#follower ? () => native.catchUp(this.#h) : undefined);
  }

  /**
   * A replica's side of the feed: writes the records' batches byte for byte, with the last
   * source sequence applied, in one atomic batch. Records the replica already holds are skipped;
   * one that does not follow {@link HotStore.appliedSequence} is refused. Resolves the applied
   * sequence. Write a replica only this way.
   *
   * @example
   * ```ts
   * const replica = await HotStore.open('./data/replica');
   * const since = (await replica.appliedSequence()) ?? 0;
   * for await (const record of store.changes({ since, follow: false })) await replica.applyChanges(record);
   * await replica.close();
   * ```
   */
  applyChanges(records: ChangeRecord | ChangeRecord[]): Promise<number> {
    try {
      return native.applyChanges(this.#h, batchesOf(records));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Synchronous {@link HotStore.applyChanges}. */
  applyChangesSync(records: ChangeRecord | ChangeRecord[]): number {
    return native.applyChangesSync(this.#h, batchesOf(records));
  }

  /** A replica's last applied source sequence ({@link HotStore.applyChanges}); undefined when none. */
  async appliedSequence(): Promise<number | undefined> {
    return native.appliedSequence(this.#h);
  }

  /** Synchronous {@link HotStore.appliedSequence}. */
  appliedSequenceSync(): number | undefined {
    return native.appliedSequenceSync(this.#h);
  }

  /**
   * Makes this store a replica of `source` as it is now, for a replica that cannot follow the
   * feed (CVX_FEED_GAP, CVX_FEED_TRIMMED) or has no applied sequence yet: every column family
   * becomes the source's byte for byte (read from one snapshot of it; a follower's view at its
   * last catch-up), this store's other records are removed, and the applied sequence becomes the
   * snapshot's, which it resolves: resume `source.changes({ since })` from there. Runs on this
   * store's writer thread. A resync that is killed or fails leaves the replica without an applied
   * sequence and refusing applyChanges (CVX_FEED_GAP) until a resync completes. `source` must be
   * another open HotStore (CVX_INVALID_ARGUMENT otherwise). See docs/processes.md.
   *
   * @example
   * ```ts
   * const source = await HotStore.open('./data/example', { follower: true });
   * const replica = await HotStore.open('./data/replica');
   * const since = await replica.resyncFrom(source);
   * for await (const record of source.changes({ since, follow: false })) await replica.applyChanges(record);
   * await Promise.all([replica.close(), source.close()]);
   * ```
   */
  async resyncFrom(source: StoreFeed): Promise<number> {
    if (!(source instanceof StoreFeed)) throw invalidArgument(`source must be a HotStore, got ${describe(source)}`);
    if (source === this) throw invalidArgument('source must be another store than the replica');
    if (!native.isOpen(this.#h)) throw storeClosed();
    const view = native.snapshot(source.#h); // now: the copy is of the source at this call
    try {
      this._flushPuts();
      return await native.resync(this.#h, view);
    } finally {
      native.snapshotRelease(view);
    }
  }
}
