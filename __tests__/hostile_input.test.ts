// Hostile input, table-driven: every public method against wrong types, out-of-range ids,
// timestamps and space ids, bad ranges and limits, bad vectors (NaN, empty, oversized,
// detached, SharedArrayBuffer-backed however hidden, wrong dimension), bad options, Proxies
// (revoked ones too) and getters that throw, and paths/directories that are not stores. Each case must fail with its HotStoreError code, a message naming
// the argument, and leave the store byte-for-byte as it was (read back through RocksDB),
// for both the *Sync and the promise form.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { encode } from 'cbor-x';
import { HotStore, HotStoreError } from '../lib';
import { runChild } from './helpers/child';
import { dump, rawPut } from './helpers/raw';
import { tempPath, tempStore } from './helpers/tmp';

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
const ok = (over: Record<string, unknown> = {}) => ({ entityId: 1, timestamp: 5, vector: new Float32Array([1, 2, 3]), ...over });
/** A Proxy already revoked: every operation on it throws a TypeError. */
function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}
/** `base` with a getter for `key` that throws. */
function throwing<T extends object>(base: T, key: string): T {
  return Object.defineProperty(base, key, { get() { throw new Error(`${key} getter failed`); }, enumerable: true });
}
const trapsThrow = <T extends object>(target: T) => new Proxy(target, {
  get() { throw new Error('get trap failed'); },
  has() { throw new Error('has trap failed'); },
});

type Case = [name: string, method: string, args: unknown[], code: string, names: RegExp];

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

const cases: Case[] = [];
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
const ASYNC_ONLY = new Set(['latestAll']);
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

/** Calls `method` or `methodSync` on the store, turning a synchronous throw into a rejection. */
function call(store: HotStore, method: string, args: unknown[], sync: boolean): Promise<unknown> {
  const s = store as unknown as Record<string, (...a: unknown[]) => unknown>;
  return Promise.resolve().then(() => (sync ? s[`${method}Sync`](...args) : s[method](...args)));
}

describe('bad arguments to an open store', () => {
  let store: HotStore;
  let before: ReturnType<typeof dump>;
  beforeAll(() => {
    store = tempStore().store;
    store.putSync(0, ok());
    store.putSync(0, ok({ entityId: 2, timestamp: -7 }));
    store.putSync(3, { entityId: 1, timestamp: 0, vector: [9] });
    before = dump(store);
    expect(before.vectors).toHaveLength(3);
  });
  afterAll(() => store.closeSync());

  test.each(cases.flatMap((c) => (ASYNC_ONLY.has(c[1]) ? [[...c, false]] : [[...c, true], [...c, false]]) as Array<[...Case, boolean]>))(
    '%s (sync=%#)',
    async (_name, method, args, code, names, sync) => {
      const err = await call(store, method, args, sync).then(
        () => { throw new Error('the call succeeded'); },
        (e) => e,
      );
      expect(err).toBeInstanceOf(HotStoreError);
      expect(err.code).toBe(code);
      expect(err.message).toMatch(names);
      expect(dump(store)).toEqual(before);
    },
  );

  test('an iterable that throws midway through putMany writes nothing', async () => {
    function* points() {
      yield ok({ timestamp: 50 });
      throw new Error('source failed');
    }
    expect(() => store.putManySync(0, points())).toThrow('source failed');
    await expect(store.putMany(0, points())).rejects.toThrow('source failed');
    expect(dump(store)).toEqual(before);
  });

  test('a call with a foreign object as the handle is refused, not a crash', async () => {
    const { native } = await import('../lib/binding');
    for (const h of [{}, null, 5, 'x', new Float32Array(2)]) {
      expect(() => native.getSync(h as never, 1, 0, 5)).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(/handle/) }));
      expect(() => native.put(h as never, 0, 1, 1, new Float32Array(1))).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT' }));
    }
    expect(dump(store)).toEqual(before);
  });
});

describe('bad arguments to the change feed and a replica', () => {
  test.each([
    ['options 5', 5, /options/], ['since -1', { since: -1 }, /options\.since/], ['since 1.5', { since: 1.5 }, /options\.since/],
    ['since "3"', { since: '3' }, /options\.since/], ['since 2^64', { since: 2n ** 64n }, /options\.since/],
    ['batchSize 0', { batchSize: 0 }, /options\.batchSize/], ['batchSize 65537', { batchSize: 65537 }, /options\.batchSize/],
    ['follow "no"', { follow: 'no' }, /options\.follow/], ['pollMs 0', { pollMs: 0 }, /options\.pollMs/],
    ['signal {}', { signal: {} }, /options\.signal/],
    ['since a getter that throws', throwing({}, 'since'), /options\.since/],
  ])('changes(%s) → CVX_INVALID_ARGUMENT before anything is read', (_what, options, names) => {
    const { store } = tempStore();
    try {
      expect(() => store.changes(options as never)).toThrow(expect.objectContaining({ code: 'CVX_INVALID_ARGUMENT', message: expect.stringMatching(names) }));
    } finally {
      store.closeSync();
    }
  });

  test.each([
    ['undefined', undefined, /record\.batch/], ['a number', 5, /record\.batch/], ['no batch', { sequence: 3 }, /record\.batch/],
    ['a short batch', { batch: Buffer.alloc(4) }, /record\.batch/], ['an array with a bad record', [{ batch: 'x' }], /records\[0\]\.batch/],
    ['a batch of garbage', { batch: Buffer.alloc(12, 0xff) }, /changes\[0\]/],
    ['a batch whose header claims ops it lacks', { batch: Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0]) }, /changes\[0\]/],
  ])('applyChanges(%s) → CVX_INVALID_ARGUMENT, the replica unchanged', async (_what, record, names) => {
    const { store } = tempStore();
    try {
      const before = dump(store);
      for (const sync of [true, false]) {
        const err = await (async () => (sync ? store.applyChangesSync(record as never) : store.applyChanges(record as never)))().then(
          () => { throw new Error('the call succeeded'); },
          (e) => e,
        );
        expect(err).toBeInstanceOf(HotStoreError);
        expect(err.code).toBe('CVX_INVALID_ARGUMENT');
        expect(err.message).toMatch(names);
      }
      expect(dump(store)).toEqual(before);
      expect(store.appliedSequenceSync()).toBeUndefined();
    } finally {
      store.closeSync();
    }
  });
});

describe('writes to a read-only store', () => {
  test.each([
    ['put', [0, ok({ timestamp: 77 })]], ['putMany', [0, [ok({ timestamp: 77 })]]], ['delete', [1, 0, 5]], ['repair', []],
  ] as Array<[string, unknown[]]>)('%s fails with CVX_READ_ONLY and changes nothing', async (method, args) => {
    const { dir, store } = tempStore();
    store.putSync(0, ok());
    store.closeSync();
    const ro = HotStore.openSync(dir, { readOnly: true });
    const before = dump(ro);
    for (const sync of [true, false]) {
      await expect(call(ro, method, args, sync)).rejects.toMatchObject({ code: 'CVX_READ_ONLY', message: expect.stringMatching(/read ?only/i) });
    }
    expect(dump(ro)).toEqual(before);
    ro.closeSync();
  });
});

describe('bad paths and directories that hold something else', () => {
  const root = path.dirname(tempPath('hostile-paths'));

  async function openFails(p: unknown, options: unknown, code: string, names: RegExp): Promise<void> {
    for (const open of [(a: unknown, o: unknown) => HotStore.openSync(a as string, o as never), (a: unknown, o: unknown) => HotStore.open(a as string, o as never)]) {
      const err = await Promise.resolve().then(() => open(p, options)).then(
        (s) => { (s as HotStore).closeSync(); throw new Error(`opened ${String(p)}`); },
        (e) => e,
      );
      expect(err).toBeInstanceOf(HotStoreError);
      expect({ code: err.code, message: err.message }).toEqual({ code, message: expect.stringMatching(names) });
    }
  }

  /** Every file's name and bytes, to prove a refused open left a directory alone. */
  function snapshot(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, f);
      out[f] = fs.statSync(p).isFile() ? fs.readFileSync(p).toString('hex') : 'dir';
    }
    return out;
  }

  test.each([
    ['empty string', '', /path/], ['a number', 5, /path/], ['null', null, /path/], ['an object', {}, /path/],
  ])('path %s → CVX_INVALID_ARGUMENT', async (_what, p, names) => {
    await openFails(p, undefined, 'CVX_INVALID_ARGUMENT', names);
  });

  test.each([
    ['options 5', 5, /options/], ['options null', null, /options/],
    ['keyframeInterval 0', { keyframeInterval: 0 }, /options\.keyframeInterval/],
    ['keyframeInterval -1', { keyframeInterval: -1 }, /options\.keyframeInterval/],
    ['keyframeInterval 1.5', { keyframeInterval: 1.5 }, /options\.keyframeInterval/],
    ['readOnly "yes"', { readOnly: 'yes' }, /options\.readOnly/], ['bigint 1', { bigint: 1 }, /options\.bigint/],
    ['sync "true"', { sync: 'true' }, /options\.sync/], ['createIfMissing 0', { createIfMissing: 0 }, /options\.createIfMissing/],
    ['options a revoked Proxy', revoked(), /options/], ['readOnly a getter that throws', throwing({}, 'readOnly'), /options\.readOnly/],
    ['follower "yes"', { follower: 'yes' }, /options\.follower/],
    ['follower with readOnly: false', { follower: true, readOnly: false }, /options\.follower.*readOnly/],
    ['follower with salvage', { follower: true, salvage: true }, /options\.salvage/],
    ['followerDir without follower', { followerDir: '/tmp' }, /options\.followerDir needs options\.follower/],
    ['followerDir 5', { follower: true, followerDir: 5 }, /options\.followerDir/],
    ['followerDir with a NUL byte', { follower: true, followerDir: 'a\0b' }, /options\.followerDir/],
    ['followIntervalMs without follower', { followIntervalMs: 10 }, /options\.followIntervalMs needs options\.follower/],
    ['followIntervalMs 0', { follower: true, followIntervalMs: 0 }, /options\.followIntervalMs/],
    ['followIntervalMs 1.5', { follower: true, followIntervalMs: 1.5 }, /options\.followIntervalMs/],
    ['followIntervalMs 2^31', { follower: true, followIntervalMs: 2 ** 31 }, /options\.followIntervalMs/],
    ['followIntervalMs "10"', { follower: true, followIntervalMs: '10' }, /options\.followIntervalMs/],
    ['onFollowError 5', { follower: true, onFollowError: 5 }, /options\.onFollowError/],
    ['followIntervalMs a getter that throws', throwing({ follower: true }, 'followIntervalMs'), /options\.followIntervalMs/],
    ['walTtlSeconds -1', { walTtlSeconds: -1 }, /options\.walTtlSeconds/], ['walTtlSeconds 1.5', { walTtlSeconds: 1.5 }, /options\.walTtlSeconds/],
    ['walTtlSeconds 2^32', { walTtlSeconds: 2 ** 32 }, /options\.walTtlSeconds/], ['walTtlSeconds "60"', { walTtlSeconds: '60' }, /options\.walTtlSeconds/],
    ['walSizeLimitMB -1', { walSizeLimitMB: -1 }, /options\.walSizeLimitMB/], ['walSizeLimitMB NaN', { walSizeLimitMB: NaN }, /options\.walSizeLimitMB/],
    ['walSizeLimitMB 10n', { walSizeLimitMB: 10n }, /options\.walSizeLimitMB/],
    ['walTtlSeconds with readOnly', { readOnly: true, walTtlSeconds: 60 }, /options\.walTtlSeconds.*writable/],
    ['walSizeLimitMB on a follower', { follower: true, walSizeLimitMB: 64 }, /options\.walTtlSeconds and options\.walSizeLimitMB/],
  ])('%s → CVX_INVALID_ARGUMENT and no directory is created', async (_what, options, names) => {
    const p = path.join(root, `opts-${Math.random()}`);
    await openFails(p, options, 'CVX_INVALID_ARGUMENT', names);
    expect(fs.existsSync(p)).toBe(false);
  });

  test('a path that is a regular file → CVX_INVALID_ARGUMENT, file untouched', async () => {
    const f = path.join(root, 'a-file');
    fs.writeFileSync(f, 'precious');
    await openFails(f, undefined, 'CVX_INVALID_ARGUMENT', new RegExp(`${f}.*file`));
    expect(fs.readFileSync(f, 'utf8')).toBe('precious');
  });

  test('a directory that cannot be created even as root (parent is a regular file) → CVX_IO', async () => {
    const f = path.join(root, 'parent-file');
    fs.writeFileSync(f, 'x');
    await openFails(path.join(f, 'db'), undefined, 'CVX_IO', /parent-file\/db.*could not be created/);
  });

  test.each([['/proc/self/cvx-db'], ['/proc/1/cvx/deeper'], ['/sys/cvx-db']])(
    'a path under a kernel filesystem (%s) fails with CVX_IO, never hangs',
    async (p) => {
      // In a child: this used to spin forever inside fs.mkdirSync({ recursive: true }).
      const r = await runChild('open_path.ts', [p], [], 20_000);
      expect(r.timedOut).toBe(false);
      expect(JSON.parse(r.stdout)).toMatchObject({ name: 'HotStoreError', code: 'CVX_IO', message: expect.stringContaining(p.split('/').slice(0, 3).join('/')) });
    },
  );

  test('a missing store with createIfMissing: false or readOnly → CVX_IO naming the option', async () => {
    await openFails(path.join(root, 'absent1'), { createIfMissing: false }, 'CVX_IO', /createIfMissing is false/);
    await openFails(path.join(root, 'absent2'), { readOnly: true }, 'CVX_IO', /readOnly/);
    expect(fs.existsSync(path.join(root, 'absent1'))).toBe(false);
  });

  test('a directory of random files → CVX_FORMAT, files untouched', async () => {
    const d = path.join(root, 'random');
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, 'notes.txt'), 'hello');
    fs.writeFileSync(path.join(d, 'blob.bin'), Buffer.from([0, 1, 2, 255]));
    const before = snapshot(d);
    await openFails(d, undefined, 'CVX_FORMAT', /not empty and holds no store/);
    expect(snapshot(d)).toEqual(before);
  });

  test('a directory with a garbage CURRENT/MANIFEST → refused (CVX_FORMAT or CVX_CORRUPTION), files untouched', async () => {
    const d = path.join(root, 'garbage-rocks');
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, 'CURRENT'), 'MANIFEST-000009\n');
    fs.writeFileSync(path.join(d, 'MANIFEST-000009'), Buffer.alloc(300, 0x5a));
    const before = snapshot(d);
    for (const open of [() => HotStore.openSync(d), () => HotStore.open(d)]) {
      const err = await Promise.resolve().then(open).then(() => null, (e) => e);
      expect(err).toBeInstanceOf(HotStoreError);
      expect(['CVX_FORMAT', 'CVX_CORRUPTION']).toContain(err.code);
      expect(err.message).toContain(d);
    }
    expect(snapshot(d)).toEqual(before);
  });

  test('a plain RocksDB database without our column families → CVX_FORMAT, left as it was', async () => {
    const d = path.join(root, 'plain-rocksdb');
    execFileSync('ldb', [`--db=${d}`, '--create_if_missing', 'put', 'their-key', 'their-value']);
    const before = snapshot(d);
    await openFails(d, undefined, 'CVX_FORMAT', /not a cvx-storage store/);
    expect(snapshot(d)).toEqual(before); // looked at through read-only opens only
    expect(execFileSync('ldb', [`--db=${d}`, 'list_column_families']).toString()).toMatch(/\{default\}/);
    expect(execFileSync('ldb', [`--db=${d}`, 'scan']).toString().trim()).toBe('their-key : their-value');
  });

  test('a LevelDB database (classic-level) → CVX_FORMAT, its data intact', async () => {
    const { ClassicLevel } = await import('classic-level');
    const d = path.join(root, 'leveldb');
    const db = new ClassicLevel<string, string>(d);
    await db.put('k', 'v');
    await db.close();
    await openFails(d, undefined, 'CVX_FORMAT', /not a cvx-storage store/);
    const again = new ClassicLevel<string, string>(d);
    expect(await again.get('k')).toBe('v');
    await again.close();
  });

  test('a store of a future format version → CVX_FORMAT naming both versions, marker kept', async () => {
    const { dir, store } = tempStore();
    store.putSync(0, ok());
    const future = Buffer.from(encode({ version: 2 }));
    rawPut(store, 'default', Buffer.from('cvx:format'), future);
    store.closeSync();
    const before = snapshot(dir);
    await openFails(dir, undefined, 'CVX_FORMAT', /format version 2.*version 1/);
    await openFails(dir, { readOnly: true }, 'CVX_FORMAT', /format version 2/);
    // Refused before a writable open could replay the WAL, rotate the MANIFEST or start a new WAL.
    expect(snapshot(dir)).toEqual(before);
    expect(execFileSync('ldb', [`--db=${dir}`, 'get', 'cvx:format', '--value_hex']).toString().trim()).toBe(`0x${future.toString('hex').toUpperCase()}`);
  });

  test('a store whose cvx:format marker is undecodable → CVX_FORMAT', async () => {
    const { dir, store } = tempStore();
    rawPut(store, 'default', Buffer.from('cvx:format'), Buffer.from('garbage'));
    store.closeSync();
    const before = snapshot(dir);
    await openFails(dir, undefined, 'CVX_FORMAT', /cvx:format is not a valid format record/);
    expect(snapshot(dir)).toEqual(before);
  });
});
