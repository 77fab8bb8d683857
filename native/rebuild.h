// Rebuilding a store whose MANIFEST is damaged (the open refuses it with CVX_CORRUPTION,
// damage_probe.h): RocksDB's RepairDB makes a new MANIFEST from the table files and WAL files
// in the directory, with our column-family options (options.h), then the store is opened and
// its timelines are recomputed from the vectors (verify.h's repair), because the tables that
// come back may hold a point's vector without the timeline write of the same batch.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "status.h"

namespace cvx {

struct RebuildReport {
  uint64_t table_files = 0;  // table files in the directory before the rebuild
  uint64_t wal_files = 0;    // WAL files in it (RepairDB turns their records into tables)
  std::vector<std::string> lost;  // what RepairDB could not use and moved to <dir>/lost/
  uint64_t vectors = 0;      // vectors in the rebuilt store
  uint64_t series = 0;       // (entity, space) timelines they make up
  uint64_t issues_found = 0;  // timelines that disagreed with the vectors after RepairDB
  uint64_t timelines_written = 0;
  uint64_t timelines_deleted = 0;
};

// Rebuilds the store in `path` as described above. The directory must not be open, in this
// process (CVX_LOCKED) or another (RocksDB's LOCK: CVX_LOCKED).
Status RebuildStore(const std::string& path, RebuildReport* out);

}  // namespace cvx
