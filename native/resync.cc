// See resync.h. Each column family is walked in key order on both sides at once: a replica key
// the view lacks is deleted, a view key the replica lacks or holds with other bytes is put. So a
// replica that is almost equal (a resync after a short gap, or again after a killed resync)
// writes little, and the result does not depend on what the replica held before.
#include "resync.h"

#include <memory>

#include "change_feed.h"

namespace cvx {
namespace {

constexpr size_t kBatchBytes = 4 << 20;  // a write batch of the copy: bounded memtable/WAL steps

// The replica's own bookkeeping records: neither copied from the view nor deleted by the walk.
bool Own(int cf, const rocksdb::Slice& k) {
  return cf == 0 && (k == rocksdb::Slice(kAppliedKey) || k == rocksdb::Slice(kResyncKey));
}

rocksdb::ColumnFamilyHandle* Family(const Store& s, int cf) {
  return cf == 0 ? s.system_cf() : cf == 1 ? s.vectors_cf() : s.timelines_cf();
}

class Writer {
 public:
  explicit Writer(Store& s) : s_(s) {}
  rocksdb::WriteBatch batch;
  Status Flush(bool always = false) {
    if (batch.Count() == 0 || (!always && batch.GetDataSize() < kBatchBytes)) return Status::Ok();
    Status st = s_.Write(&batch, "resyncFrom: writing the replica");
    batch.Clear();
    return st;
  }

 private:
  Store& s_;
};

Status WalkFamily(Store& dst, const ReadSnapshot& view, int cf, Writer* w) {
  Store& src = view.store();
  rocksdb::ColumnFamilyHandle* to = Family(dst, cf);
  rocksdb::ReadOptions sro;
  sro.snapshot = view.get();
  sro.fill_cache = false;
  rocksdb::ReadOptions dro;
  dro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> a(src.db()->NewIterator(sro, Family(src, cf)));
  std::unique_ptr<rocksdb::Iterator> b(dst.db()->NewIterator(dro, to));
  const rocksdb::Comparator* cmp = to->GetComparator();
  a->SeekToFirst();
  b->SeekToFirst();
  while (a->Valid() || b->Valid()) {
    const int c = !a->Valid() ? 1 : !b->Valid() ? -1 : cmp->Compare(a->key(), b->key());
    if (c > 0) {  // only the replica holds it
      if (!Own(cf, b->key())) w->batch.Delete(to, b->key());
      b->Next();
    } else {
      if (!Own(cf, a->key()) && (c < 0 || a->value() != b->value())) w->batch.Put(to, a->key(), a->value());
      if (c == 0) b->Next();
      a->Next();
    }
    Status st = w->Flush();
    if (!st.ok()) return st;
  }
  if (!a->status().ok()) return Status::FromRocks(a->status(), "resyncFrom: reading the source");
  return Status::FromRocks(b->status(), "resyncFrom: reading the replica");
}

}  // namespace

Status ResyncPending(Store& replica, bool* pending) {
  std::string v;
  const rocksdb::Status rs = replica.db()->Get(rocksdb::ReadOptions(), replica.system_cf(), kResyncKey, &v);
  *pending = rs.ok();
  return rs.ok() || rs.IsNotFound() ? Status::Ok() : Status::FromRocks(rs, "resyncPending");
}

Status Resync(Store& dst, const ReadSnapshot& view, uint64_t* seq) {
  if (dst.options().read_only) return Status::Make(Code::kReadOnly, "resyncFrom: the replica was opened read-only");
  Store& src = view.store();
  if (&src == &dst || src.path() == dst.path()) {
    return Status::Make(Code::kInvalidArgument, "resyncFrom: source is the replica itself");
  }
  // A secondary's view is held at its last catch-up (snapshot.h): its latest sequence is the view's.
  *seq = view.get() ? view.get()->GetSequenceNumber() : src.db()->GetLatestSequenceNumber();
  std::lock_guard<std::mutex> lock(dst.write_mutex());
  Writer w(dst);
  // First, in one batch: forget the applied sequence and say a resync is under way. A kill from
  // here on leaves a replica no feed is applied to until a resync finishes.
  w.batch.Delete(dst.system_cf(), kAppliedKey);
  w.batch.Put(dst.system_cf(), kResyncKey, "");
  Status st = w.Flush(true);
  for (int cf = 0; st.ok() && cf < 3; ++cf) st = WalkFamily(dst, view, cf, &w);
  if (st.ok()) st = w.Flush(true);
  if (!st.ok()) return st;
  std::string applied(8, '\0');
  for (int i = 7; i >= 0; --i) applied[7 - i] = static_cast<char>((*seq >> (8 * i)) & 0xff);
  w.batch.Delete(dst.system_cf(), kResyncKey);
  w.batch.Put(dst.system_cf(), kAppliedKey, applied);
  st = w.Flush(true);
  if (!st.ok()) return st;
  std::unordered_map<uint32_t, uint32_t> dims;
  st = ReadSpaceDims(dst, rocksdb::ReadOptions(), &dims, "resyncFrom");
  if (st.ok()) dst.ReplaceSpaceDims(dims);
  return st;
}

}  // namespace cvx
