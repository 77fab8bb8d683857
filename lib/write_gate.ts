// The write gate: while a bulk load reads its source, the async writes issued meanwhile wait
// here and are then sent in the order they were issued, right after the load's final step has
// been queued on the store's writer thread, so they apply after the load (docs/threads.md).
// Sync writes cannot wait: they run at once (docs/threads.md says when they block).
// close() shuts the gate (shut()): the writes waiting are sent at once, in order, before the
// store closes, so they apply; a load still running is refused (CVX_NOT_OPEN) and applies nothing.
import { storeClosed } from './errors';

/** One store's gate. Closed by {@link WriteGate.hold}, open again once its waiting writes are sent. */
export class WriteGate {
  #tail: Promise<void> | undefined;
  #holds = 0;
  #shut = false;
  /** Writes chained but not sent yet, in issue order (shut() sends them at once). */
  #waiting: Array<{ sent: boolean; send: () => void }> = [];
  /** Releases of the holds in place (shut() opens them). */
  #releases = new Set<() => void>();

  /**
   * Closes the gate. `before` settles once every write (and load) issued before the hold has
   * been sent; `release` opens the gate (once). Writes issued in between are sent, in order,
   * after it opens. Holds queue like writes: the gate opens when the last is released.
   */
  hold(): { before: Promise<void>; release: () => void } {
    if (this.#shut) throw storeClosed();
    let open!: () => void;
    const opened = new Promise<void>((resolve) => { open = resolve; });
    const before = (this.#tail ?? Promise.resolve()).catch(() => undefined);
    this.#holds++;
    this.#chain(() => opened);
    let done = false;
    const release = (): void => {
      if (done) return;
      done = true;
      this.#holds--;
      this.#releases.delete(release);
      open();
    };
    this.#releases.add(release);
    return { before, release };
  }

  /** Runs `send` now when the gate is open and nothing waits, else after what waits. */
  run<T>(send: () => Promise<T>): Promise<T> {
    if (this.#shut) return Promise.reject(storeClosed());
    if (this.#tail === undefined) {
      try {
        return send();
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return new Promise<T>((resolve, reject) => {
      const entry = {
        sent: false,
        send: (): void => {
          if (entry.sent) return;
          entry.sent = true;
          // A native call throws at once on a closed store: that must reject this write, not
          // vanish in the chain's catch.
          try {
            send().then(resolve, reject);
          } catch (e) {
            reject(e);
          }
        },
      };
      this.#waiting.push(entry);
      this.#chain(() => {
        entry.send(); // sent now, in issue order; not awaited by the next one
        const at = this.#waiting.indexOf(entry);
        if (at >= 0) this.#waiting.splice(at, 1);
      });
    });
  }

  /**
   * For close(): sends every waiting write now, synchronously and in issue order (so they are
   * in flight before the store closes, and close() waits for them), and opens every hold. A load
   * holding the gate sees {@link WriteGate.isShut} and gives up; later writes and loads are
   * refused with CVX_NOT_OPEN.
   */
  shut(): void {
    if (this.#shut) return;
    this.#shut = true;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const w of waiting) w.send();
    for (const release of [...this.#releases]) release();
  }

  /** True once close() shut the gate. */
  get isShut(): boolean {
    return this.#shut;
  }

  /** True while a hold is in place or writes wait to be sent. */
  get closed(): boolean {
    return this.#tail !== undefined;
  }

  #chain(step: () => void | Promise<void>): void {
    const prev = this.#tail ?? Promise.resolve();
    const next: Promise<void> = prev.then(step).catch(() => undefined);
    this.#tail = next;
    // Open again once everything chained has been sent and no hold is left.
    void next.then(() => {
      if (this.#tail === next && this.#holds === 0) this.#tail = undefined;
    });
  }
}
