// TEST TOOLING: corrupt a store through RocksDB itself (the test-tools addon's
// _rawPut/_rawDelete), and read a whole store back, for tests that must prove nothing changed
// or that verify()/repair() find and fix damage.
import { encode } from 'cbor-x';
import { encodeKey, encodePrefix, HotStore } from '../../lib';
import { testTools } from './test_tools';

export type Cf = 'default' | 'vectors' | 'timelines';

export function rawPut(store: HotStore, cf: Cf, key: Uint8Array, value: Uint8Array): void {
  testTools._rawPut(store._handle, cf, new Uint8Array(key), new Uint8Array(value));
}

export function rawDelete(store: HotStore, cf: Cf, key: Uint8Array): void {
  testTools._rawDelete(store._handle, cf, new Uint8Array(key));
}

export const vkey = (e: number, s: number, t: number | bigint) => encodeKey(e, s, t);
export const tkey = (e: number, s: number) => encodePrefix(e, s);

/** A timeline record as another CBOR encoder (cbor-x) would write it. */
export function timelineBytes(t: {
  entityId: number; spaceId: number; firstSeen: number; lastSeen: number; pointCount: number; keyframeInterval?: number;
}): Uint8Array {
  return encode({ keyframeInterval: 10, ...t });
}

export function f32bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

/** Every record of every column family as hex, for "nothing changed" assertions. */
export function dump(store: HotStore): Record<Cf, string[]> {
  const out = {} as Record<Cf, string[]>;
  for (const cf of ['default', 'vectors', 'timelines'] as Cf[]) {
    out[cf] = testTools._rawScan(store._handle, cf).map(([k, v]) => `${k.toString('hex')}=${v.toString('hex')}`);
  }
  return out;
}
