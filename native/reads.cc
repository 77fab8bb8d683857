// Read path: point get, prefix-bounded range iteration, timeline record fetch.
#include <cstring>
#include <memory>

#include "engine.h"

namespace cvx {

Status GetVector(Store& s, uint64_t entity, uint32_t space, int64_t ts, std::string* value, bool* found) {
  char key[kKeySize];
  EncodeKey(key, entity, space, ts);
  rocksdb::Status st = s.db()->Get(rocksdb::ReadOptions(), s.vectors_cf(), rocksdb::Slice(key, kKeySize), value);
  if (st.IsNotFound()) { *found = false; return Status::Ok(); }
  if (!st.ok()) return Status::FromRocks(st, "get");
  if (value->empty() || value->size() % 4 != 0) {
    return Status::Make(Code::kCorruption, "get: stored vector of entity " + std::to_string(entity) + " has " +
                                               std::to_string(value->size()) + " bytes, not a whole number of f32");
  }
  *found = true;
  return Status::Ok();
}

Status RangeScan(Store& s, const RangeQuery& q, RangeResult* out) {
  char lo[kKeySize], hi[kKeySize];
  EncodeKey(lo, q.entity, q.space, q.start);
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
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
  const size_t hint = q.limit ? static_cast<size_t>(q.limit) : 0;
  if (hint && hint < 1 << 20) out->timestamps.reserve(hint);
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
    if (out->timestamps.empty()) {
      if (v.size() == 0 || v.size() % 4 != 0) {
        return Status::Make(Code::kCorruption, "range: stored vector at timestamp " + std::to_string(ts) + " has " +
                                                   std::to_string(v.size()) + " bytes");
      }
      out->dim = static_cast<uint32_t>(v.size() / 4);
      out->vectors.reserve(v.size() * (hint ? hint : 64));
    } else if (v.size() != out->dim * 4ULL) {
      return Status::Make(Code::kCorruption, "range: stored vector at timestamp " + std::to_string(ts) + " has " +
                                                 std::to_string(v.size()) + " bytes, expected " +
                                                 std::to_string(out->dim * 4ULL));
    }
    out->timestamps.push_back(ts);
    out->vectors.append(v.data(), v.size());
    if (q.limit && out->timestamps.size() >= q.limit) break;
  }
  return Status::FromRocks(it->status(), "range");
}

Status GetTimelineRecord(Store& s, uint64_t entity, uint32_t space, std::string* record, bool* found) {
  char prefix[kPrefixSize];
  EncodePrefix(prefix, entity, space);
  rocksdb::Status st =
      s.db()->Get(rocksdb::ReadOptions(), s.timelines_cf(), rocksdb::Slice(prefix, kPrefixSize), record);
  if (st.IsNotFound()) { *found = false; return Status::Ok(); }
  *found = st.ok();
  return Status::FromRocks(st, "getTimeline");
}

}  // namespace cvx
