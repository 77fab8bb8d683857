// The write gate: while a bulk load reads its source, the async writes issued meanwhile wait
// here and are then sent in the order they were issued, right after the load's final step has
// been queued on the store's writer thread, so they apply after the load (docs/threads.md).
// Sync writes cannot wait: they apply at once, before the load.

/** One store's gate. Closed by {@link WriteGate.hold}, open again once its waiting writes are sent. */
export class WriteGate {
  #tail: Promise<void> | undefined;
  #holds = 0;

  /**
   * Closes the gate. `before` settles once every write (and load) issued before the hold has
   * been sent; `release` opens the gate (once). Writes issued in between are sent, in order,
   * after it opens. Holds queue like writes: the gate opens when the last is released.
   */
  hold(): { before: Promise<void>; release: () => void } {
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
      open();
    };
    return { before, release };
  }

  /** Runs `send` now when the gate is open and nothing waits, else after what waits. */
  run<T>(send: () => Promise<T>): Promise<T> {
    if (this.#tail === undefined) return send();
    return new Promise<T>((resolve, reject) => {
      this.#chain(() => {
        send().then(resolve, reject); // sent now, in issue order; not awaited by the next one
      });
    });
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
