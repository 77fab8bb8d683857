// Operations on the store as a whole: listing spaces with their sizes, per-column-family
// facts for stats(), manual compaction and consistent checkpoints.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "status.h"
#include "store.h"

namespace cvx {

struct SpaceSummary {
  uint32_t space = 0;
  uint32_t dim = 0;
  uint64_t entities = 0;
  uint64_t points = 0;
};

// Every space with a recorded dimension, with entity and point counts summed from the
// timelines (a full scan of the timelines column family, which is small).
Status SummarizeSpaces(Store& s, std::vector<SpaceSummary>* out, const rocksdb::Snapshot* snapshot);

struct CfFacts {
  std::string name;
  std::string compression;
  uint64_t sst_files = 0;
  uint64_t sst_bytes = 0;
};
Status ColumnFamilyFacts(Store& s, std::vector<CfFacts>* out);

// Full manual compaction of every column family (drops tombstones and range tombstones).
Status CompactAll(Store& s);

// A consistent, openable copy of the store in `dir` (which must not exist yet), made
// with hard links where possible while the store stays open. Its missing parents are created;
// a `dir` inside the store's own directory, under any spelling, is refused before that.
// *sequence: the store's sequence the copy holds (a change feed resumes after it).
Status MakeCheckpoint(Store& s, const std::string& dir, uint64_t* sequence);

}  // namespace cvx
