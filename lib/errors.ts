// The one place errors are made. The native shim calls `makeError` too (registered in
// binding.ts), so every failure a caller sees is a HotStoreError with a stable code.

/** Stable error codes carried by {@link HotStoreError.code}. */
export type HotStoreErrorCode =
  | 'CVX_INVALID_ARGUMENT'
  | 'CVX_DIMENSION_MISMATCH'
  | 'CVX_UNSAFE_INTEGER'
  | 'CVX_NOT_OPEN'
  | 'CVX_LOCKED'
  | 'CVX_READ_ONLY'
  | 'CVX_CORRUPTION'
  | 'CVX_FORMAT'
  | 'CVX_IO'
  | 'CVX_FEED_GAP'
  | 'CVX_FEED_TRIMMED'
  /** A cluster backend could not be reached, or a failover did not recover, within the configured time. */
  | 'CVX_UNAVAILABLE';

/** Every code, for tooling and exhaustive tests. */
export const ERROR_CODES: readonly HotStoreErrorCode[] = [
  'CVX_INVALID_ARGUMENT',
  'CVX_DIMENSION_MISMATCH',
  'CVX_UNSAFE_INTEGER',
  'CVX_NOT_OPEN',
  'CVX_LOCKED',
  'CVX_READ_ONLY',
  'CVX_CORRUPTION',
  'CVX_FORMAT',
  'CVX_IO',
  'CVX_FEED_GAP',
  'CVX_FEED_TRIMMED',
  'CVX_UNAVAILABLE',
];

/**
 * The error every cvx-storage operation fails with.
 *
 * @example
 * ```ts
 * try {
 *   store.putSync(0, { entityId: 1, timestamp: 0, vector: [NaN] });
 * } catch (e) {
 *   if (e instanceof HotStoreError && e.code === 'CVX_INVALID_ARGUMENT') console.error(e.message);
 * }
 * ```
 */
export class HotStoreError extends Error {
  /** Stable, machine-readable reason. */
  readonly code: HotStoreErrorCode;

  constructor(code: HotStoreErrorCode, message: string) {
    super(message);
    this.name = 'HotStoreError';
    this.code = code;
  }
}

/** Builds a HotStoreError; the native shim calls this for every status it reports. */
export function makeError(code: HotStoreErrorCode, message: string): HotStoreError {
  return new HotStoreError(ERROR_CODES.includes(code) ? code : 'CVX_IO', message);
}

/** Shorthand for the most common failure: an argument that is not acceptable. */
export function invalidArgument(message: string): HotStoreError {
  return makeError('CVX_INVALID_ARGUMENT', message);
}

/** The failure of a call on a closed store, in the words the shim uses for the same case. */
export function storeClosed(): HotStoreError {
  return makeError('CVX_NOT_OPEN', 'the store is closed');
}
