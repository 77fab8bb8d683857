// `cvx-hot ingest --bulk` and `cvx-hot import`: the parsed points of each space fed into one
// HotStore.bulkLoad per space through a bounded queue (the parser waits while the load is
// behind), so the input streams through bulkLoad's bounded-memory sort like any other source.
import type { BulkLoadResult } from '../bulk_load';
import type { HotStore } from '../store';
import type { PointInput } from '../types';

/** Points queued per space before the parser waits for the load to take them. */
const HIGH_WATER = 4096;

/** An async iterable the parser pushes into and one bulkLoad reads. */
class Feed implements AsyncIterable<PointInput> {
  #queue: PointInput[] = [];
  #ended = false;
  #failed: unknown;
  #wakeReader?: () => void;
  #wakeWriter?: () => void;
  pushed = 0;

  async push(p: PointInput): Promise<void> {
    this.#queue.push(p);
    this.pushed++;
    this.#wakeReader?.();
    if (this.#queue.length >= HIGH_WATER) await new Promise<void>((r) => (this.#wakeWriter = r));
  }
  end(error?: unknown): void {
    this.#ended = true;
    this.#failed = error;
    this.#wakeReader?.();
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<PointInput> {
    for (;;) {
      if (this.#failed !== undefined) throw this.#failed;
      if (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        const wake = this.#wakeWriter;
        this.#wakeWriter = undefined;
        wake?.();
        yield* batch;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((r) => (this.#wakeReader = r));
      this.#wakeReader = undefined;
    }
  }
}

/** One bulk load per space, started on the space's first point. */
export class BulkFeeds {
  readonly #feeds = new Map<number, { feed: Feed; load: Promise<BulkLoadResult> }>();
  constructor(private readonly store: HotStore) {}

  push(space: number, p: PointInput): Promise<void> {
    let f = this.#feeds.get(space);
    if (!f) {
      const feed = new Feed();
      const load = this.store.bulkLoad(space, feed);
      load.catch(() => undefined); // observed by finish()
      this.#feeds.set(space, (f = { feed, load }));
    }
    return f.feed.push(p);
  }

  /** Ends every feed (failing them with `error`, which gives their loads up) and waits for the loads; the points loaded. */
  async finish(error?: unknown): Promise<number> {
    for (const f of this.#feeds.values()) f.feed.end(error);
    let points = 0;
    for (const f of this.#feeds.values()) {
      await f.load;
      points += f.feed.pushed;
    }
    return points;
  }
}
