// A RocksDB iterator over one column family with abstract-level's range semantics
// (gt/gte/lt/lte, reverse, seek) read from a snapshot taken when it is created (on a
// secondary, which refuses snapshots, from the iterator's own view of that moment). Plain
// C++: the Node-API handle around it lives in js_iterator.cc. A Cursor is a store
// Resource, so Store::Close() frees its iterator and snapshot before RocksDB goes away.
#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "status.h"
#include "store.h"

namespace cvx {

struct CursorRange {
  std::optional<std::string> gt, gte, lt, lte;  // gte wins over gt, lte over lt
  bool reverse = false;
  // Keys starting with this prefix are skipped (the reserved cvx: namespace of default).
  std::string hidden_prefix;
};

class Cursor : public Resource {
 public:
  // Creates the RocksDB iterator and snapshot now (the caller has entered the store),
  // positioned at the start of the range. With `view` (a read view's snapshot, snapshot.h)
  // it reads that moment instead, and takes no snapshot of its own.
  Cursor(Store& s, rocksdb::ColumnFamilyHandle* cf, CursorRange range, const rocksdb::Snapshot* view);
  ~Cursor() override;
  void Release() override;

  // Up to `max` entries (and roughly `max_bytes`), appended to keys/values (values left
  // empty when !want_values). *ended is true once the range is exhausted.
  Status Next(size_t max, size_t max_bytes, bool want_keys, bool want_values, std::vector<std::string>* keys,
              std::vector<std::string>* values, bool* ended);
  // Repositions at the first key >= target (<= target when reverse); a target outside
  // the range ends the cursor, as abstract-level specifies.
  Status Seek(const std::string& target);
  bool released();

 private:
  bool InRange(const rocksdb::Slice& k) const;
  bool Hidden(const rocksdb::Slice& k) const;
  void Step();
  void SkipHidden();

  rocksdb::DB* db_;
  // The instance db_ is: a follower that swaps its instance keeps this one open until the
  // cursor is released (InstanceLife, secondary.h).
  std::shared_ptr<InstanceLife> life_;
  const rocksdb::Snapshot* snapshot_ = nullptr;  // our own, released with the cursor
  std::unique_ptr<rocksdb::Iterator> it_;
  CursorRange range_;
  std::mutex mu_;  // one step at a time; Release() may come from another thread
  bool released_ = false;
};

}  // namespace cvx
