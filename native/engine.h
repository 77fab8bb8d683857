// The engine operations: everything that reads or writes RocksDB on behalf of one API
// call. Plain C++ with no Node-API, so the same code runs inline for *Sync calls and on a
// libuv pool thread for async ones. Callers have already entered the store.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "codec.h"
#include "status.h"
#include "store.h"

namespace cvx {

// One point to write. `value` is the on-disk vector: 4·dim bytes of little-endian f32,
// already checked to be non-empty and finite by the argument reader. It points into memory
// the call owns: one copy of all its vectors, not one allocation per point.
struct PointIn {
  uint64_t entity;
  int64_t ts;
  rocksdb::Slice value;
};

// Writes all points to `space` in one WriteBatch together with their timelines (and the
// space's dimension on its first write). All or nothing: any refusal writes nothing.
// `name` is how error messages refer to the points ("point" or "points").
Status PutPoints(Store& s, uint32_t space, const std::vector<PointIn>& points, const char* name);

// One caller's put inside a coalesced group.
struct GroupPut {
  uint32_t space;
  PointIn point;
};

// Writes a group of independent puts in one WriteBatch. Each put is all-or-nothing on its
// own: results[i] says whether puts[i] was written; a refused put does not fail the others.
Status PutGroup(Store& s, const std::vector<GroupPut>& puts, std::vector<Status>* results);

// Removes one point and updates its timeline atomically; *removed tells whether it existed.
Status DeletePoint(Store& s, uint64_t entity, uint32_t space, int64_t ts, bool* removed);

// Retention: removes every point of (entity, space) with start <= timestamp <= end with one
// range tombstone, and rewrites the timeline exactly (count, first/last) in the same batch.
Status DeletePointRange(Store& s, uint64_t entity, uint32_t space, int64_t start, int64_t end, uint64_t* removed);

// Every read takes `snapshot`: the read view (snapshot.h) it runs on, or nullptr for the
// store's latest state.

// The value stays pinned in RocksDB's block cache (no copy); callers copy it out before
// leaving the store, since a pin must not outlive the database.
Status GetVector(Store& s, uint64_t entity, uint32_t space, int64_t ts, rocksdb::PinnableSlice* value, bool* found,
                 const rocksdb::Snapshot* snapshot);
// The same get answered from memory only (memtables, block cache, the OS page cache through
// preadv2(RWF_NOWAIT), never waiting for the disk): *answered false when that would need the
// disk, and nothing else is set.
Status GetVectorCached(Store& s, uint64_t entity, uint32_t space, int64_t ts, rocksdb::PinnableSlice* value,
                       bool* found, bool* answered, const rocksdb::Snapshot* snapshot);

struct RangeQuery {
  uint64_t entity;
  uint32_t space;
  int64_t start;
  int64_t end;
  uint64_t limit;  // 0: no limit
  bool reverse;
  const rocksdb::Snapshot* snapshot = nullptr;
};

// Where a range scan writes the vectors it reads, back to back. A sync call's sink is the
// memory of its JS result (js_results.h), or a buffer the caller passed in, so the result is
// never copied once more; an async scan runs where JS memory cannot be made, and writes into
// the store's pooled memory.
class VectorSink {
 public:
  virtual ~VectorSink() = default;
  // Called once, before the first Append, with an upper bound of the total (often exact,
  // sometimes far too high: see ExpectedPoints).
  virtual void Expect(size_t bytes) = 0;
  // False when a sink of fixed size has no room left: the scan stops (kOutOfRoom).
  virtual bool Append(const char* data, size_t size) = 0;
};

// The async scans' sink: memory from and back to the store's ResultPool.
class PooledSink : public VectorSink {
 public:
  PooledBytes bytes;
  void Expect(size_t size) override { bytes.bytes.reserve(size); }
  bool Append(const char* data, size_t size) override {
    bytes.bytes.append(data, size);
    return true;
  }
};

// Column-shaped range result: timestamps[i] belongs to the sink's vector i, dim floats.
struct RangeResult {
  uint32_t dim = 0;
  std::vector<int64_t> timestamps;
};

// The status message of a scan stopped by a full sink (its caller names the buffer).
constexpr const char* kOutOfRoom = "the result does not fit the buffer it is written into";

// Scans into `sink` (for PooledSink, set its bytes from s.result_pool() first).
Status RangeScan(Store& s, const RangeQuery& q, VectorSink* sink, RangeResult* out);

// Point gets of many (entity, timestamp) keys of one space with MultiGet (a chunk of keys at a
// time, all from one snapshot). found[i] says whether keys[i] is stored; the found vectors are
// appended to `sink` in key order, all of one dimension (*dim, 0 when none was found).
struct PointKey {
  uint64_t entity;
  int64_t ts;
};
Status GetVectors(Store& s, uint32_t space, const std::vector<PointKey>& keys, VectorSink* sink,
                  std::vector<uint8_t>* found, uint32_t* dim, const rocksdb::Snapshot* snapshot);

// As-of read: the point of (entity, space) with the greatest timestamp in [min_ts, at], by one
// SeekForPrev. Returns the iterator positioned on it, with *ts and *value (pinned by the
// iterator: valid while it lives, which must end before the store is left); nullptr when
// there is none or on error (*status).
std::unique_ptr<rocksdb::Iterator> SeekAsOf(Store& s, uint64_t entity, uint32_t space, int64_t at, int64_t min_ts,
                                            int64_t* ts, rocksdb::Slice* value, Status* status,
                                            const rocksdb::Snapshot* snapshot);

// The corruption of a stored vector of the wrong size; `what` names it ("get: stored vector of
// entity 7"), `want` is the size expected (0: any whole, non-zero number of f32).
Status BadVectorSize(const std::string& what, size_t size, size_t want);

// Batch as-of read (getManyAsOf): for each key, the point of (entity, space) with the greatest
// timestamp in [min_ts, at]. `dim` is the space's dimension (Store::SpaceDim; 0 answers every key
// not found). Row i of the answer goes to `out`: found[i] 0 or 1, timestamps[i] (0 where not
// found) and dim floats at vectors + i·dim·4 (zeros where not found); every byte of the three is
// written. One iterator for the whole call (one SeekForPrev per key), so the answer is from one
// moment; `snapshot` (nullptr: the latest state) is that moment when given.
struct AsOfKey {
  uint64_t entity;
  int64_t at;
  int64_t min_ts;
};
struct AsOfRows {
  uint8_t* found;
  int64_t* timestamps;
  char* vectors;
};
Status GetManyAsOf(Store& s, uint32_t space, const std::vector<AsOfKey>& keys, uint32_t dim, const AsOfRows& out,
                   const rocksdb::Snapshot* snapshot);

// The raw CBOR timeline record (decoded in TypeScript); *found false when absent.
Status GetTimelineRecord(Store& s, uint64_t entity, uint32_t space, std::string* record, bool* found,
                         const rocksdb::Snapshot* snapshot);

}  // namespace cvx
