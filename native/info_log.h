// The store's RocksDB info log (the LOG file in the store's directory), written by a logger
// of our own for two reasons:
// - RocksDB's logger aborts the process when a write to LOG fails: Debian's librocksdb keeps
//   assertions on, and its file writer asserts on the first write after an error, so a full
//   disk killed the host. This logger drops the line, counts it, and says so in the log once
//   writing works again. It never throws and never aborts.
// - RocksDB's logger starts a new file at every open and keeps up to keep_log_file_num
//   (1,000) of them; this one appends to LOG and, when LOG would pass kMaxInfoLogBytes, moves
//   it to LOG.old.1 (LOG.old.1 to LOG.old.2, ...), keeping at most kOldInfoLogs old files.
//   Old files of RocksDB's own naming (LOG.old.<microseconds>) are deleted on first use.
#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include <rocksdb/env.h>

namespace cvx {

constexpr size_t kMaxInfoLogBytes = 512 * 1024;
constexpr int kOldInfoLogs = 2;

// A logger writing `dir`/LOG as described above. Nothing is created or deleted until the
// first line is logged, so an open that fails before logging leaves the directory alone.
std::shared_ptr<rocksdb::Logger> NewBoundedInfoLog(const std::string& dir, rocksdb::InfoLogLevel level);

}  // namespace cvx
