// What RocksDB says about damaged WAL records while it opens a store. RocksDB reports each
// damaged stretch of a WAL only to its info log ("<file>: dropping <n> bytes; <status>"), and
// its open error ("Corruption: checksum mismatch") names no file. WalDamageLog is a logger
// that keeps those reports (and passes every line on to the store's own info log, if any), so
// a refused open can name the file and a salvage can say what it dropped.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <rocksdb/env.h>
#include <rocksdb/options.h>

namespace cvx {

// One damaged stretch of a WAL as RocksDB's recovery reported it.
struct WalDrop {
  std::string file;    // the WAL file, as RocksDB named it (the store's path + "/NNNNNN.log")
  uint64_t bytes = 0;  // bytes RocksDB skipped at that place
  std::string reason;  // RocksDB's status text, e.g. "Corruption: checksum mismatch"
};

class WalDamageLog final : public rocksdb::Logger {
 public:
  // `inner` may be null: then lines are only inspected, nothing is written anywhere.
  WalDamageLog(std::shared_ptr<rocksdb::Logger> inner, rocksdb::InfoLogLevel level);

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override;
  void Flush() override;

  std::vector<WalDrop> Drops();

 private:
  std::shared_ptr<rocksdb::Logger> inner_;
  std::mutex mu_;
  std::vector<WalDrop> drops_;
};

// Puts a WalDamageLog in front of `o`'s info log (none for a read-only open, whose lines are
// then only inspected) and sets the WAL recovery mode: RocksDB's tail-tolerant mode, which
// refuses a WAL damaged before its end, or, for a salvage, the mode that skips every damaged
// record. Returns the log, to read its drops after the open.
std::shared_ptr<WalDamageLog> WatchWalDamage(rocksdb::DBOptions* o, bool salvage);

// "000012.log (checksum mismatch, 1234 bytes)" for each drop, comma separated; the file names
// without the directory, which the message around it names.
std::string DescribeDrops(const std::vector<WalDrop>& drops);

}  // namespace cvx
