// The hostile-input table: every public method against wrong types, out-of-range ids,
// timestamps and space ids, bad ranges and limits, bad vectors (NaN, empty, oversized, detached,
// SharedArrayBuffer-backed however hidden, wrong dimension), bad options, Proxies (revoked ones
// too) and getters that throw. Each case names the method, its arguments, the HotStoreError code
// and what the message must name. hostile_input.test.ts runs every case on the embedded store
// (sync and promise forms, RocksDB bytes compared); the conformance suite runs the cases of the
// TemporalStore methods on every backend (hostile.ts).

const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const U64_MAX = (1n << 64n) - 1n;

function detached(): Float32Array {
  const buf = new ArrayBuffer(12);
  const f = new Float32Array(buf);
  structuredClone(buf, { transfer: [buf] });
  return f;
}
const shared = () => new Float32Array(new SharedArrayBuffer(12));
/** A Float32Array on a SharedArrayBuffer whose subclass's `buffer` getter shows a plain one. */
function hidingShared(): Float32Array {
  class Hiding extends Float32Array {}
  Object.defineProperty(Hiding.prototype, 'buffer', { get: () => new ArrayBuffer(12) });
  return new Hiding(new SharedArrayBuffer(12) as unknown as ArrayBuffer);
}
export const ok = (over: Record<string, unknown> = {}) => ({ entityId: 1, timestamp: 5, vector: new Float32Array([1, 2, 3]), ...over });
/** A Proxy already revoked: every operation on it throws a TypeError. */
export function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}
/** `base` with a getter for `key` that throws. */
export function throwing<T extends object>(base: T, key: string): T {
  return Object.defineProperty(base, key, { get() { throw new Error(`${key} getter failed`); }, enumerable: true });
}
const trapsThrow = <T extends object>(target: T) => new Proxy(target, {
  get() { throw new Error('get trap failed'); },
  has() { throw new Error('has trap failed'); },
});

export type Case = [name: string, method: string, args: unknown[], code: string, names: RegExp];

const BAD_IDS: Array<[string, unknown]> = [
  ['a string', '1'], ['null', null], ['undefined', undefined], ['an object', {}], ['a boolean', true],
  ['a fraction', 1.5], ['negative', -1], ['NaN', NaN], ['Infinity', Infinity], ['2^53 (unsafe number)', 2 ** 53],
  ['a negative bigint', -1n], ['2^64 as bigint', U64_MAX + 1n],
];
const BAD_TS: Array<[string, unknown]> = [
  ['a string', '5'], ['null', null], ['a fraction', 0.5], ['NaN', NaN], ['-Infinity', -Infinity],
  ['2^53 (unsafe number)', 2 ** 53], ['-(2^53) (unsafe number)', -(2 ** 53)], ['2^63 bigint', I64_MAX + 1n], ['-2^63-1 bigint', I64_MIN - 1n],
];
const BAD_SPACES: Array<[string, unknown]> = [
  ['-1', -1], ['a fraction', 0.5], ['2^32', 2 ** 32], ['a string', '0'], ['a bigint', 0n], ['NaN', NaN], ['null', null],
];
const BAD_VECTORS: Array<[string, unknown, string]> = [
  ['empty array', [], 'CVX_INVALID_ARGUMENT'],
  ['empty Float32Array', new Float32Array(0), 'CVX_INVALID_ARGUMENT'],
  ['NaN', [1, NaN, 3], 'CVX_INVALID_ARGUMENT'],
  ['Infinity', new Float32Array([1, Infinity, 3]), 'CVX_INVALID_ARGUMENT'],
  ['-Infinity in a Float64Array', new Float64Array([1, 2, -Infinity]), 'CVX_INVALID_ARGUMENT'],
  ['a value that overflows f32', [1, 2, 1e39], 'CVX_INVALID_ARGUMENT'],
  ['oversized (65537 floats)', new Float32Array(65537), 'CVX_INVALID_ARGUMENT'],
  ['a string element', [1, '2', 3], 'CVX_INVALID_ARGUMENT'],
  ['a string', 'abc', 'CVX_INVALID_ARGUMENT'],
  ['an object', { 0: 1, length: 1 }, 'CVX_INVALID_ARGUMENT'],
  ['null', null, 'CVX_INVALID_ARGUMENT'],
  ['a DataView', new DataView(new ArrayBuffer(12)), 'CVX_INVALID_ARGUMENT'],
  ['a detached Float32Array', detached(), 'CVX_INVALID_ARGUMENT'],
  ['a SharedArrayBuffer-backed Float32Array', shared(), 'CVX_INVALID_ARGUMENT'],
  ['a Float32Array subclass whose buffer getter hides its SharedArrayBuffer', hidingShared(), 'CVX_INVALID_ARGUMENT'],
  ['a Float64Array on a SharedArrayBuffer', new Float64Array(new SharedArrayBuffer(24)), 'CVX_INVALID_ARGUMENT'],
  ['a Proxy around a Float32Array', new Proxy(new Float32Array([1, 2, 3]), {}), 'CVX_INVALID_ARGUMENT'],
  ['a revoked Proxy', revoked(), 'CVX_INVALID_ARGUMENT'],
  ['a Proxy around an array whose traps throw', trapsThrow([1, 2, 3]), 'CVX_INVALID_ARGUMENT'],
  ['an array whose element getter throws', throwing([1, 2, 3], '1'), 'CVX_INVALID_ARGUMENT'],
  ['the wrong dimension (4 in a dim-3 space)', [1, 2, 3, 4], 'CVX_DIMENSION_MISMATCH'],
];
const BAD_RANGE_OPTIONS: Array<[string, unknown, RegExp]> = [
  ['limit 0', { limit: 0 }, /options\.limit/], ['limit -1', { limit: -1 }, /options\.limit/],
  ['limit 1.5', { limit: 1.5 }, /options\.limit/], ['limit NaN', { limit: NaN }, /options\.limit/],
  ['limit "5"', { limit: '5' }, /options\.limit/], ['limit 5n', { limit: 5n }, /options\.limit/],
  ['reverse "yes"', { reverse: 'yes' }, /options\.reverse/], ['options null', null, /options/], ['options 5', 5, /options/],
  // rangeColumnsSync alone takes a Float32Array `into`; every form names it.
  ['into a Float64Array', { into: new Float64Array(4) }, /options\.into/], ['into an array', { into: [1, 2] }, /options\.into/],
  ['into an empty Float32Array', { into: new Float32Array(0) }, /options\.into/],
  ['into a Proxy around a Float32Array', { into: new Proxy(new Float32Array(64), {}) }, /options\.into/],
  ['into a getter that throws', throwing({}, 'into'), /options\.into/],
  ['limit a getter that throws', throwing({}, 'limit'), /options\.limit/],
  ['options a revoked Proxy', revoked(), /options/], ['options a Proxy whose traps throw', trapsThrow({}), /options/],
];

export const cases: Case[] = [];
for (const [what, v] of BAD_IDS) {
  cases.push([`put: entityId ${what}`, 'put', [0, ok({ entityId: v })], 'CVX_INVALID_ARGUMENT', /point\.entityId/]);
  cases.push([`putMany: entityId ${what} at [1]`, 'putMany', [0, [ok(), ok({ entityId: v })]], 'CVX_INVALID_ARGUMENT', /points\[1\]\.entityId/]);
  cases.push([`get: entityId ${what}`, 'get', [v, 0, 5], 'CVX_INVALID_ARGUMENT', /entityId/]);
  cases.push([`getMany: entityId ${what} at [1]`, 'getMany', [0, [{ entityId: 1, timestamp: 5 }, { entityId: v, timestamp: 5 }]], 'CVX_INVALID_ARGUMENT', /keys\[1\]\.entityId/]);
  cases.push([`range: entityId ${what}`, 'range', [v, 0, 0, 10], 'CVX_INVALID_ARGUMENT', /entityId/]);
  cases.push([`rangeColumns: entityId ${what}`, 'rangeColumns', [v, 0, 0, 10], 'CVX_INVALID_ARGUMENT', /entityId/]);
  cases.push([`delete: entityId ${what}`, 'delete', [v, 0, 5], 'CVX_INVALID_ARGUMENT', /entityId/]);
  cases.push([`getTimeline: entityId ${what}`, 'getTimeline', [v, 0], 'CVX_INVALID_ARGUMENT', /entityId/]);
  cases.push([`getAsOf: entityId ${what}`, 'getAsOf', [v, 0, 5], 'CVX_INVALID_ARGUMENT', /entityId/]);
  cases.push([`getLatest: entityId ${what}`, 'getLatest', [v, 0], 'CVX_INVALID_ARGUMENT', /entityId/]);
  cases.push([`getManyAsOf: entityIds[1] ${what}`, 'getManyAsOf', [0, [1, v], 5], 'CVX_INVALID_ARGUMENT', /^entityIds\[1\]/]);
}
for (const [what, v] of BAD_TS) {
  cases.push([`put: timestamp ${what}`, 'put', [0, ok({ timestamp: v })], 'CVX_INVALID_ARGUMENT', /point\.timestamp/]);
  cases.push([`putMany: timestamp ${what} at [0]`, 'putMany', [0, [ok({ timestamp: v })]], 'CVX_INVALID_ARGUMENT', /points\[0\]\.timestamp/]);
  cases.push([`get: timestamp ${what}`, 'get', [1, 0, v], 'CVX_INVALID_ARGUMENT', /timestamp/]);
  cases.push([`getMany: timestamp ${what} at [0]`, 'getMany', [0, [{ entityId: 1, timestamp: v }]], 'CVX_INVALID_ARGUMENT', /keys\[0\]\.timestamp/]);
  cases.push([`delete: timestamp ${what}`, 'delete', [1, 0, v], 'CVX_INVALID_ARGUMENT', /timestamp/]);
  cases.push([`range: start ${what}`, 'range', [1, 0, v, 10], 'CVX_INVALID_ARGUMENT', /start/]);
  cases.push([`range: end ${what}`, 'range', [1, 0, 0, v], 'CVX_INVALID_ARGUMENT', /end/]);
  cases.push([`getAsOf: t ${what}`, 'getAsOf', [1, 0, v], 'CVX_INVALID_ARGUMENT', /^t must/]);
  cases.push([`getManyAsOf: t ${what}`, 'getManyAsOf', [0, [1], v], 'CVX_INVALID_ARGUMENT', /^t must/]);
  cases.push([`getManyAsOf: t[1] ${what}`, 'getManyAsOf', [0, [1, 2], [5, v]], 'CVX_INVALID_ARGUMENT', /^t\[1\]/]);
}
for (const [what, v] of BAD_SPACES) {
  cases.push([`put: spaceId ${what}`, 'put', [v, ok()], 'CVX_INVALID_ARGUMENT', /spaceId/]);
  cases.push([`putMany: spaceId ${what}`, 'putMany', [v, [ok()]], 'CVX_INVALID_ARGUMENT', /spaceId/]);
  cases.push([`get: spaceId ${what}`, 'get', [1, v, 5], 'CVX_INVALID_ARGUMENT', /spaceId/]);
  cases.push([`getMany: spaceId ${what}`, 'getMany', [v, [{ entityId: 1, timestamp: 5 }]], 'CVX_INVALID_ARGUMENT', /spaceId/]);
  cases.push([`range: spaceId ${what}`, 'range', [1, v, 0, 10], 'CVX_INVALID_ARGUMENT', /spaceId/]);
  cases.push([`delete: spaceId ${what}`, 'delete', [1, v, 5], 'CVX_INVALID_ARGUMENT', /spaceId/]);
  cases.push([`getTimeline: spaceId ${what}`, 'getTimeline', [1, v], 'CVX_INVALID_ARGUMENT', /spaceId/]);
  cases.push([`getAsOf: spaceId ${what}`, 'getAsOf', [1, v, 5], 'CVX_INVALID_ARGUMENT', /spaceId/]);
  cases.push([`getLatest: spaceId ${what}`, 'getLatest', [1, v], 'CVX_INVALID_ARGUMENT', /spaceId/]);
  cases.push([`getManyAsOf: spaceId ${what}`, 'getManyAsOf', [v, [1], 5], 'CVX_INVALID_ARGUMENT', /^spaceId/]);
}
// getAsOf's tolerance: a non-negative integer of the i64 domain, number or bigint.
const BAD_TOLERANCE: Array<[string, unknown]> = [
  ['-1', -1], ['-1n', -1n], ['a fraction', 0.5], ['NaN', NaN], ['Infinity', Infinity], ['a string', '5'], ['null', null],
  ['2^53 (unsafe number)', 2 ** 53], ['2^63 bigint', I64_MAX + 1n], ['an object', {}],
];
for (const [what, v] of BAD_TOLERANCE) {
  cases.push([`getAsOf: tolerance ${what}`, 'getAsOf', [1, 0, 5, { tolerance: v }], 'CVX_INVALID_ARGUMENT', /options\.tolerance/]);
  cases.push([`getManyAsOf: tolerance ${what}`, 'getManyAsOf', [0, [1], 5, { tolerance: v }], 'CVX_INVALID_ARGUMENT', /^options\.tolerance/]);
}
// getManyAsOf's columns: entityIds an iterable of ids or a Float64Array/BigUint64Array, t one
// timestamp or a column of one per entity; its options as getAsOf's, and into (sync only).
/** An iterable whose iterator throws after its first element. */
const failingIterable = (first: unknown) => ({ *[Symbol.iterator]() { yield first; throw new Error('source failed'); } });
cases.push(
  ['getManyAsOf: entityIds a number', 'getManyAsOf', [0, 5, 5], 'CVX_INVALID_ARGUMENT', /^entityIds must be an iterable/],
  ['getManyAsOf: entityIds null', 'getManyAsOf', [0, null, 5], 'CVX_INVALID_ARGUMENT', /^entityIds must be an iterable/],
  ['getManyAsOf: entityIds a string', 'getManyAsOf', [0, '12', 5], 'CVX_INVALID_ARGUMENT', /^entityIds must be an iterable/],
  ['getManyAsOf: entityIds an object without an iterator', 'getManyAsOf', [0, { 0: 1, length: 1 }, 5], 'CVX_INVALID_ARGUMENT', /^entityIds must be an iterable/],
  ['getManyAsOf: entityIds a revoked Proxy', 'getManyAsOf', [0, revoked(), 5], 'CVX_INVALID_ARGUMENT', /^entityIds/],
  ['getManyAsOf: entityIds a Proxy whose traps throw', 'getManyAsOf', [0, trapsThrow([1]), 5], 'CVX_INVALID_ARGUMENT', /^entityIds/],
  ['getManyAsOf: entityIds whose iterator cannot be made', 'getManyAsOf', [0, { [Symbol.iterator]() { throw new Error('no iterator'); } }, 5], 'CVX_INVALID_ARGUMENT', /^entityIds/],
  ['getManyAsOf: entityIds whose iterator throws midway', 'getManyAsOf', [0, failingIterable(1), 5], 'CVX_INVALID_ARGUMENT', /^entityIds\[1\] could not be read: source failed/],
  ['getManyAsOf: entityIds[0] a getter that throws', 'getManyAsOf', [0, throwing([1], '0'), 5], 'CVX_INVALID_ARGUMENT', /^entityIds\[0\]/],
  ['getManyAsOf: entityIds a Float64Array holding NaN', 'getManyAsOf', [0, new Float64Array([1, NaN]), 5], 'CVX_INVALID_ARGUMENT', /^entityIds\[1\]/],
  ['getManyAsOf: entityIds a Float64Array holding -1', 'getManyAsOf', [0, new Float64Array([-1]), 5], 'CVX_INVALID_ARGUMENT', /^entityIds\[0\]/],
  ['getManyAsOf: entityIds a Float64Array holding 2^53', 'getManyAsOf', [0, new Float64Array([2 ** 53]), 5], 'CVX_INVALID_ARGUMENT', /^entityIds\[0\]/],
  ['getManyAsOf: entityIds a Float64Array holding 1.5', 'getManyAsOf', [0, new Float64Array([1.5]), 5], 'CVX_INVALID_ARGUMENT', /^entityIds\[0\]/],
  ['getManyAsOf: entityIds a BigInt64Array holding -1n', 'getManyAsOf', [0, new BigInt64Array([-1n]), 5], 'CVX_INVALID_ARGUMENT', /^entityIds\[0\]/],
  ['getManyAsOf: t a column too short', 'getManyAsOf', [0, [1, 2], [5]], 'CVX_INVALID_ARGUMENT', /^t must be one timestamp or have one element per entityId \(2\), got 1/],
  ['getManyAsOf: t a Float64Array too long', 'getManyAsOf', [0, [1], new Float64Array(2)], 'CVX_INVALID_ARGUMENT', /^t must .*one element per entityId/],
  ['getManyAsOf: t a Float64Array holding 2^60', 'getManyAsOf', [0, [1], new Float64Array([2 ** 60])], 'CVX_INVALID_ARGUMENT', /^t\[0\]/],
  ['getManyAsOf: t a Float64Array holding NaN', 'getManyAsOf', [0, [1], new Float64Array([NaN])], 'CVX_INVALID_ARGUMENT', /^t\[0\]/],
  ['getManyAsOf: t a BigUint64Array holding 2^63', 'getManyAsOf', [0, [1], new BigUint64Array([1n << 63n])], 'CVX_INVALID_ARGUMENT', /^t\[0\]/],
  ['getManyAsOf: t an object without an iterator', 'getManyAsOf', [0, [1], { 0: 5, length: 1 }], 'CVX_INVALID_ARGUMENT', /^t must be an iterable/],
  ['getManyAsOf: t a revoked Proxy', 'getManyAsOf', [0, [1], revoked()], 'CVX_INVALID_ARGUMENT', /^t could not be read/],
  ['getManyAsOf: t a Proxy whose traps throw', 'getManyAsOf', [0, [1], trapsThrow([5])], 'CVX_INVALID_ARGUMENT', /^t could not be read/],
  ['getManyAsOf: t whose iterator throws midway', 'getManyAsOf', [0, [1, 2], failingIterable(5)], 'CVX_INVALID_ARGUMENT', /^t\[1\] could not be read: source failed/],
  ['getManyAsOf: tolerance a getter that throws', 'getManyAsOf', [0, [1], 5, throwing({}, 'tolerance')], 'CVX_INVALID_ARGUMENT', /^options\.tolerance/],
  ['getManyAsOf: options null', 'getManyAsOf', [0, [1], 5, null], 'CVX_INVALID_ARGUMENT', /^options/],
  ['getManyAsOf: options 5', 'getManyAsOf', [0, [1], 5, 5], 'CVX_INVALID_ARGUMENT', /^options/],
  ['getManyAsOf: options a revoked Proxy', 'getManyAsOf', [0, [1], 5, revoked()], 'CVX_INVALID_ARGUMENT', /^options/],
  ['getManyAsOf: options a Proxy whose traps throw', 'getManyAsOf', [0, [1], 5, trapsThrow({})], 'CVX_INVALID_ARGUMENT', /^options/],
  // Sync: too small for 2 rows of dim 3; async: into refused whatever it is.
  ['getManyAsOf: into too small', 'getManyAsOf', [0, [1, 2], 10, { into: new Float32Array(5) }], 'CVX_INVALID_ARGUMENT', /^options\.into/],
);
cases.push(
  ['getAsOf: tolerance a getter that throws', 'getAsOf', [1, 0, 5, throwing({}, 'tolerance')], 'CVX_INVALID_ARGUMENT', /options\.tolerance/],
  ['getAsOf: options null', 'getAsOf', [1, 0, 5, null], 'CVX_INVALID_ARGUMENT', /options/],
  ['getAsOf: options 5', 'getAsOf', [1, 0, 5, 5], 'CVX_INVALID_ARGUMENT', /options/],
  ['getAsOf: options a revoked Proxy', 'getAsOf', [1, 0, 5, revoked()], 'CVX_INVALID_ARGUMENT', /options/],
  ['getAsOf: options a Proxy whose traps throw', 'getAsOf', [1, 0, 5, trapsThrow({})], 'CVX_INVALID_ARGUMENT', /options/],
);
// latestAll (async only): spaceId, options, options.at (an i64) and options.batchSize ([1, 65536]),
// refused at the call, before any batch is read.
for (const [what, v] of BAD_SPACES) cases.push([`latestAll: spaceId ${what}`, 'latestAll', [v], 'CVX_INVALID_ARGUMENT', /spaceId/]);
for (const [what, v] of BAD_TS) cases.push([`latestAll: at ${what}`, 'latestAll', [0, { at: v }], 'CVX_INVALID_ARGUMENT', /options\.at/]);
const BAD_BATCH_SIZES: Array<[string, unknown]> = [
  ['0', 0], ['-1', -1], ['65537', 65537], ['1.5', 1.5], ['NaN', NaN], ['Infinity', Infinity], ['a string', '5'], ['a bigint', 5n], ['null', null],
];
for (const [what, v] of BAD_BATCH_SIZES) {
  cases.push([`latestAll: batchSize ${what}`, 'latestAll', [0, { batchSize: v }], 'CVX_INVALID_ARGUMENT', /options\.batchSize/]);
}
cases.push(
  ['latestAll: at a getter that throws', 'latestAll', [0, throwing({}, 'at')], 'CVX_INVALID_ARGUMENT', /options\.at/],
  ['latestAll: batchSize a getter that throws', 'latestAll', [0, throwing({}, 'batchSize')], 'CVX_INVALID_ARGUMENT', /options\.batchSize/],
  ['latestAll: options null', 'latestAll', [0, null], 'CVX_INVALID_ARGUMENT', /options/],
  ['latestAll: options 5', 'latestAll', [0, 5], 'CVX_INVALID_ARGUMENT', /options/],
  ['latestAll: options a revoked Proxy', 'latestAll', [0, revoked()], 'CVX_INVALID_ARGUMENT', /options/],
  ['latestAll: options a Proxy whose traps throw', 'latestAll', [0, trapsThrow({})], 'CVX_INVALID_ARGUMENT', /options/],
);
/** Methods without a *Sync form: their cases run once, in the promise form. */
export const ASYNC_ONLY = new Set(['latestAll']);
for (const [what, v, code] of BAD_VECTORS) {
  cases.push([`put: vector ${what}`, 'put', [0, ok({ vector: v })], code, /point\.vector/]);
  cases.push([`putMany: vector ${what} at [2]`, 'putMany', [0, [ok({ timestamp: 100 }), ok({ timestamp: 101 }), ok({ vector: v })]], code, /points\[2\]\.vector/]);
}
for (const [what, v, names] of BAD_RANGE_OPTIONS) {
  cases.push([`range: ${what}`, 'range', [1, 0, 0, 10, v], 'CVX_INVALID_ARGUMENT', names]);
  cases.push([`rangeColumns: ${what}`, 'rangeColumns', [1, 0, 0, 10, v], 'CVX_INVALID_ARGUMENT', names]);
  if (names.source.includes('into') || what.startsWith('options')) {
    cases.push([`getMany: ${what}`, 'getMany', [0, [{ entityId: 1, timestamp: 5 }], v], 'CVX_INVALID_ARGUMENT', names]);
    cases.push([`getManyAsOf: ${what}`, 'getManyAsOf', [0, [1], 5, v], 'CVX_INVALID_ARGUMENT', names]);
  }
}
cases.push(
  ['range: start > end', 'range', [1, 0, 10, 5], 'CVX_INVALID_ARGUMENT', /start.*end/],
  ['range: start > end at the i64 edges', 'range', [1, 0, I64_MAX, I64_MIN], 'CVX_INVALID_ARGUMENT', /start.*end/],
  ['rangeColumns: start > end', 'rangeColumns', [1, 0, 1, 0], 'CVX_INVALID_ARGUMENT', /start.*end/],
  ['put: point null', 'put', [0, null], 'CVX_INVALID_ARGUMENT', /point/],
  ['put: point a number', 'put', [0, 5], 'CVX_INVALID_ARGUMENT', /point/],
  ['put: point without vector', 'put', [0, { entityId: 1, timestamp: 1 }], 'CVX_INVALID_ARGUMENT', /point\.vector/],
  ['putMany: points null', 'putMany', [0, null], 'CVX_INVALID_ARGUMENT', /points/],
  ['putMany: points a number', 'putMany', [0, 7], 'CVX_INVALID_ARGUMENT', /points/],
  ['putMany: points[1] null', 'putMany', [0, [ok(), null]], 'CVX_INVALID_ARGUMENT', /points\[1\]/],
  ['put: point a revoked Proxy', 'put', [0, revoked()], 'CVX_INVALID_ARGUMENT', /point/],
  ['put: point a Proxy whose traps throw', 'put', [0, trapsThrow(ok())], 'CVX_INVALID_ARGUMENT', /point\.entityId/],
  ['put: point.entityId a getter that throws', 'put', [0, throwing(ok(), 'entityId')], 'CVX_INVALID_ARGUMENT', /point\.entityId/],
  ['put: point.vector a getter that throws', 'put', [0, throwing(ok(), 'vector')], 'CVX_INVALID_ARGUMENT', /point\.vector/],
  ['putMany: points a revoked Proxy', 'putMany', [0, revoked()], 'CVX_INVALID_ARGUMENT', /points/],
  ['putMany: points a Proxy whose traps throw', 'putMany', [0, trapsThrow([ok()])], 'CVX_INVALID_ARGUMENT', /points/],
  ['putMany: points whose iterator cannot be made', 'putMany', [0, { [Symbol.iterator]() { throw new Error('no iterator'); } }], 'CVX_INVALID_ARGUMENT', /points/],
  ['putMany: points[1] a revoked Proxy', 'putMany', [0, [ok(), revoked()]], 'CVX_INVALID_ARGUMENT', /points\[1\]/],
  ['putMany: columnar vectors a getter that throws', 'putMany', [0, throwing({ entityIds: [1], timestamps: [1], vectors: new Float32Array(3), dim: 3 }, 'vectors')], 'CVX_INVALID_ARGUMENT', /batch\.vectors/],
  ['putMany: columnar vectors a Proxy around a Float32Array', 'putMany', [0, { entityIds: [1], timestamps: [1], vectors: new Proxy(new Float32Array(3), {}), dim: 3 }], 'CVX_INVALID_ARGUMENT', /batch\.vectors/],
  ['putMany: columnar vectors hiding their SharedArrayBuffer', 'putMany', [0, { entityIds: [1], timestamps: [1], vectors: hidingShared(), dim: 3 }], 'CVX_INVALID_ARGUMENT', /batch\.vectors/],
  ['putMany: columnar entityIds a revoked Proxy', 'putMany', [0, { entityIds: revoked(), timestamps: [1], vectors: new Float32Array(3), dim: 3 }], 'CVX_INVALID_ARGUMENT', /batch\.entityIds/],
  ['putMany: columnar timestamps[0] a getter that throws', 'putMany', [0, { entityIds: [1], timestamps: throwing([1], '0'), vectors: new Float32Array(3), dim: 3 }], 'CVX_INVALID_ARGUMENT', /batch\.timestamps\[0\]/],
  ['getMany: keys a revoked Proxy', 'getMany', [0, revoked()], 'CVX_INVALID_ARGUMENT', /keys/],
  ['getMany: keys a Proxy whose traps throw', 'getMany', [0, trapsThrow([{ entityId: 1, timestamp: 5 }])], 'CVX_INVALID_ARGUMENT', /keys/],
  ['getMany: keys[0].entityId a getter that throws', 'getMany', [0, [throwing({ entityId: 1, timestamp: 5 }, 'entityId')]], 'CVX_INVALID_ARGUMENT', /keys\[0\]\.entityId/],
  ['getMany: key columns whose entityIds getter throws', 'getMany', [0, throwing({ entityIds: [1], timestamps: [5] }, 'entityIds')], 'CVX_INVALID_ARGUMENT', /keys\.entityIds/],
  ['putMany: mixed dimensions inside the batch', 'putMany', [0, [ok({ timestamp: 100 }), ok({ vector: [1, 2] })]], 'CVX_DIMENSION_MISMATCH', /points\[1\]\.vector/],
  ['putMany: a new space with mixed dimensions', 'putMany', [9, [ok({ vector: [1, 2] }), ok({ vector: [1] })]], 'CVX_DIMENSION_MISMATCH', /points\[1\]\.vector/],
  ['putMany: columnar dim 0', 'putMany', [0, { entityIds: [1], timestamps: [1], vectors: new Float32Array(3), dim: 0 }], 'CVX_INVALID_ARGUMENT', /batch\.dim/],
  ['putMany: columnar dim 1.5', 'putMany', [0, { entityIds: [1], timestamps: [1], vectors: new Float32Array(3), dim: 1.5 }], 'CVX_INVALID_ARGUMENT', /batch\.dim/],
  ['putMany: columnar vectors not a multiple of dim', 'putMany', [0, { entityIds: [1], timestamps: [1], vectors: new Float32Array(4), dim: 3 }], 'CVX_INVALID_ARGUMENT', /batch\.vectors/],
  ['putMany: columnar vectors a plain array', 'putMany', [0, { entityIds: [1], timestamps: [1], vectors: [1, 2, 3], dim: 3 }], 'CVX_INVALID_ARGUMENT', /batch\.vectors/],
  ['putMany: columnar vectors on a SharedArrayBuffer', 'putMany', [0, { entityIds: [1], timestamps: [1], vectors: shared(), dim: 3 }], 'CVX_INVALID_ARGUMENT', /batch\.vectors/],
  ['putMany: columnar NaN in row 1', 'putMany', [0, { entityIds: [1, 2], timestamps: [1, 1], vectors: new Float32Array([1, 2, 3, 4, NaN, 6]), dim: 3 }], 'CVX_INVALID_ARGUMENT', /points\[1\]\.vector/],
  ['putMany: columnar too few entityIds', 'putMany', [0, { entityIds: [1], timestamps: [1, 2], vectors: new Float32Array(6), dim: 3 }], 'CVX_INVALID_ARGUMENT', /batch\.entityIds/],
  ['putMany: columnar bad entityId element', 'putMany', [0, { entityIds: [1, -3], timestamps: [1, 2], vectors: new Float32Array(6), dim: 3 }], 'CVX_INVALID_ARGUMENT', /batch\.entityIds\[1\]/],
  ['putMany: columnar Float64Array entityIds holding NaN', 'putMany', [0, { entityIds: new Float64Array([NaN]), timestamps: [1], vectors: new Float32Array(3), dim: 3 }], 'CVX_INVALID_ARGUMENT', /entityId/],
  ['putMany: columnar Float64Array timestamps holding 2^60', 'putMany', [0, { entityIds: [1], timestamps: new Float64Array([2 ** 60]), vectors: new Float32Array(3), dim: 3 }], 'CVX_INVALID_ARGUMENT', /timestamp/],
  ['putMany: columnar wrong dimension for the space', 'putMany', [0, { entityIds: [1], timestamps: [1], vectors: new Float32Array([1, 2]), dim: 2 }], 'CVX_DIMENSION_MISMATCH', /points\[0\]\.vector/],
  ['deleteRange: entityId -1', 'deleteRange', [-1, 0, 0, 10], 'CVX_INVALID_ARGUMENT', /entityId/],
  ['deleteRange: spaceId 2^32', 'deleteRange', [1, 2 ** 32, 0, 10], 'CVX_INVALID_ARGUMENT', /spaceId/],
  ['deleteRange: start 1.5', 'deleteRange', [1, 0, 1.5, 10], 'CVX_INVALID_ARGUMENT', /start/],
  ['deleteRange: end beyond i64', 'deleteRange', [1, 0, 0, I64_MAX + 1n], 'CVX_INVALID_ARGUMENT', /end/],
  ['deleteRange: start > end', 'deleteRange', [1, 0, 10, 5], 'CVX_INVALID_ARGUMENT', /start.*end/],
  ['checkpoint: dir a number', 'checkpoint', [42], 'CVX_INVALID_ARGUMENT', /dir/],
  ['checkpoint: dir empty', 'checkpoint', [''], 'CVX_INVALID_ARGUMENT', /dir/],
  ['verify: maxIssues -1', 'verify', [{ maxIssues: -1 }], 'CVX_INVALID_ARGUMENT', /options\.maxIssues/],
  ['repair: dropUndecodable "yes"', 'repair', [{ dropUndecodable: 'yes' }], 'CVX_INVALID_ARGUMENT', /options\.dropUndecodable/],
  ['verify: options a revoked Proxy', 'verify', [revoked()], 'CVX_INVALID_ARGUMENT', /options/],
  ['verify: options.maxIssues a getter that throws', 'verify', [throwing({}, 'maxIssues')], 'CVX_INVALID_ARGUMENT', /options\.maxIssues/],
);

