// Getting a store out of the stopped state a background error leaves it in. When a write to
// the WAL, a flush or a compaction fails (a full disk), RocksDB refuses every write until
// DB::Resume() succeeds. Its own automatic recovery waits until the disk has as much free
// space as the largest write buffer (64 MiB by default), checks only every 5 seconds, and
// makes a Resume() called meanwhile answer Busy, so a store on a small disk would never
// resume. This listener turns that off and notes the error instead; the next write calls
// BeforeWrite(), which calls Resume() once: it flushes the memtables to table files and
// starts a new WAL, and succeeds as soon as there is room for them.
//
// One case Resume() cannot mend in RocksDB 7.8: a WAL append failed while every memtable
// was empty. Resume() then has nothing to flush, so it keeps the WAL writer whose append
// failed, and the next write through it trips an assertion that aborts the process (Debian
// builds keep assertions). The store refuses to write in that state until it is reopened.
#pragma once
#include <atomic>
#include <mutex>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/listener.h>

namespace cvx {

class ErrorRecovery : public rocksdb::EventListener {
 public:
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) override;
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason reason, rocksdb::Status error,
                            bool* auto_recovery) override;

  // Before a write: when a background error has stopped `db` since the last successful
  // Resume(), calls Resume() once. Answers OK to go ahead (the write then reports whether it
  // worked, a failed Resume() included, and a failed Resume() is tried again next time), or
  // the refusal of a store that can only write again once reopened. `cfs` are the store's
  // column families, whose memtables tell which case this is.
  rocksdb::Status BeforeWrite(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs);

  // Before work that flushes (compaction, checkpoint, a flush, close): resumes a stopped
  // store as BeforeWrite() does, and answers the cause when it is still stopped. RocksDB
  // would answer such work with its bare "Seen error" text, or by writing through the WAL
  // writer that failed.
  rocksdb::Status BeforeFlush(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs);

  // The background error that stopped the store, while it is stopped; `otherwise` when not.
  // A stopped store fails to close with RocksDB's "Seen error" text, which says nothing of
  // the cause (a full disk); Close() reports the cause instead.
  rocksdb::Status Cause(const rocksdb::Status& otherwise);

 private:
  rocksdb::Status Resume(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs);

  std::atomic<bool> stopped_{false};
  std::mutex resume_mu_;   // one Resume() at a time: writer thread, pool and close may race
  std::mutex mu_;
  rocksdb::Status error_;  // the latest background error, under mu_
  bool wal_failed_ = false;  // a WAL append failed since the last successful Resume(), under mu_
  bool must_reopen_ = false;  // the case Resume() cannot mend (see above), under mu_
};

}  // namespace cvx
