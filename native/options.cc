// See options.h. Why each choice: vectors are dense f32 that do not compress, are always
// read by entity+space prefix (prefix extractor, prefix bloom in memtable and SST) and by
// exact key (whole-key bloom); timelines are small repetitive CBOR maps, so LZ4 pays.
#include "options.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/statistics.h>
#include <rocksdb/table.h>

#include "codec.h"
#include "info_log.h"

namespace cvx {

rocksdb::DBOptions MakeDbOptions(bool create_if_missing, const std::string& info_log_dir) {
  rocksdb::DBOptions o;
  if (!info_log_dir.empty()) o.info_log = NewBoundedInfoLog(info_log_dir, o.info_log_level);
  o.create_if_missing = create_if_missing;
  o.create_missing_column_families = create_if_missing;
  // Tickers prove the bloom filters work and feed stats(); timers are left off because
  // they cost a clock read per operation.
  o.statistics = rocksdb::CreateDBStatistics();
  o.statistics->set_stats_level(rocksdb::StatsLevel::kExceptTimers);
  o.IncreaseParallelism(2);
  // RocksDB reserves each new WAL's expected size up front (write buffer size plus 10%,
  // about 70 MiB) with fallocate. On a small filesystem that reserve alone reports a full
  // disk, and the reserved blocks stay allocated after a crash until the next open.
  o.allow_fallocate = false;
  // A WAL that merely ends early (a crash cut its last record) is recovered up to the cut; a
  // WAL damaged before its end (a flipped byte followed by good records) fails the open with
  // "checksum mismatch" instead of silently dropping everything after the damage, which is
  // what the default (point-in-time) mode does. A cut followed by zeros also reads as
  // "checksum mismatch"; Store::Open tells it from damage (wal_tail.h) and then recovers in
  // the point-in-time mode (docs/guarantees.md, "Damaged files").
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  return o;
}

rocksdb::ColumnFamilyOptions VectorsCfOptions() {
  rocksdb::ColumnFamilyOptions o;
  o.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kPrefixSize));
  o.compression = rocksdb::kNoCompression;
  o.memtable_prefix_bloom_size_ratio = kMemtableBloomRatio;
  rocksdb::BlockBasedTableOptions t;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10, false));
  t.whole_key_filtering = true;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

rocksdb::ColumnFamilyOptions TimelinesCfOptions() {
  rocksdb::ColumnFamilyOptions o;
  o.compression = rocksdb::kLZ4Compression;
  return o;
}

std::vector<rocksdb::ColumnFamilyDescriptor> ColumnFamilies() {
  return {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {kVectorsCf, VectorsCfOptions()},
      {kTimelinesCf, TimelinesCfOptions()},
  };
}

rocksdb::ReadOptions RangeReadOptions(size_t expected_points) {
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
  ro.fill_cache = expected_points <= kCachedScanPoints;
  return ro;
}

}  // namespace cvx
