// See table_merge.h. Cost: a merge rewrites the small files of levels 0 and 1 and the level-1
// files they overlap, so at most what the short sessions since the last merge wrote plus level
// 1, which RocksDB keeps near max_bytes_for_level_base (256 MiB). For the stores that reach
// the threshold, many sessions of a few writes each, that is kilobytes to megabytes: the
// measured cost is in docs/performance.md ("Table files after many sessions").
#include "table_merge.h"

#include <sys/statvfs.h>

#include <rocksdb/metadata.h>
#include <rocksdb/options.h>

namespace cvx {
namespace {

// The files a merge of `cf` would take, and how many of them are small (every one, unless a
// running compaction holds some: those are left to it).
std::vector<std::string> MergeInputs(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, int* small, uint64_t* bytes) {
  rocksdb::ColumnFamilyMetaData meta;
  db->GetColumnFamilyMetaData(cf, &meta);
  std::vector<std::string> inputs;
  *small = 0;
  *bytes = 0;
  for (size_t level = 0; level < 2 && level < meta.levels.size(); level++) {
    for (const auto& f : meta.levels[level].files) {
      if (level == 1 && f.size >= kSmallTableBytes) continue;
      ++*small;
      if (f.being_compacted) continue;
      inputs.push_back(f.name);
      *bytes += f.size;
    }
  }
  return inputs;
}

rocksdb::Status Merge(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const std::string& dir) {
  int small = 0;
  uint64_t bytes = 0;
  std::vector<std::string> inputs = MergeInputs(db, cf, &small, &bytes);
  if (static_cast<int>(inputs.size()) < kMergeSmallFiles) return rocksdb::Status::OK();
  struct statvfs fs;
  if (statvfs(dir.c_str(), &fs) == 0 && static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize < 2 * bytes) {
    return rocksdb::Status::Aborted("not merging " + std::to_string(inputs.size()) + " small table files (" +
                                    std::to_string(bytes) + " bytes): too little free space");
  }
  rocksdb::CompactionOptions co;
  // The column family's own compression (LZ4 for timelines, none for vectors), not the
  // struct's default of Snappy, and files of its usual size rather than one file.
  co.compression = rocksdb::kDisableCompressionOption;
  co.output_file_size_limit = db->GetOptions(cf).target_file_size_base;
  return db->CompactFiles(co, cf, inputs, 1);
}

}  // namespace

int CountSmallTables(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
  int small = 0;
  uint64_t bytes = 0;
  (void)MergeInputs(db, cf, &small, &bytes);
  return small;
}

rocksdb::Status MergeSmallTables(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs,
                                 const std::string& dir) {
  bool due = false;
  for (auto* cf : cfs) due = due || (cf && CountSmallTables(db, cf) >= kMergeSmallFiles);
  if (!due) return rocksdb::Status::OK();
  rocksdb::Status paused = db->PauseBackgroundWork();
  if (!paused.ok()) return paused;
  rocksdb::Status result;
  for (auto* cf : cfs) {
    if (!cf) continue;
    rocksdb::Status st = Merge(db, cf, dir);
    if (result.ok() && !st.ok()) result = st;
  }
  (void)db->ContinueBackgroundWork();
  return result;
}

}  // namespace cvx
