// Getting a store out of the stopped state a background error leaves it in. When a write to
// the WAL, a flush or a compaction fails (a full disk), RocksDB refuses every write until
// DB::Resume() succeeds. Its own automatic recovery waits until the disk has as much free
// space as the largest write buffer (64 MiB by default), checks only every 5 seconds, and
// makes a Resume() called meanwhile answer Busy, so a store on a small disk would never
// resume. This listener turns that off and notes the error instead; the next write calls
// ResumeIfStopped(), which calls Resume() once: it flushes the memtables to table files
// and starts a new WAL, and succeeds as soon as there is room for them.
#pragma once
#include <atomic>
#include <mutex>

#include <rocksdb/db.h>
#include <rocksdb/listener.h>

namespace cvx {

class ErrorRecovery : public rocksdb::EventListener {
 public:
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) override;
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason reason, rocksdb::Status error,
                            bool* auto_recovery) override;

  // When a background error has stopped `db` since the last successful Resume(), calls
  // Resume() once and answers what it said; OK without a call otherwise. A failed Resume()
  // leaves the error noted, so the next write tries again.
  rocksdb::Status ResumeIfStopped(rocksdb::DB* db);

  // The background error that stopped the store, while it is stopped; `otherwise` when not.
  // A stopped store fails to close with RocksDB's "Seen error" text, which says nothing of
  // the cause (a full disk); Close() reports the cause instead.
  rocksdb::Status Cause(const rocksdb::Status& otherwise);

 private:
  std::atomic<bool> stopped_{false};
  std::mutex mu_;
  rocksdb::Status error_;  // the latest background error, under mu_
};

}  // namespace cvx
