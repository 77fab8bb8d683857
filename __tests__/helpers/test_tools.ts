// Loads the test-only addon (test/native: cvx_test_tools.node), which holds what the addon
// users load must not offer: raw record tools that bypass every check, and the C++ codecs
// exposed for byte-for-byte comparison. It is built (when a source changed) in the flavour
// lib/binding.ts loads, because the tools work on that addon's store handles.
import type { NativeHandle, NativeId } from '../../lib/binding';

export interface TestTools {
  /** Writes raw bytes into a column family, bypassing every check. */
  _rawPut(h: NativeHandle, columnFamily: string, key: Uint8Array, value: Uint8Array): void;
  /** Deletes a raw key, bypassing timeline upkeep. */
  _rawDelete(h: NativeHandle, columnFamily: string, key: Uint8Array): void;
  /** Ingests one key as a table file (a bulk load's way, bypassing the WAL); the latest sequence after. */
  _ingest(h: NativeHandle, columnFamily: string, key: Uint8Array, value: Uint8Array): number;
  /** Every [key, value] of a column family, in key order. */
  _rawScan(h: NativeHandle, columnFamily: string): Array<[Buffer, Buffer]>;
  /** The C++ key codec, to compare byte for byte with lib/keys.ts. */
  encodeKeyNative(entityId: NativeId, spaceId: number, timestamp: NativeId): Buffer;
  /** The C++ timeline record codec, to compare with lib/records.ts. */
  encodeTimelineNative(
    entityId: NativeId, spaceId: number, firstSeen: NativeId, lastSeen: NativeId, pointCount: NativeId, keyframeInterval: number,
  ): Buffer;
}

interface Build {
  buildTestTools(flavour?: string, opts?: { quiet?: boolean }): string;
}

function load(): TestTools {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { buildTestTools } = require('../../test/native/build.js') as Build;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require(buildTestTools()) as TestTools;
}

/** The loaded test-tools addon. */
export const testTools: TestTools = load();
