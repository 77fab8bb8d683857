// Followers (HotStoreOptions.follower): their open options checked, and the automatic
// catch-up that `followIntervalMs` asks for. The catch-up itself is native (Store::CatchUp,
// native/follow.cc): this file only decides when to call it and where its failures go.
import type { NativeHandle, NativeOpenOptions } from './binding';
import { native } from './binding';
import { invalidArgument } from './errors';
import type { HotStoreOptions } from './types';
import { describe } from './validate';

/** What a follower's automatic catch-up needs; empty when it has none. */
export interface FollowOptions {
  intervalMs?: number;
  onError?: (error: Error) => void;
}

// setInterval's largest delay; a larger one fires at once (Node clamps it to 1 ms).
const MAX_INTERVAL_MS = 2 ** 31 - 1;

/**
 * Checks the follower options of `o` and applies them to `resolved` (a follower is read-only).
 * Refused: follower options without `follower: true`, `readOnly: false` or `salvage` with it.
 */
export function resolveFollow(o: Partial<HotStoreOptions>, resolved: NativeOpenOptions): FollowOptions {
  if (!resolved.follower) {
    for (const k of ['followerDir', 'followIntervalMs', 'onFollowError'] as const) {
      if (o[k] !== undefined) throw invalidArgument(`options.${k} needs options.follower: true`);
    }
    return {};
  }
  if (o.readOnly === false) throw invalidArgument('options.follower opens read-only, and options.readOnly is false');
  if (resolved.salvage) throw invalidArgument('options.salvage needs a writable open, and options.follower is set');
  resolved.readOnly = true;
  const out: FollowOptions = {};
  const ms = o.followIntervalMs;
  if (ms !== undefined) {
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 1 || ms > MAX_INTERVAL_MS) {
      throw invalidArgument(`options.followIntervalMs must be an integer in [1, 2^31-1], got ${describe(ms)}`);
    }
    out.intervalMs = ms;
  }
  if (o.onFollowError !== undefined) {
    if (typeof o.onFollowError !== 'function') {
      throw invalidArgument(`options.onFollowError must be a function, got ${describe(o.onFollowError)}`);
    }
    out.onError = o.onFollowError;
  }
  return out;
}

/**
 * The automatic catch-up: every `intervalMs`, one async catch-up unless the last is still
 * running. Unref'd, so it never keeps the process alive. A failure goes to `onError`, or is a
 * process warning (the first of a run of failures only); it never rejects unhandled, and the
 * timer keeps trying (a writer that restarts makes a catch-up fail for a moment).
 */
export class FollowTimer {
  readonly #timer: NodeJS.Timeout;
  #running = false;
  #failing = false;
  #stopped = false;

  constructor(handle: NativeHandle, o: FollowOptions & { intervalMs: number }) {
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = true;
      native.catchUp(handle).then(
        () => {
          this.#failing = false;
        },
        (e: Error) => {
          if (this.#stopped) return; // closed meanwhile: close() waited for this catch-up
          if (o.onError) {
            const listener = o.onError;
            // Outside this promise chain: a listener that throws is an uncaught exception, as a
            // throwing callback is anywhere, never an unhandled rejection nobody can catch.
            process.nextTick(() => listener(e));
          } else if (!this.#failing) {
            process.emitWarning(`cvx-storage: a follower's automatic catch-up failed: ${e.message}`, 'HotStoreFollowWarning');
          }
          this.#failing = true;
        },
      ).finally(() => {
        this.#running = false;
      });
    }, o.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer (close()); a catch-up in flight finishes (close waits for it). */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }
}
