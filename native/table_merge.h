// Keeps a store's number of table files bounded however it is used. A process that opens,
// writes a little and closes leaves one small table file per column family it wrote (its
// memtable, flushed at close or replayed from the WAL at the next open). RocksDB never merges
// them: it moves a level-0 file that overlaps nothing down to level 1 without rewriting it
// (a "trivial move"), and level 1 is only compacted further once it holds 256 MiB. So 1,000
// short sessions left ~2,000 one-point files in level 1, and the next open, which keeps every
// table file open (max_open_files -1), needed more descriptors than `ulimit -n 512` allows.
//
// The policy: at close, a writable store merges the small table files of levels 0 and 1 of
// each column family that has kMergeSmallFiles or more of them, on the closing thread
// (MergeSmallTables). docs/operations.md states it with its cost.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <rocksdb/db.h>

namespace cvx {

// A column family merges when it has this many small files in levels 0 and 1. After any close
// it has fewer, so a store holds at most 3 × (kMergeSmallFiles - 1) small table files, plus one
// file per 8 MiB (kSmallTableBytes) or more of its data.
constexpr int kMergeSmallFiles = 16;
// "Small": under an eighth of RocksDB's target file size (64 MiB). A flush of a full memtable
// or a compaction's output is larger; what short sessions leave is far smaller.
constexpr uint64_t kSmallTableBytes = 8ull << 20;

// Small table files of `cf` in levels 0 and 1, by the definition above (every level-0 file
// counts: level 0 is where the flushes land, whatever their size).
int CountSmallTables(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf);

// Called by Store::Close() for a writable store, while the column-family handles are still
// valid and after any flush at close (so the flush's own file is counted). For each column
// family with kMergeSmallFiles or more small files, compacts its level-0 files and its small
// level-1 files into level 1 (RocksDB adds the level-1 files their key ranges overlap), in
// files of the column family's target size. Background work is paused meanwhile, so a
// compaction already running finishes first and none starts behind it. Best effort: a merge
// that fails (a full disk) keeps its input files, as every failed compaction does, and is
// tried again at the next close; the answer is for the info log, not for close()'s caller.
// A merge that the filesystem of `dir` (the store's directory) has not twice its input's size
// free for is not started: it would fill a nearly full disk for nothing that cannot wait.
rocksdb::Status MergeSmallTables(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs,
                                 const std::string& dir);

}  // namespace cvx
