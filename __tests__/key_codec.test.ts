// The key codec: byte order of keys equals numeric order of (entity, space, timestamp)
// over the whole u64/u32/i64 domains, and C++ and TypeScript produce identical bytes.
import fc from 'fast-check';
import { decodeKey, encodeKey, encodePrefix, HotStoreError } from '../lib';
import { decodeTimeline } from '../lib/records';
import { testTools } from './helpers/test_tools';

const u64 = fc.bigUint({ max: (1n << 64n) - 1n });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const i64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
// Extremes and neighbours of zero are where sign handling goes wrong; weight them in.
const i64Edgy = fc.oneof(i64, fc.constantFrom(-(1n << 63n), -(1n << 63n) + 1n, -1n, 0n, 1n, (1n << 63n) - 2n, (1n << 63n) - 1n));
const u64Edgy = fc.oneof(u64, fc.constantFrom(0n, 1n, (1n << 53n), (1n << 64n) - 1n));

function cmp(a: [bigint, number, bigint], b: [bigint, number, bigint]): number {
  for (let i = 0; i < 3; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

test('byte order of keys equals numeric order of (entity, space, timestamp)', () => {
  const tuple = fc.tuple(u64Edgy, u32, i64Edgy);
  fc.assert(
    fc.property(tuple, tuple, (a, b) => {
      const byBytes = Math.sign(Buffer.compare(encodeKey(a[0], a[1], a[2]), encodeKey(b[0], b[1], b[2])));
      expect(byBytes).toBe(cmp(a, b));
    }),
    { numRuns: 5000 },
  );
});

test('C++ and TypeScript encode identical key bytes', () => {
  fc.assert(
    fc.property(u64Edgy, u32, i64Edgy, (e, s, t) => {
      expect(testTools.encodeKeyNative(e, s, t).equals(encodeKey(e, s, t))).toBe(true);
    }),
    { numRuns: 5000 },
  );
});

test('decodeKey inverts encodeKey and encodePrefix is the key prefix', () => {
  fc.assert(
    fc.property(u64Edgy, u32, i64Edgy, (e, s, t) => {
      const key = encodeKey(e, s, t);
      expect(decodeKey(key)).toEqual({ entityId: e, spaceId: s, timestamp: t });
      expect(key.subarray(0, 12).equals(encodePrefix(e, s))).toBe(true);
    }),
  );
});

test('golden key bytes match docs/format.md', () => {
  expect(encodeKey(42, 0, 1000).toString('hex')).toBe('000000000000002a0000000080000000000003e8');
  expect(encodeKey(1, 7, -1).toString('hex')).toBe('0000000000000001000000077fffffffffffffff');
  expect(encodeKey(0, 0, -(1n << 63n)).toString('hex')).toBe('0000000000000000000000000000000000000000');
  expect(encodePrefix(42, 0).toString('hex')).toBe('000000000000002a00000000');
});

test('number and bigint inputs encode the same', () => {
  expect(encodeKey(42, 3, -5).equals(encodeKey(42n, 3, -5n))).toBe(true);
  expect(testTools.encodeKeyNative(Number.MAX_SAFE_INTEGER, 3, -5).equals(encodeKey(BigInt(Number.MAX_SAFE_INTEGER), 3, -5n))).toBe(true);
});

test('the codec refuses out-of-domain input', () => {
  expect(() => encodeKey(-1, 0, 0)).toThrow(HotStoreError);
  expect(() => encodeKey(1n << 64n, 0, 0)).toThrow(/entityId/);
  expect(() => encodeKey(0, 2 ** 32, 0)).toThrow(/spaceId/);
  expect(() => encodeKey(0, 0, 1n << 63n)).toThrow(/timestamp/);
  expect(() => encodeKey(0, 0, 0.5)).toThrow(/timestamp/);
  expect(() => decodeKey(Buffer.alloc(19))).toThrow(/20-byte/);
});

test('timeline record golden bytes match docs/format.md and decode with cbor-x', () => {
  const rec = testTools.encodeTimelineNative(42, 0, 1000, 2000, 2, 10);
  expect(rec.toString('hex')).toBe(
    'a6' +
      '68656e746974794964182a' +
      '6773706163654964' + '00' +
      '6966697273745365656e1903e8' +
      '686c6173745365656e1907d0' +
      '6a706f696e74436f756e74' + '02' +
      '706b65796672616d65496e74657276616c' + '0a',
  );
  expect(decodeTimeline(rec, false)).toEqual({ entityId: 42, spaceId: 0, firstSeen: 1000, lastSeen: 2000, pointCount: 2, keyframeInterval: 10 });
  const big = testTools.encodeTimelineNative((1n << 64n) - 1n, 5, -(1n << 63n), (1n << 63n) - 1n, 3, 10);
  expect(decodeTimeline(big, true)).toEqual({
    entityId: (1n << 64n) - 1n, spaceId: 5, firstSeen: -(1n << 63n), lastSeen: (1n << 63n) - 1n, pointCount: 3, keyframeInterval: 10,
  });
  expect(() => decodeTimeline(big, false)).toThrow(expect.objectContaining({ code: 'CVX_UNSAFE_INTEGER' }));
});
