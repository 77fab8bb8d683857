// Column-family and database options of SPEC §2, built in one place so the store and the
// C++ benchmark limit (benchmarks/native) open RocksDB identically.
#pragma once
#include <string>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/options.h>

namespace cvx {

constexpr const char* kVectorsCf = "vectors";
constexpr const char* kTimelinesCf = "timelines";

rocksdb::DBOptions MakeDbOptions(bool create_if_missing);
rocksdb::ColumnFamilyOptions VectorsCfOptions();
rocksdb::ColumnFamilyOptions TimelinesCfOptions();
// default, vectors, timelines: the order the handle vector uses everywhere.
std::vector<rocksdb::ColumnFamilyDescriptor> ColumnFamilies();

}  // namespace cvx
