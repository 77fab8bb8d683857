// An explicit salvage: a store whose WAL is damaged, opened anyway on request. RocksDB skips
// every damaged WAL record (options: kSkipAnyCorruptedRecords); what it skipped is reported
// (wal_damage.h), and because a skipped batch may leave later timelines counting its points,
// the timelines are then recomputed from the vectors that survived (verify.h's repair), so
// the store opens consistent and verify() is clean.
#pragma once
#include <cstdint>
#include <vector>

#include "status.h"
#include "wal_damage.h"

namespace cvx {

class Store;

struct SalvageReport {
  std::vector<WalDrop> drops;  // empty: nothing was dropped, nothing repaired
  uint64_t issues_found = 0;   // timelines that disagreed with the vectors after the drop
  uint64_t timelines_written = 0;
  uint64_t timelines_deleted = 0;
};

// After a salvage open: records `drops` and, when there are any, repairs the timelines. A
// repair that fails says that repair() must finish it: the damage is no longer there to find.
Status Salvage(Store& s, const std::vector<WalDrop>& drops, SalvageReport* out);

}  // namespace cvx
