// A stream the CLI writes its data to, with failures surfaced as rejections: a closed pipe
// (EPIPE) or a full disk (ENOSPC) must fail the command, not hang on a 'drain' that never
// comes nor crash the process with an unhandled 'error' event.
import type { Writable } from 'stream';

export class Sink {
  #error: Error | undefined;
  #last: Promise<void> = Promise.resolve();

  constructor(private readonly out: Writable) {
    // Recorded here and rethrown by the next write: the error may arrive between writes.
    out.on('error', (e) => { this.#error ??= e; });
  }

  /** Whether the stream itself failed (as opposed to the code feeding it). */
  get failed(): boolean {
    return this.#error !== undefined || this.out.destroyed;
  }

  /** Writes `chunk`, waiting for 'drain' when the stream asks; rejects once the stream failed. */
  async write(chunk: Uint8Array): Promise<void> {
    this.#check();
    let done!: () => void;
    this.#last = new Promise<void>((resolve) => { done = resolve; });
    const ok = this.out.write(chunk, (e?: Error | null) => {
      if (e) this.#error ??= e;
      done();
    });
    if (!ok) await this.#settled('drain');
    this.#check();
  }

  /** Resolves when every chunk written so far has been handed to the OS; rejects if one failed. */
  async flushed(): Promise<void> {
    await this.#last;
    this.#check();
  }

  /** Ends the stream (for files the CLI opened) once everything is written. */
  async end(): Promise<void> {
    this.#check();
    await new Promise<void>((resolve) => this.out.end(() => resolve()));
    await this.#last;
    this.#check();
  }

  #settled(event: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const settle = () => {
        for (const e of [event, 'error', 'close']) this.out.off(e, settle);
        resolve();
      };
      for (const e of [event, 'error', 'close']) this.out.on(e, settle);
    });
  }

  #check(): void {
    if (this.#error) throw this.#error;
    if (this.out.destroyed) throw new Error('the output stream was closed');
  }
}
