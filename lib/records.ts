// Decoding of the CBOR records the shim writes (docs/format.md): timelines and the
// space/format records of the `default` column family.
import { decode } from 'cbor-x';
import { makeError } from './errors';
import { toOutput } from './ints';
import type { EntityTimeline } from './types';

function field(rec: Record<string, unknown>, name: string, what: string): number | bigint {
  const v = rec[name];
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return v;
  throw makeError('CVX_CORRUPTION', `${what}: field ${name} is missing or not an integer`);
}

function decodeMap(bytes: Uint8Array, what: string): Record<string, unknown> {
  let rec: unknown;
  try {
    rec = decode(bytes);
  } catch (e) {
    throw makeError('CVX_CORRUPTION', `${what} is not valid CBOR (${(e as Error).message})`);
  }
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
    throw makeError('CVX_CORRUPTION', `${what} is not a CBOR map`);
  }
  return rec as Record<string, unknown>;
}

/** Decodes a `timelines` value; ids and times as number or bigint per `asBigint`. */
export function decodeTimeline(bytes: Uint8Array, asBigint: boolean): EntityTimeline {
  const what = 'timeline record';
  const rec = decodeMap(bytes, what);
  const entityId = field(rec, 'entityId', what);
  return {
    entityId: toOutput(entityId, asBigint, 'entityId'),
    spaceId: Number(field(rec, 'spaceId', what)),
    firstSeen: toOutput(field(rec, 'firstSeen', what), asBigint, 'firstSeen'),
    lastSeen: toOutput(field(rec, 'lastSeen', what), asBigint, 'lastSeen'),
    pointCount: Number(field(rec, 'pointCount', what)),
    keyframeInterval: Number(field(rec, 'keyframeInterval', what)),
  };
}
