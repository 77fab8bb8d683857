// See raw.h.
#include "raw.h"

#include <rocksdb/write_batch.h>

namespace cvx {

bool IsReservedKey(Store& s, rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key) {
  return cf == s.system_cf() && key.starts_with(kReservedPrefix);
}

Status CheckRawWrite(Store& s, rocksdb::ColumnFamilyHandle* cf, const std::string& key, const std::string& what) {
  if (s.options().read_only) return Status::Make(Code::kReadOnly, "the store was opened with readOnly: true");
  if (cf != s.system_cf()) {
    return Status::Make(Code::kReadOnly, "the " + cf->GetName() +
                                             " column family is read-only through the key-value adapter; "
                                             "write points with HotStore so timelines stay exact");
  }
  if (rocksdb::Slice(key).starts_with(kReservedPrefix)) {
    return Status::Make(Code::kInvalidArgument,
                        what + " starts with \"cvx:\", a prefix reserved for the store's own records");
  }
  return Status::Ok();
}

Status RawGetMany(Store& s, rocksdb::ColumnFamilyHandle* cf, const std::vector<std::string>& keys,
                  std::vector<std::optional<std::string>>* out) {
  out->assign(keys.size(), std::nullopt);
  if (keys.empty()) return Status::Ok();
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  rocksdb::ReadOptions ro;  // MultiGet reads all keys from one implicit snapshot
  s.db()->MultiGet(ro, cf, keys.size(), slices.data(), values.data(), statuses.data());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound() || IsReservedKey(s, cf, slices[i])) continue;
    if (!statuses[i].ok()) return Status::FromRocks(statuses[i], "get");
    (*out)[i] = values[i].ToString();
  }
  return Status::Ok();
}

Status RawWrite(Store& s, rocksdb::ColumnFamilyHandle* cf, const std::vector<RawOp>& ops) {
  rocksdb::WriteBatch batch;
  for (const RawOp& op : ops) {
    rocksdb::Status st = op.put ? batch.Put(cf, op.key, op.value) : batch.Delete(cf, op.key);
    if (!st.ok()) return Status::FromRocks(st, "batch");
  }
  return s.Write(&batch, "write");
}

Status RawClear(Store& s, rocksdb::ColumnFamilyHandle* cf, const CursorRange& range, uint64_t limit) {
  if (s.options().read_only) return Status::Make(Code::kReadOnly, "the store was opened with readOnly: true");
  if (cf != s.system_cf()) {
    return Status::Make(Code::kReadOnly, "the " + cf->GetName() + " column family is read-only through the key-value adapter");
  }
  CursorRange r = range;
  r.hidden_prefix = kReservedPrefix;
  Cursor cursor(s, cf, r, nullptr);
  uint64_t removed = 0;
  for (;;) {
    std::vector<std::string> keys, unused;
    bool ended = false;
    size_t want = 1000;
    if (limit && limit - removed < want) want = static_cast<size_t>(limit - removed);
    if (want == 0) break;
    Status st = cursor.Next(want, SIZE_MAX, true, false, &keys, &unused, &ended);
    if (!st.ok()) return st;
    if (!keys.empty()) {
      rocksdb::WriteBatch batch;
      for (const auto& k : keys) batch.Delete(cf, k);
      st = s.Write(&batch, "clear");
      if (!st.ok()) return st;
      removed += keys.size();
    }
    if (ended) break;
  }
  return Status::Ok();
}

}  // namespace cvx
