// See error_recovery.h.
#include "error_recovery.h"

#include <cstdint>

namespace cvx {
namespace {

// True when no column family holds an entry in a memtable, active or immutable.
bool MemtablesEmpty(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs) {
  for (auto* cf : cfs) {
    for (const char* prop : {"rocksdb.num-entries-active-mem-table", "rocksdb.num-entries-imm-mem-tables"}) {
      uint64_t n = 0;
      if (!db->GetIntProperty(cf, prop, &n) || n != 0) return false;
    }
  }
  return true;
}

}  // namespace

void ErrorRecovery::OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) {
  if (error->ok()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = *error;
    // RocksDB 7.8 raises a failed WAL append from the write path with this reason.
    if (reason == rocksdb::BackgroundErrorReason::kWriteCallback) wal_failed_ = true;
  }
  stopped_.store(true, std::memory_order_release);
}

void ErrorRecovery::OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status error,
                                         bool* auto_recovery) {
  error.PermitUncheckedError();
  *auto_recovery = false;
}

rocksdb::Status ErrorRecovery::Resume(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs) {
  std::lock_guard<std::mutex> serial(resume_mu_);
  if (!stopped_.load(std::memory_order_acquire)) return rocksdb::Status::OK();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!must_reopen_ && wal_failed_ && MemtablesEmpty(db, cfs)) must_reopen_ = true;
    if (must_reopen_) {
      return rocksdb::Status::IOError(
          "the write-ahead log cannot be written again: close the store and open it again to write (the "
          "write that failed: " + error_.ToString() + ")");
    }
  }
  // Cleared before the call: an error raised while Resume() runs notes itself again.
  stopped_.store(false, std::memory_order_release);
  rocksdb::Status s = db->Resume();
  if (!s.ok()) {
    stopped_.store(true, std::memory_order_release);
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    wal_failed_ = false;
  }
  return s;
}

rocksdb::Status ErrorRecovery::BeforeWrite(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs) {
  if (!stopped_.load(std::memory_order_acquire)) return rocksdb::Status::OK();
  rocksdb::Status s = Resume(db, cfs);
  // A failed Resume() is the write's to report, as the error it causes; a refusal is ours.
  std::lock_guard<std::mutex> lock(mu_);
  return must_reopen_ ? s : rocksdb::Status::OK();
}

rocksdb::Status ErrorRecovery::BeforeFlush(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs) {
  if (!stopped_.load(std::memory_order_acquire)) return rocksdb::Status::OK();
  rocksdb::Status s = Resume(db, cfs);
  if (s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  return must_reopen_ ? s : error_;
}

rocksdb::Status ErrorRecovery::Cause(const rocksdb::Status& otherwise) {
  if (!stopped_.load(std::memory_order_acquire)) return otherwise;
  std::lock_guard<std::mutex> lock(mu_);
  return error_.ok() ? otherwise : error_;
}

}  // namespace cvx
