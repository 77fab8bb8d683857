// Write path: put/putMany/delete. The timeline read-modify-write happens under the
// store's write mutex and lands in the same WriteBatch as the vectors, which is what the
// seed got wrong (two writes, and a count that grew on overwrite).
#include <cstring>
#include <map>
#include <memory>
#include <unordered_set>

#include <rocksdb/write_batch.h>

#include "engine.h"

namespace cvx {
namespace {

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

}  // namespace

Status PutPoints(Store& s, uint32_t space, const std::vector<PointIn>& points, const char* name) {
  Status w = CheckWritable(s);
  if (!w.ok()) return w;
  if (points.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(s.write_mutex());

  const uint32_t known = s.SpaceDim(space);
  const uint32_t dim = known ? known : static_cast<uint32_t>(points[0].value.size() / 4);
  for (size_t i = 0; i < points.size(); ++i) {
    const uint32_t d = static_cast<uint32_t>(points[i].value.size() / 4);
    if (d != dim) {
      std::string who = points.size() == 1 && std::string(name) == "point"
          ? std::string("point.vector")
          : std::string(name) + "[" + std::to_string(i) + "].vector";
      return Status::Make(Code::kDimensionMismatch,
                          who + " has dimension " + std::to_string(d) + " but space " + std::to_string(space) +
                              (known ? " holds vectors of dimension " : " is being created with dimension ") +
                              std::to_string(dim));
    }
  }

  rocksdb::WriteBatch batch;
  // std::map keeps timelines in key order, which RocksDB's memtable insert prefers.
  struct Pending { Timeline tl; bool exists; };
  std::map<std::string, Pending> timelines;
  std::unordered_set<std::string> written;
  if (points.size() > 1) written.reserve(points.size() * 2);
  char key[kKeySize];
  for (const PointIn& p : points) {
    EncodeKey(key, p.entity, space, p.ts);
    rocksdb::Slice k(key, kKeySize);
    std::string prefix(key, kPrefixSize);
    auto tit = timelines.find(prefix);
    if (tit == timelines.end()) {
      Pending pending{};
      Status ls = LoadTimeline(s, rocksdb::Slice(prefix), &pending.tl, &pending.exists);
      if (!ls.ok()) return ls;
      if (!pending.exists) {
        pending.tl = Timeline{p.entity, space, p.ts, p.ts, 0, s.options().keyframe_interval};
      }
      tit = timelines.emplace(std::move(prefix), pending).first;
    }
    bool exists = false;
    if (points.size() > 1 && written.count(k.ToString())) {
      exists = true;
    } else if (tit->second.exists) {
      // Without a stored timeline no stored point can exist (they are written together),
      // which spares new entities the lookup.
      Status es = KeyExists(s, k, &exists);
      if (!es.ok()) return es;
    }
    Timeline& tl = tit->second.tl;
    if (!exists) {
      tl.point_count += 1;
      if (p.ts < tl.first_seen) tl.first_seen = p.ts;
      if (p.ts > tl.last_seen) tl.last_seen = p.ts;
    }
    batch.Put(s.vectors_cf(), k, p.value);
    if (points.size() > 1) written.insert(k.ToString());
  }
  for (const auto& [prefix, pending] : timelines) {
    batch.Put(s.timelines_cf(), prefix, EncodeTimeline(pending.tl));
  }
  if (!known) batch.Put(s.system_cf(), SpaceKey(space), EncodeSpaceRecord(dim));
  Status st = Status::FromRocks(s.db()->Write(s.write_options(), &batch), "writing batch");
  if (st.ok() && !known) s.SetSpaceDim(space, dim);
  return st;
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
  return Status::FromRocks(s.db()->Write(s.write_options(), &batch), "writing delete");
}

Status DeletePointRange(Store& s, uint64_t entity, uint32_t space, int64_t start, int64_t end, uint64_t* removed) {
  Status w = CheckWritable(s);
  if (!w.ok()) return w;
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
  return Status::FromRocks(s.db()->Write(s.write_options(), &batch), "writing deleteRange");
}

}  // namespace cvx
