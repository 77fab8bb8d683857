// See error_recovery.h.
#include "error_recovery.h"

namespace cvx {

void ErrorRecovery::OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status* error) {
  if (error->ok()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = *error;
  }
  stopped_.store(true, std::memory_order_release);
}

void ErrorRecovery::OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status error,
                                         bool* auto_recovery) {
  error.PermitUncheckedError();
  *auto_recovery = false;
}

rocksdb::Status ErrorRecovery::ResumeIfStopped(rocksdb::DB* db) {
  // Cleared before the call: an error raised while Resume() runs notes itself again.
  if (!stopped_.exchange(false, std::memory_order_acq_rel)) return rocksdb::Status::OK();
  rocksdb::Status s = db->Resume();
  if (!s.ok()) stopped_.store(true, std::memory_order_release);
  return s;
}

rocksdb::Status ErrorRecovery::Cause(const rocksdb::Status& otherwise) {
  if (!stopped_.load(std::memory_order_acquire)) return otherwise;
  std::lock_guard<std::mutex> lock(mu_);
  return error_.ok() ? otherwise : error_;
}

}  // namespace cvx
