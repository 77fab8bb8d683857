// Raw key-value access to one column family, for the abstract-level adapter. The guards
// that keep the store's invariants (vectors and timelines are written only together,
// through the store's own write path) live here, below every caller: only the `default`
// column family is writable this way, and never inside its reserved `cvx:` namespace,
// which reads through the adapter do not see either.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cursor.h"
#include "status.h"
#include "store.h"

namespace cvx {

// The prefix of the system records in `default` (cvx:format, cvx:space:<id>).
constexpr const char* kReservedPrefix = "cvx:";

struct RawOp {
  bool put;  // false: delete
  std::string key;
  std::string value;
};

// Checks a raw write of `key` to `cf` is allowed; `what` names the argument in the error.
Status CheckRawWrite(Store& s, rocksdb::ColumnFamilyHandle* cf, const std::string& key, const std::string& what);
bool IsReservedKey(Store& s, rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key);

// Values of `keys` (std::nullopt where absent or reserved), read from one snapshot.
Status RawGetMany(Store& s, rocksdb::ColumnFamilyHandle* cf, const std::vector<std::string>& keys,
                  std::vector<std::optional<std::string>>* out);
// All ops in one WriteBatch; the ops were checked with CheckRawWrite by the caller.
Status RawWrite(Store& s, rocksdb::ColumnFamilyHandle* cf, const std::vector<RawOp>& ops);
// Deletes the visible keys of `range` (at most `limit`, 0 = all) seen from a snapshot,
// in batches, so later writes are not affected.
Status RawClear(Store& s, rocksdb::ColumnFamilyHandle* cf, const CursorRange& range, uint64_t limit);

}  // namespace cvx
