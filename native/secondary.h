// Reading a store that another handle is writing. RocksDB calls a plain read-only open beside a
// live writer undefined, and it is: it fails with false corruption when the writer deletes a
// table file the MANIFEST it read still names, and it misses or splits batches when the writer
// flushes while it reads. A secondary instance is made for this case; this file owns:
// - knowing whether a writer holds the store (this process's claim, or another process's lock
//   on <dir>/LOCK, looked at without taking it);
// - the secondary's private working directory (its info log lives there), removed on close,
//   and the sweep of those left by killed processes;
// - opening the secondary and catching it up, retried while the writer switches files under it,
//   and a new secondary when the writer restarted (pinned_manifest.h says why);
// - the gate that keeps reads and catch-ups apart: a read never sees a catch-up in progress.
// A plain read-only handle catches up once, at open, and is a fixed view from then on. A
// follower (follow.cc) catches up again on demand behind the same gate, and when the writer
// restarted, opens a new instance (Reopen) and retires the old one (Instance).
#pragma once
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "dir_identity.h"
#include "pinned_manifest.h"
#include "status.h"

namespace cvx {

// Whether a writable handle holds the store at `dir` (identified by `id`): a store of this
// process (its DirClaim), or another process's RocksDB, which holds an fcntl lock on dir/LOCK.
// Takes no lock and writes nothing. False for a directory without a LOCK file.
bool HeldByWriter(const DirId& id, const std::string& dir);
// Only another process's lock on dir/LOCK; `if_unsure` when the file exists but cannot be
// looked at. The caller must hold `dir`'s DirClaim (or know no store of this process holds it):
// the look opens and closes dir/LOCK, and closing a descriptor drops every fcntl lock this
// process holds on that file.
bool LockedByOtherProcess(const std::string& dir, bool if_unsure);

// The text of dir/CURRENT (which MANIFEST is live); empty when it cannot be read.
std::string CurrentManifest(const std::string& dir);

// Keeps reads and catch-ups apart. Every operation on a secondary-backed store reads inside
// EnterRead()/LeaveRead() (Store::Enter/Leave do it); Exclusive() waits for the reads in
// progress to end and holds new ones off until it returns. Not tied to threads: an operation
// may enter on the main thread and leave on the pool.
class ViewGate {
 public:
  void EnterRead();
  void LeaveRead();
  // Runs fn() with no read in progress. One at a time; a waiting fn() goes before new reads.
  Status Exclusive(const std::function<Status()>& fn);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int readers_ = 0;
  bool exclusive_ = false;
};

// A secondary instance of the store at `path` and what it needs: its working directory and
// the gate. Owned by the Store; the RocksDB handles are the Store's.
class Secondary {
 public:
  Secondary() = default;
  ~Secondary() { RemoveWorkDir(); }
  Secondary(const Secondary&) = delete;
  Secondary& operator=(const Secondary&) = delete;

  // Opens `path` as a secondary with `opts` (max_open_files is set to -1, as secondaries
  // require, and the info log goes to the working directory) and the column families `cfs`,
  // then catches up once: the handle holds every write acknowledged before this call began.
  // `precheck()` looks at the directory first (the store's column families) and is retried
  // with the open. A writer switching its MANIFEST, WAL or table files under the open makes it
  // fail for a moment; such a failure is retried (bounded), never reported as damage. Only a
  // kFormat answer of precheck() ends the retries at once.
  // `work_dir`, when given, is the working directory to use (a follower's followerDir: made by
  // the caller, kept at close); otherwise a private one is made under the OS temporary dir.
  Status Open(const std::string& path, rocksdb::DBOptions opts, const std::vector<rocksdb::ColumnFamilyDescriptor>& cfs,
              const std::function<Status()>& precheck, std::unique_ptr<rocksdb::DB>* db,
              std::vector<rocksdb::ColumnFamilyHandle*>* handles, const std::string& work_dir = "");
  // A new instance in place of the one Open() made (the writer restarted): same options, same
  // working directory, a fresh MANIFEST pin. The old instance's file system is handed to
  // *old_files: it must outlive the old DB. Call with no read in progress (inside the gate).
  Status Reopen(const std::function<Status()>& precheck, std::unique_ptr<rocksdb::DB>* db,
                std::vector<rocksdb::ColumnFamilyHandle*>* handles, std::unique_ptr<PinnedManifestEnv>* old_files);
  // One catch-up of `db`, without the gate: the caller holds it (Exclusive) or is opening.
  // *restarted: kBefore when the writer had started a new MANIFEST before it (the view was not
  // touched and is still whole), kAfter when only after (the view may mix two runs), kFlushed
  // when the catch-up brought new table files: RocksDB 7.8.3's secondary keeps the entries it
  // replayed from a WAL the writer has since flushed in its memtable, which then hide the newer
  // values of those keys in the new tables (a timeline read stale beside its fresh vectors,
  // measured). Such a view must not be read; a new secondary, whose WAL replay starts after
  // the flush, replaces it (RocksDB issues 14444, 15051).
  enum class Restart { kNone, kBefore, kAfter, kFlushed };
  Status CatchUpOnce(rocksdb::DB* db, Restart* restarted);
  // Whether a snapshot holds the view (HoldView).
  bool Held();
  // Brings `db` up to the primary's latest acknowledged writes, with no read in progress;
  // *moved (when given) says whether it did: not while a snapshot holds the view (HoldView).
  // Fails (kIo, "restarted") when the writer started a new MANIFEST since this secondary
  // opened: then the view may mix two runs of the writer and must not be read; only a new
  // secondary (Open) can follow the new run. Open() retries on it; a follower will reopen.
  Status CatchUp(rocksdb::DB* db, bool* moved = nullptr);
  ViewGate& gate() { return gate_; }
  // A snapshot of this handle (snapshot.h) holds its view still: while any hold lives,
  // CatchUp() leaves the view as it is (and says so), since a secondary has no RocksDB
  // snapshot that could keep the held moment readable beside a newer one.
  void HoldView();
  void ReleaseView();
  const std::string& work_dir() const { return work_dir_; }
  // Idempotent; after the database is closed.
  void RemoveWorkDir();

 private:
  Status MakeWorkDir(const std::string& path);
  Status OpenAttempts(const std::function<Status()>& precheck, std::unique_ptr<rocksdb::DB>* db,
                      std::vector<rocksdb::ColumnFamilyHandle*>* handles);

  std::string path_;
  std::string work_dir_;
  bool own_work_dir_ = true;  // made here, removed at close (not a follower's followerDir)
  rocksdb::DBOptions opts_;   // as the first Open() prepared them: a Reopen() uses them again
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs_;
  // The file system the secondary reads the store through; one per attempt, outlives the DB.
  std::unique_ptr<PinnedManifestEnv> files_;
  ViewGate gate_;
  std::mutex holds_mu_;
  int view_holds_ = 0;
};

// The life of one RocksDB instance of a store, shared with the resources made on it (a Cursor
// holds its iterator's instance this way). A follower whose writer restarted swaps in a new
// instance and retires the old one here: it closes once the last resource made on it lets go,
// so no iterator ever points into a closed instance. Closes nothing while it retires nothing
// (the Store closes its current instance itself).
class InstanceLife {
 public:
  InstanceLife() = default;
  ~InstanceLife();
  InstanceLife(const InstanceLife&) = delete;
  InstanceLife& operator=(const InstanceLife&) = delete;
  void Retire(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> handles,
              std::unique_ptr<PinnedManifestEnv> files);

 private:
  std::unique_ptr<PinnedManifestEnv> files_;  // outlives db_ (declared first, destroyed last)
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

// Removes working directories of secondaries whose process is gone (killed before its close).
void SweepStaleWorkDirs();

}  // namespace cvx
