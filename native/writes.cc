// Write path: put, putMany, coalesced put groups, delete and deleteRange. The timeline
// read-modify-write happens under the store's write mutex and lands in the same WriteBatch as
// the vectors, so a point and its timeline are never written apart and an overwrite never
// counts a point twice.
#include <cstring>
#include <map>
#include <string_view>
#include <memory>
#include <unordered_set>

#include <rocksdb/write_batch.h>

#include "engine.h"
#include "write_shared.h"

namespace cvx {

Status LoadTimeline(Store& s, const rocksdb::Slice& prefix, Timeline* tl, bool* found) {
  rocksdb::PinnableSlice value;
  rocksdb::Status st = s.db()->Get(rocksdb::ReadOptions(), s.timelines_cf(), prefix, &value);
  if (st.IsNotFound()) { *found = false; return Status::Ok(); }
  if (!st.ok()) return Status::FromRocks(st, "reading timeline");
  if (!DecodeTimeline(value, tl)) {
    return Status::Make(Code::kCorruption, "undecodable timeline record for entity " +
                                               std::to_string(GetBE64(prefix.data())) + " space " +
                                               std::to_string(GetBE32(prefix.data() + 8)));
  }
  *found = true;
  return Status::Ok();
}

Status KeyExists(Store& s, const rocksdb::Slice& key, bool* exists) {
  rocksdb::PinnableSlice value;
  rocksdb::Status st = s.db()->Get(rocksdb::ReadOptions(), s.vectors_cf(), key, &value);
  if (st.IsNotFound()) { *exists = false; return Status::Ok(); }
  if (!st.ok()) return Status::FromRocks(st, "reading vector");
  *exists = true;
  return Status::Ok();
}

Status CheckWritable(Store& s) {
  if (s.options().read_only) return Status::Make(Code::kReadOnly, "the store was opened with readOnly: true");
  return Status::Ok();
}

namespace {

// First or last timestamp still stored under `prefix` once `gone` is removed, found by
// stepping from `gone` in the given direction within the prefix.
Status Neighbour(Store& s, const std::string& gone, bool forward, int64_t* ts, bool* found) {
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(s.db()->NewIterator(ro, s.vectors_cf()));
  if (forward) it->Seek(gone); else it->SeekForPrev(gone);
  *found = false;
  for (; it->Valid(); forward ? it->Next() : it->Prev()) {
    rocksdb::Slice k = it->key();
    if (k.size() != kKeySize || memcmp(k.data(), gone.data(), kPrefixSize) != 0) break;
    if (k == gone) continue;
    *ts = DecodeKeyTimestamp(k.data());
    *found = true;
    break;
  }
  return Status::FromRocks(it->status(), "scanning timeline bounds");
}

// Accumulates points into one WriteBatch. Add() either folds a point in completely or
// refuses it leaving the builder untouched, which is what lets a coalesced group refuse
// one caller's point without failing its neighbours.
class BatchBuilder {
 public:
  explicit BatchBuilder(Store& s) : s_(s) {}

  Status Add(uint32_t space, const PointIn& p, const std::string& who) {
    const uint32_t d = static_cast<uint32_t>(p.value.size() / 4);
    auto dim_it = new_dims_.find(space);
    const uint32_t known = dim_it != new_dims_.end() ? dim_it->second : s_.SpaceDim(space);
    if (known && d != known) {
      return Status::Make(Code::kDimensionMismatch, who + " has dimension " + std::to_string(d) + " but space " +
                                                        std::to_string(space) + " holds vectors of dimension " +
                                                        std::to_string(known));
    }
    Key key;
    EncodeKey(key.bytes, p.entity, space, p.ts);
    rocksdb::Slice k(key.bytes, kKeySize);
    std::string prefix(key.bytes, kPrefixSize);
    auto tit = timelines_.find(prefix);
    Pending loaded{};
    if (tit == timelines_.end()) {
      Status ls = LoadTimeline(s_, rocksdb::Slice(prefix), &loaded.tl, &loaded.exists);
      if (!ls.ok()) return ls;
      if (!loaded.exists) loaded.tl = Timeline{p.entity, space, p.ts, p.ts, 0, s_.options().keyframe_interval};
    }
    const bool stored_timeline = tit != timelines_.end() ? tit->second.exists : loaded.exists;
    bool exists = written_.count(key) > 0;
    if (!exists && stored_timeline) {
      // Without a stored timeline no stored point can exist (they are written together),
      // which spares new entities the lookup.
      Status es = KeyExists(s_, k, &exists);
      if (!es.ok()) return es;
    }
    // Nothing below can fail: from here the point is part of the batch.
    if (tit == timelines_.end()) tit = timelines_.emplace(std::move(prefix), loaded).first;
    if (!known) new_dims_.emplace(space, d);
    Timeline& tl = tit->second.tl;
    if (!exists) {
      tl.point_count += 1;
      if (p.ts < tl.first_seen) tl.first_seen = p.ts;
      if (p.ts > tl.last_seen) tl.last_seen = p.ts;
    }
    batch_.Put(s_.vectors_cf(), k, p.value);
    written_.insert(key);
    return Status::Ok();
  }

  bool empty() const { return written_.empty(); }

  Status Commit() {
    for (const auto& [prefix, pending] : timelines_) {
      batch_.Put(s_.timelines_cf(), prefix, EncodeTimeline(pending.tl));
    }
    for (const auto& [space, dim] : new_dims_) batch_.Put(s_.system_cf(), SpaceKey(space), EncodeSpaceRecord(dim));
    Status st = s_.Write(&batch_, "writing batch");
    if (st.ok()) {
      for (const auto& [space, dim] : new_dims_) s_.SetSpaceDim(space, dim);
    }
    return st;
  }

 private:
  struct Key {
    char bytes[kKeySize];
    bool operator==(const Key& o) const { return memcmp(bytes, o.bytes, kKeySize) == 0; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return std::hash<std::string_view>()(std::string_view(k.bytes, kKeySize)); }
  };
  struct Pending {
    Timeline tl;
    bool exists;
  };

  Store& s_;
  rocksdb::WriteBatch batch_;
  // std::map keeps timelines in key order, which RocksDB's memtable insert prefers.
  std::map<std::string, Pending> timelines_;
  std::unordered_set<Key, KeyHash> written_;
  std::map<uint32_t, uint32_t> new_dims_;
};

std::string PointName(const char* name, size_t i, size_t n) {
  if (n == 1 && std::string(name) == "point") return "point.vector";
  return std::string(name) + "[" + std::to_string(i) + "].vector";
}

}  // namespace

Status PutPoints(Store& s, uint32_t space, const std::vector<PointIn>& points, const char* name) {
  Status w = CheckWritable(s);
  if (!w.ok()) return w;
  if (points.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(s.write_mutex());
  BatchBuilder b(s);
  for (size_t i = 0; i < points.size(); ++i) {
    Status st = b.Add(space, points[i], PointName(name, i, points.size()));
    if (!st.ok()) return st;
  }
  return b.Commit();
}

Status PutGroup(Store& s, const std::vector<GroupPut>& puts, std::vector<Status>* results) {
  results->assign(puts.size(), Status::Ok());
  Status w = CheckWritable(s);
  if (!w.ok()) {
    results->assign(puts.size(), w);
    return Status::Ok();
  }
  std::lock_guard<std::mutex> lock(s.write_mutex());
  BatchBuilder b(s);
  for (size_t i = 0; i < puts.size(); ++i) (*results)[i] = b.Add(puts[i].space, puts[i].point, "point.vector");
  if (b.empty()) return Status::Ok();
  Status st = b.Commit();
  if (!st.ok()) {
    for (auto& r : *results) {
      if (r.ok()) r = st;
    }
  }
  return Status::Ok();
}

Status DeletePoint(Store& s, uint64_t entity, uint32_t space, int64_t ts, bool* removed) {
  Status w = CheckWritable(s);
  if (!w.ok()) return w;
  std::lock_guard<std::mutex> lock(s.write_mutex());
  std::string key(kKeySize, '\0');
  EncodeKey(key.data(), entity, space, ts);
  bool exists = false;
  Status es = KeyExists(s, key, &exists);
  if (!es.ok()) return es;
  *removed = exists;
  if (!exists) return Status::Ok();

  rocksdb::WriteBatch batch;
  batch.Delete(s.vectors_cf(), key);
  rocksdb::Slice prefix(key.data(), kPrefixSize);
  Timeline tl;
  bool found = false;
  Status ls = LoadTimeline(s, prefix, &tl, &found);
  if (!ls.ok()) return ls;
  if (found) {
    if (tl.point_count <= 1) {
      batch.Delete(s.timelines_cf(), prefix);
    } else {
      tl.point_count -= 1;
      bool any = false;
      if (ts == tl.first_seen) {
        Status ns = Neighbour(s, key, true, &tl.first_seen, &any);
        if (!ns.ok()) return ns;
      }
      if (ts == tl.last_seen) {
        Status ns = Neighbour(s, key, false, &tl.last_seen, &any);
        if (!ns.ok()) return ns;
      }
      batch.Put(s.timelines_cf(), prefix, EncodeTimeline(tl));
    }
  }
  return s.Write(&batch, "writing delete");
}

Status DeletePointRange(Store& s, uint64_t entity, uint32_t space, int64_t start, int64_t end, uint64_t* removed) {
  Status w = CheckWritable(s);
  if (!w.ok()) return w;
  *removed = 0;
  // An empty window removes nothing: a tombstone from above its end must never be issued.
  if (start > end) return Status::Ok();
  std::lock_guard<std::mutex> lock(s.write_mutex());
  std::string lo(kKeySize, '\0'), hi(kKeySize, '\0');
  EncodeKey(lo.data(), entity, space, start);
  EncodeKey(hi.data(), entity, space, end);

  // Count exactly what the tombstone will cover; the write mutex keeps it exact.
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(s.db()->NewIterator(ro, s.vectors_cf()));
  uint64_t count = 0;
  for (it->Seek(lo); it->Valid(); it->Next()) {
    rocksdb::Slice k = it->key();
    if (k.size() != kKeySize || memcmp(k.data(), lo.data(), kPrefixSize) != 0) break;
    if (k.compare(hi) > 0) break;
    ++count;
  }
  Status is = Status::FromRocks(it->status(), "deleteRange: counting points");
  if (!is.ok()) return is;
  *removed = count;
  if (count == 0) return Status::Ok();

  rocksdb::WriteBatch batch;
  // [lo, hi) as one tombstone plus hi itself: no key exists past the maximum timestamp.
  if (lo != hi) batch.DeleteRange(s.vectors_cf(), lo, hi);
  batch.Delete(s.vectors_cf(), hi);
  rocksdb::Slice prefix(lo.data(), kPrefixSize);
  Timeline tl;
  bool found = false;
  Status ls = LoadTimeline(s, prefix, &tl, &found);
  if (!ls.ok()) return ls;
  if (found) {
    if (count >= tl.point_count) {
      batch.Delete(s.timelines_cf(), prefix);
    } else {
      tl.point_count -= count;
      bool any = false;
      if (start <= tl.first_seen) {
        Status ns = Neighbour(s, hi, true, &tl.first_seen, &any);
        if (!ns.ok()) return ns;
      }
      if (end >= tl.last_seen) {
        Status ns = Neighbour(s, lo, false, &tl.last_seen, &any);
        if (!ns.ok()) return ns;
      }
      batch.Put(s.timelines_cf(), prefix, EncodeTimeline(tl));
    }
  }
  return s.Write(&batch, "writing deleteRange");
}

}  // namespace cvx
