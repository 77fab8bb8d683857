// The store's column-family and database options, built in one place so the store and the
// C++ benchmark limit (benchmarks/native) open RocksDB identically.
#pragma once
#include <string>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/options.h>

namespace cvx {

constexpr const char* kVectorsCf = "vectors";
constexpr const char* kTimelinesCf = "timelines";

// The vectors' memtable prefix bloom, as a fraction of write_buffer_size (64 MiB): RocksDB
// allocates and zeroes it when a memtable is created, so it is resident in every open store,
// idle or not. At 0.1 it was 6.4 MiB of the 7.2 MiB an empty store cost; at 0.01 it is
// 0.64 MiB (about 5.4 M bits, ~10 bits per prefix up to ~500 k entity+space prefixes in one
// memtable, far more than a 64 MiB memtable of vectors holds). What the smaller bloom costs
// prefix reads: docs/performance.md, "Resources".
constexpr double kMemtableBloomRatio = 0.01;

// `info_log_dir` is the store's directory for a writable open, where the bounded info log
// (info_log.h) writes LOG; empty for a read-only open, for which RocksDB writes no log file
// and neither do we (a read-only open must leave a directory as it found it).
rocksdb::DBOptions MakeDbOptions(bool create_if_missing, const std::string& info_log_dir);
rocksdb::ColumnFamilyOptions VectorsCfOptions();
rocksdb::ColumnFamilyOptions TimelinesCfOptions();
// default, vectors, timelines: the order the handle vector uses everywhere.
std::vector<rocksdb::ColumnFamilyDescriptor> ColumnFamilies();

// Read options of a scan over one entity+space prefix expected to return up to
// `expected_points` points (the caller sets the bounds). Scans longer than
// kCachedScanPoints read around the block cache: a full trajectory would evict the point
// reads' working set, and caching blocks a scan will not revisit costs an allocation per
// block that some other thread frees on eviction, a churn that made async scans on
// libuv's pool 2.8x slower (docs/performance.md). Short scans (the latest point, a small
// window) still fill it, so hot entities stay cached.
constexpr size_t kCachedScanPoints = 16;
rocksdb::ReadOptions RangeReadOptions(size_t expected_points);

}  // namespace cvx
