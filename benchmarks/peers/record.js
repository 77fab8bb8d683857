'use strict';
// What the peers store besides the vector, and the timeline rule they apply: the same logical
// record as cvx-storage's timeline (entity, space, firstSeen, lastSeen, pointCount,
// keyframeInterval) but in a fixed 40-byte little-endian layout rather than CBOR, the cheapest
// encoding a JS caller can write, so the peers are not slowed by our format choice.
// Keys are cvx-storage's own bytes (lib/workload.js): 20-byte vector key, 12-byte timeline key.

const TL_SIZE = 40;

function encodeTimeline(tl) {
  const b = Buffer.allocUnsafe(TL_SIZE);
  b.writeDoubleLE(tl.entityId, 0);
  b.writeUInt32LE(tl.spaceId, 8);
  b.writeUInt32LE(tl.keyframeInterval, 12);
  b.writeDoubleLE(tl.firstSeen, 16);
  b.writeDoubleLE(tl.lastSeen, 24);
  b.writeDoubleLE(tl.pointCount, 32);
  return b;
}

function decodeTimeline(b) {
  if (b.length !== TL_SIZE) throw new Error(`timeline record of ${b.length} bytes`);
  return {
    entityId: b.readDoubleLE(0),
    spaceId: b.readUInt32LE(8),
    keyframeInterval: b.readUInt32LE(12),
    firstSeen: b.readDoubleLE(16),
    lastSeen: b.readDoubleLE(24),
    pointCount: b.readDoubleLE(32),
  };
}

function newTimeline(entityId, spaceId, ts) {
  return { entityId, spaceId, keyframeInterval: 10, firstSeen: ts, lastSeen: ts, pointCount: 0 };
}

/** PutPoints' rule: a new point bumps the count and widens [firstSeen, lastSeen]; an overwrite does not. */
function fold(tl, ts, exists) {
  if (exists) return;
  tl.pointCount += 1;
  if (ts < tl.firstSeen) tl.firstSeen = ts;
  if (ts > tl.lastSeen) tl.lastSeen = ts;
}

/** The vector's bytes as a Buffer view (no copy), which every peer accepts as a value. */
function vectorBytes(f32) {
  return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength);
}

/** A stored value as the Float32Array a caller wants (a view when aligned, else one copy). */
function toFloat32(buf) {
  if (buf.byteOffset % 4 === 0) return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  return new Float32Array(new Uint8Array(buf).buffer);
}

module.exports = { encodeTimeline, decodeTimeline, newTimeline, fold, vectorBytes, toFloat32 };

/**
 * PutPoints' batch logic for a peer: one timeline read per entity in the batch, an existence
 * check per point whose entity already had a timeline (or that repeats a key of this batch),
 * timelines folded, and the ops of one atomic write. `readTimeline(tkey)` → Buffer|undefined and
 * `exists(key)` → boolean are the peer's synchronous reads (or lookups in what it pre-read).
 * Points are { key, tkey, value, entityId, ts } in one space.
 */
function planBatch(points, readTimeline, exists) {
  const timelines = new Map();
  const written = new Set();
  const ops = [];
  for (const p of points) {
    let t = timelines.get(p.entityId);
    if (t === undefined) {
      const raw = readTimeline(p.tkey);
      t = { tkey: p.tkey, had: raw !== undefined, tl: raw !== undefined ? decodeTimeline(raw) : newTimeline(p.entityId, 0, p.ts) };
      timelines.set(p.entityId, t);
    }
    const id = p.key.toString('latin1');
    fold(t.tl, p.ts, written.has(id) || (t.had && exists(p.key)));
    written.add(id);
    ops.push([p.key, p.value]);
  }
  for (const t of timelines.values()) ops.push([t.tkey, encodeTimeline(t.tl)]);
  return ops;
}

module.exports.planBatch = planBatch;
