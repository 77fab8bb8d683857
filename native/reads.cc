// Read path: point get, prefix-bounded range iteration, the as-of seek, timeline record fetch.
#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>

#include <rocksdb/snapshot.h>

#include "engine.h"
#include "nowait_fs.h"
#include "options.h"

namespace cvx {

namespace {

// Every read that returns vectors checks their size the same way: the first of a result must be
// a whole, non-zero number of f32 and fixes *want; every later one must match it.
bool VectorSizeOk(size_t size, size_t* want) {
  if (*want) return size == *want;
  if (size == 0 || size % 4 != 0) return false;
  *want = size;
  return true;
}

}  // namespace

// The corruption VectorSizeOk found (engine.h).
Status BadVectorSize(const std::string& what, size_t size, size_t want) {
  return Status::Make(Code::kCorruption, what + " has " + std::to_string(size) + " bytes, " +
                                             (want ? "expected " + std::to_string(want) : "not a whole number of f32"));
}

namespace {

Status GetWith(Store& s, const rocksdb::ReadOptions& ro, uint64_t entity, uint32_t space, int64_t ts,
               rocksdb::PinnableSlice* value, bool* found, bool* answered) {
  char key[kKeySize];
  EncodeKey(key, entity, space, ts);
  rocksdb::Status st = s.db()->Get(ro, s.vectors_cf(), rocksdb::Slice(key, kKeySize), value);
  *answered = !st.IsIncomplete();
  if (!*answered) return Status::Ok();
  if (st.IsNotFound()) { *found = false; return Status::Ok(); }
  if (!st.ok()) return Status::FromRocks(st, "get");
  size_t want = 0;
  if (!VectorSizeOk(value->size(), &want)) {
    const size_t bytes = value->size();
    value->Reset();
    return BadVectorSize("get: stored vector of entity " + std::to_string(entity), bytes, 0);
  }
  *found = true;
  return Status::Ok();
}

}  // namespace

Status GetVector(Store& s, uint64_t entity, uint32_t space, int64_t ts, rocksdb::PinnableSlice* value, bool* found,
                 const rocksdb::Snapshot* snapshot) {
  bool answered = false;
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  return GetWith(s, ro, entity, space, ts, value, found, &answered);
}

// The whole read, on the calling thread, with every table-file read made without waiting
// (nowait_fs.h): a block in the block cache or the OS page cache answers here; one that needs
// the disk leaves *answered false, and the caller reads again on the pool. (Until 2026-12-03 this
// read the block cache alone, kBlockCacheTier: with the default 8 MiB cache nearly every get of a
// store larger than that went to the pool, docs/performance.md "Async point reads".)
Status GetVectorCached(Store& s, uint64_t entity, uint32_t space, int64_t ts, rocksdb::PinnableSlice* value,
                       bool* found, bool* answered, const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  NoWaitScope nowait;
  Status st = GetWith(s, ro, entity, space, ts, value, found, answered);
  if (nowait.would_block()) {
    value->Reset();
    *found = false;
    *answered = false;
    return Status::Ok();
  }
  return st;
}

// An upper bound on the points a range can return, from the timeline's exact count, the
// limit and the width of the window (timestamps are distinct integers), so the result
// buffers are sized once instead of grown (each growth copies everything read so far).
// Large reservations cost no page faults until written.
size_t ExpectedPoints(Store& s, const RangeQuery& q) {
  constexpr size_t kCap = 1 << 20;
  size_t n = q.limit ? static_cast<size_t>(std::min<uint64_t>(q.limit, kCap)) : kCap;
  char prefix[kPrefixSize];
  EncodePrefix(prefix, q.entity, q.space);
  rocksdb::PinnableSlice rec;
  Timeline tl;
  rocksdb::ReadOptions ro;
  ro.snapshot = q.snapshot;
  if (s.db()->Get(ro, s.timelines_cf(), rocksdb::Slice(prefix, kPrefixSize), &rec).ok() &&
      DecodeTimeline(rec, &tl)) {
    n = std::min<size_t>(n, tl.point_count);
    const int64_t lo = std::max(q.start, tl.first_seen), hi = std::min(q.end, tl.last_seen);
    if (lo > hi) return 1;
    // Unsigned arithmetic: the width of [lo, hi] fits in 64 bits; only the +1 can wrap.
    const uint64_t width = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    if (width < kCap) n = std::min<size_t>(n, width + 1);
  } else {
    n = std::min<size_t>(n, 64);
  }
  return std::max<size_t>(n, 1);
}

Status RangeScan(Store& s, const RangeQuery& q, VectorSink* sink, RangeResult* out) {
  // An empty window: the iterator's lower bound would lie above its upper bound, which
  // RocksDB does not define.
  if (q.start > q.end) return Status::Ok();
  char lo[kKeySize], hi[kKeySize];
  EncodeKey(lo, q.entity, q.space, q.start);
  const size_t hint = ExpectedPoints(s, q);
  rocksdb::ReadOptions ro = RangeReadOptions(hint);
  ro.snapshot = q.snapshot;
  // The exclusive upper bound prefix+(end+1) shares the prefix, so it binds under the
  // prefix extractor; at end == INT64_MAX there is no such key and prefix_same_as_start
  // alone stops the scan.
  rocksdb::Slice lower(lo, kKeySize), upper;
  const bool bounded = q.end != INT64_MAX;
  if (bounded) {
    EncodeKey(hi, q.entity, q.space, q.end + 1);
    upper = rocksdb::Slice(hi, kKeySize);
    ro.iterate_upper_bound = &upper;
  }
  ro.iterate_lower_bound = &lower;
  std::unique_ptr<rocksdb::Iterator> it(s.db()->NewIterator(ro, s.vectors_cf()));
  if (q.reverse) {
    char last[kKeySize];
    EncodeKey(last, q.entity, q.space, q.end);
    it->SeekForPrev(rocksdb::Slice(last, kKeySize));
  } else {
    it->Seek(lower);
  }
  out->timestamps.reserve(hint);
  size_t vector_bytes = 0;  // fixed by the first vector (VectorSizeOk)
  for (; it->Valid(); q.reverse ? it->Prev() : it->Next()) {
    rocksdb::Slice k = it->key();
    if (k.size() < kPrefixSize || memcmp(k.data(), lo, kPrefixSize) != 0) break;
    if (k.size() != kKeySize) {
      // Inside our prefix yet not a key we write: stopping here would silently truncate.
      return Status::Make(Code::kCorruption, "range: a " + std::to_string(k.size()) +
                                                 "-byte key inside the entity's prefix is not a vector key");
    }
    const int64_t ts = DecodeKeyTimestamp(k.data());
    if (ts < q.start || ts > q.end) break;
    rocksdb::Slice v = it->value();
    const bool first = out->timestamps.empty();
    if (!VectorSizeOk(v.size(), &vector_bytes)) {
      return BadVectorSize("range: stored vector at timestamp " + std::to_string(ts), v.size(), vector_bytes);
    }
    if (first) {
      out->dim = static_cast<uint32_t>(vector_bytes / 4);
      // Capped so a long series queried for a short range cannot ask for gigabytes up front.
      sink->Expect(std::min<size_t>(vector_bytes * hint, size_t{64} << 20));
    }
    if (!sink->Append(v.data(), v.size())) return Status::Make(Code::kInvalidArgument, kOutOfRoom);
    out->timestamps.push_back(ts);
    if (q.limit && out->timestamps.size() >= q.limit) break;
  }
  return Status::FromRocks(it->status(), "range");
}

std::unique_ptr<rocksdb::Iterator> SeekAsOf(Store& s, uint64_t entity, uint32_t space, int64_t at, int64_t min_ts,
                                            int64_t* ts, rocksdb::Slice* value, Status* status,
                                            const rocksdb::Snapshot* snapshot) {
  *status = Status::Ok();
  if (min_ts > at) return nullptr;  // an empty window (lib/ never sends one)
  char lo[kKeySize], target[kKeySize];
  EncodeKey(lo, entity, space, min_ts);
  EncodeKey(target, entity, space, at);
  // The prefix read options of a range (prefix bloom, prefix_same_as_start) and a lower bound
  // at the window's oldest key: one SeekForPrev lands on the answer, or leaves the window,
  // whatever the length of the entity's history or the tombstones below the window.
  rocksdb::ReadOptions ro = RangeReadOptions(1);
  ro.snapshot = snapshot;
  rocksdb::Slice lower(lo, kKeySize);
  ro.iterate_lower_bound = &lower;
  std::unique_ptr<rocksdb::Iterator> it(s.db()->NewIterator(ro, s.vectors_cf()));
  it->SeekForPrev(rocksdb::Slice(target, kKeySize));
  if (!it->Valid()) {
    *status = Status::FromRocks(it->status(), "getAsOf");
    return nullptr;
  }
  rocksdb::Slice k = it->key();
  if (k.size() < kPrefixSize || memcmp(k.data(), lo, kPrefixSize) != 0) return nullptr;
  if (k.size() != kKeySize) {
    *status = Status::Make(Code::kCorruption, "getAsOf: a " + std::to_string(k.size()) +
                                                  "-byte key inside the entity's prefix is not a vector key");
    return nullptr;
  }
  *ts = DecodeKeyTimestamp(k.data());
  if (*ts < min_ts || *ts > at) return nullptr;
  *value = it->value();
  size_t want = 0;
  if (!VectorSizeOk(value->size(), &want)) {
    *status = BadVectorSize("getAsOf: stored vector of entity " + std::to_string(entity) + " at timestamp " +
                                std::to_string(*ts),
                            value->size(), 0);
    return nullptr;
  }
  return it;
}

Status GetVectors(Store& s, uint32_t space, const std::vector<PointKey>& keys, VectorSink* sink,
                  std::vector<uint8_t>* found, uint32_t* dim, const rocksdb::Snapshot* snapshot) {
  // Keys go to MultiGet a chunk at a time, from one snapshot: each value pins its block until
  // it is copied out, so one huge call must not pin a block per key all at once.
  constexpr size_t kChunk = 1024;
  const size_t n = keys.size();
  found->assign(n, 0);
  *dim = 0;
  if (n == 0) return Status::Ok();
  rocksdb::ReadOptions ro;  // one chunk's MultiGet reads from one implicit snapshot already
  ro.snapshot = snapshot;
  std::optional<rocksdb::ManagedSnapshot> own;
  // A secondary refuses snapshots, and needs none: no catch-up runs while this call is admitted.
  if (n > kChunk && !snapshot && !s.secondary()) ro.snapshot = own.emplace(s.db()).snapshot();
  const size_t chunk = std::min(n, kChunk);
  std::vector<char> key_bytes(chunk * kKeySize);
  std::vector<rocksdb::Slice> slices(chunk);
  std::vector<rocksdb::PinnableSlice> values(chunk);
  std::vector<rocksdb::Status> statuses(chunk);
  size_t bytes = 0;
  for (size_t from = 0; from < n; from += kChunk) {
    const size_t m = std::min(kChunk, n - from);
    for (size_t j = 0; j < m; ++j) {
      char* k = key_bytes.data() + j * kKeySize;
      EncodeKey(k, keys[from + j].entity, space, keys[from + j].ts);
      slices[j] = rocksdb::Slice(k, kKeySize);
      values[j].Reset();
    }
    s.db()->MultiGet(ro, s.vectors_cf(), m, slices.data(), values.data(), statuses.data());
    for (size_t j = 0; j < m; ++j) {
      const size_t i = from + j;
      if (statuses[j].IsNotFound()) continue;
      if (!statuses[j].ok()) return Status::FromRocks(statuses[j], "getMany");
      const size_t size = values[j].size();
      const bool first = bytes == 0;
      if (!VectorSizeOk(size, &bytes)) {
        return BadVectorSize("getMany: stored vector of entity " + std::to_string(keys[i].entity), size, bytes);
      }
      if (first) {
        *dim = static_cast<uint32_t>(size / 4);
        // Capped as in RangeScan: the sink grows past it if every key is there.
        sink->Expect(std::min<size_t>(size * (n - i), size_t{64} << 20));
      }
      if (!sink->Append(values[j].data(), size)) return Status::Make(Code::kInvalidArgument, kOutOfRoom);
      (*found)[i] = 1;
    }
  }
  return Status::Ok();
}

Status GetTimelineRecord(Store& s, uint64_t entity, uint32_t space, std::string* record, bool* found,
                         const rocksdb::Snapshot* snapshot) {
  char prefix[kPrefixSize];
  EncodePrefix(prefix, entity, space);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  rocksdb::Status st = s.db()->Get(ro, s.timelines_cf(), rocksdb::Slice(prefix, kPrefixSize), record);
  if (st.IsNotFound()) { *found = false; return Status::Ok(); }
  *found = st.ok();
  return Status::FromRocks(st, "getTimeline");
}

}  // namespace cvx
