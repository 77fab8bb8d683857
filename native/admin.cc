// See admin.h.
#include "admin.h"

#include <map>
#include <memory>

#include <rocksdb/metadata.h>
#include <rocksdb/utilities/checkpoint.h>

#include "codec.h"
#include "dir_identity.h"

namespace cvx {
namespace {

const char* CompressionName(rocksdb::CompressionType c) {
  switch (c) {
    case rocksdb::kNoCompression: return "none";
    case rocksdb::kSnappyCompression: return "snappy";
    case rocksdb::kZlibCompression: return "zlib";
    case rocksdb::kBZip2Compression: return "bzip2";
    case rocksdb::kLZ4Compression: return "lz4";
    case rocksdb::kLZ4HCCompression: return "lz4hc";
    case rocksdb::kXpressCompression: return "xpress";
    case rocksdb::kZSTD: return "zstd";
    default: return "other";
  }
}

}  // namespace

Status SummarizeSpaces(Store& s, std::vector<SpaceSummary>* out, const rocksdb::Snapshot* snapshot) {
  // The space records are read, not the store's table of them, so a view sees the spaces of
  // its moment; one implicit snapshot is enough for the latest state (spaces are never removed).
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::unordered_map<uint32_t, uint32_t> dims;
  Status read = ReadSpaceDims(s, ro, &dims, "spaces");
  if (!read.ok()) return read;
  std::map<uint32_t, SpaceSummary> by_space;
  for (const auto& [space, dim] : dims) by_space[space] = SpaceSummary{space, dim, 0, 0};
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(s.db()->NewIterator(ro, s.timelines_cf()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Timeline tl;
    if (!DecodeTimeline(it->value(), &tl)) {
      return Status::Make(Code::kCorruption, "spaces: undecodable timeline record at key " + it->key().ToString(true));
    }
    SpaceSummary& sum = by_space[tl.space];
    sum.space = tl.space;
    sum.entities += 1;
    sum.points += tl.point_count;
  }
  Status st = Status::FromRocks(it->status(), "spaces");
  if (!st.ok()) return st;
  for (const auto& [space, sum] : by_space) out->push_back(sum);
  return Status::Ok();
}

Status ColumnFamilyFacts(Store& s, std::vector<CfFacts>* out) {
  for (rocksdb::ColumnFamilyHandle* cf : {s.system_cf(), s.vectors_cf(), s.timelines_cf()}) {
    rocksdb::ColumnFamilyMetaData meta;
    s.db()->GetColumnFamilyMetaData(cf, &meta);
    rocksdb::ColumnFamilyDescriptor desc;
    rocksdb::Status st = cf->GetDescriptor(&desc);
    if (!st.ok()) return Status::FromRocks(st, "stats");
    out->push_back(CfFacts{cf->GetName(), CompressionName(desc.options.compression), meta.file_count, meta.size});
  }
  return Status::Ok();
}

Status CompactAll(Store& s) {
  if (s.options().read_only) return Status::Make(Code::kReadOnly, "compact: the store was opened with readOnly: true");
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  Status ready = s.ResumeBeforeFlush("compact");
  if (!ready.ok()) return ready;
  for (rocksdb::ColumnFamilyHandle* cf : {s.system_cf(), s.vectors_cf(), s.timelines_cf()}) {
    Status st = Status::FromRocks(s.db()->CompactRange(co, cf, nullptr, nullptr), "compact " + cf->GetName());
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

Status MakeCheckpoint(Store& s, const std::string& dir, uint64_t* sequence) {
  const std::string what = "checkpoint(" + dir + ")";
  // RocksDB's checkpoint stops file deletions and may flush, which a secondary cannot do.
  if (s.secondary()) {
    return Status::Make(Code::kReadOnly, what + ": this read-only handle reads a store another handle is writing; "
                                                "take the checkpoint through the writing handle");
  }
  // Into the store's own directory, a checkpoint would mix its files with the live ones. Judged
  // here, on the resolved path, before anything is created.
  Status outside = CheckOutsideStore(s.dir_id(), dir, what);
  if (!outside.ok()) return outside;
  Status parents = MakeParentDirs(dir, what);
  if (!parents.ok()) return parents;
  Status ready = s.ResumeBeforeFlush(what);  // a checkpoint flushes the memtables first
  if (!ready.ok()) return ready;
  rocksdb::Checkpoint* raw = nullptr;
  Status st = Status::FromRocks(rocksdb::Checkpoint::Create(s.db(), &raw), what);
  if (!st.ok()) return st;
  std::unique_ptr<rocksdb::Checkpoint> cp(raw);
  return Status::FromRocks(cp->CreateCheckpoint(dir, 0, sequence), what);
}

}  // namespace cvx
