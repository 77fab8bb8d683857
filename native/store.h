// Database lifetime: one Store per open directory. It owns the RocksDB instance and its
// column-family handles, the per-space dimension table, and the count of operations in
// flight, so that Close() can wait for exactly the work that was admitted before it.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "dir_identity.h"
#include "error_recovery.h"
#include "result_pool.h"
#include "salvage.h"
#include "secondary.h"
#include "status.h"

namespace cvx {

// Something that holds RocksDB state outside an operation (an iterator and its snapshot)
// and so must be released before the database closes. The store tracks these and
// releases every one still tracked in Close(), after in-flight operations have left.
class Resource {
 public:
  virtual ~Resource() = default;
  // Frees the RocksDB objects. Called at most once, under the store's resource lock.
  virtual void Release() = 0;
};

struct OpenOptions {
  bool create_if_missing = true;
  bool read_only = false;
  bool sync = false;
  uint32_t keyframe_interval = 10;
  // Open a store whose WAL is damaged anyway: skip the damaged records, report them and
  // recompute the timelines (salvage.h). Writable opens only.
  bool salvage = false;
  // A follower: read-only, always a secondary (also when no writer runs), which CatchUp()
  // advances. `follower_dir` is its working directory (empty: a private temporary one).
  bool follower = false;
  std::string follower_dir;
  // How long the WAL is kept after its data is in table files, for change feed consumers
  // (change_feed.h): RocksDB's WAL_ttl_seconds and WAL_size_limit_MB; 0 and 0 keep none.
  uint64_t wal_ttl_seconds = 0;
  uint64_t wal_size_limit_mb = 0;
};

// The column families by the names the API and RocksDB use: the one mapping every name
// lookup goes through. The index is the handle's place in ColumnFamilies() (options.h):
// 0 "default" (the system records), 1 "vectors", 2 "timelines"; -1 for any other name.
int CfIndex(const std::string& name);
// The names CfIndex() knows, as a message lists them: "default, vectors, timelines".
std::string CfNameList();

class Store;
// The space records (space id → dimension) as `ro` sees them: how an open learns the
// dimensions, and how a read view tells which spaces existed at its moment. `what` prefixes
// the messages ("open(<path>)", "spaces").
Status ReadSpaceDims(const Store& s, const rocksdb::ReadOptions& ro, std::unordered_map<uint32_t, uint32_t>* dims,
                     const std::string& what);

// CVX_FORMAT: `path` holds a RocksDB database without our column families.
Status NotAStore(const std::string& path);
// Before a secondary opens `path`: our column families are there (kFormat when it is another
// database, kIo while a writer is still creating it, which the open retries).
Status StoreFamiliesListed(const std::string& path);

class Store {
 public:
  static Status Open(const std::string& path, const OpenOptions& opts, std::unique_ptr<Store>* out);
  ~Store();

  // Admission: every operation calls Enter() before touching the database (on the main
  // thread, before it is queued) and Leave() when its engine work is over. Enter() fails
  // once Close() has begun, so Close() only waits for work that is already admitted.
  // `read` false: admitted without entering a secondary's read gate (CatchUp, which takes the
  // gate exclusively itself); Leave() must be given the same.
  Status Enter(bool read = true);
  void Leave(bool read = true);
  // Refuses new work from now on; Close() then waits for what was admitted.
  void BeginClose();
  // Idempotent. Blocks until admitted work has left, then releases RocksDB. Every caller,
  // not just the one that does the work, returns only once RocksDB is released.
  Status Close();
  bool IsOpen();

  // Resource tracking (see Resource). Track() fails with kNotOpen once close has begun.
  Status Track(Resource* r);
  // Releases r now unless Close() already did; safe to call any number of times.
  void ReleaseResource(Resource* r);

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* system_cf() const { return handles_[0]; }
  rocksdb::ColumnFamilyHandle* vectors_cf() const { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* timelines_cf() const { return handles_[2]; }
  const rocksdb::WriteOptions& write_options() const { return write_opts_; }
  // Every write of a batch goes through here: after a background error (a full disk) the
  // first write since then resumes the store (error_recovery.h). `what` names the operation.
  Status Write(rocksdb::WriteBatch* batch, const std::string& what);
  // Before work that flushes memtables (compact, checkpoint, flush): a store a background
  // error stopped resumes first, or the work is refused with the cause (error_recovery.h).
  Status ResumeBeforeFlush(const std::string& what);
  const OpenOptions& options() const { return opts_; }
  // True when this read-only handle is a RocksDB secondary instance: the store was held by a
  // writer when it opened (secondary.h). Secondaries refuse snapshots; reads on one take none
  // and stay consistent because no catch-up runs while an operation is admitted.
  bool secondary() const { return secondary_ != nullptr; }
  // The secondary's working parts (its gate, its held-back view); nullptr on a direct open.
  Secondary* secondary_view() const { return secondary_.get(); }
  // A follower's catch-up (follow.cc): with no read in progress, brings the view up to the
  // writer's acknowledged writes; when the writer restarted, swaps in a new secondary. *moved
  // says whether the view changed (not while a snapshot holds it). kInvalidArgument for a
  // store that is not a follower.
  Status CatchUp(bool* moved);
  // The current instance's life, which a resource made on it shares (InstanceLife).
  const std::shared_ptr<InstanceLife>& instance_life() const { return instance_life_; }
  const std::string& path() const { return path_; }
  // The directory's device and inode, whatever spelling opened it (dir_identity.h).
  const DirId& dir_id() const { return dir_id_; }
  // The handle of a column family named as CfIndex() knows it; nullptr for any other name.
  rocksdb::ColumnFamilyHandle* CfByName(const std::string& name) const;

  // Serialises the read-modify-write of timelines and space dimensions: the whole
  // reason pointCount stays exact under concurrent writers.
  std::mutex& write_mutex() { return write_mu_; }
  // Dimension of a space, 0 when the space has never been written. Callers that act on
  // the answer must hold write_mutex().
  uint32_t SpaceDim(uint32_t space);
  void SetSpaceDim(uint32_t space, uint32_t dim);
  // Every space's dimension at once (a replica resynced from its source, resync.h).
  void ReplaceSpaceDims(const std::unordered_map<uint32_t, uint32_t>& dims);
  std::vector<std::pair<uint32_t, uint32_t>> Spaces();
  // Where large read results come from and return to (result_pool.h); closed with the store.
  const std::shared_ptr<ResultPool>& result_pool() const { return result_pool_; }
  std::vector<std::pair<std::string, uint64_t>> Tickers();
  // What a salvage open dropped and repaired; empty when nothing was dropped (salvage.h).
  const SalvageReport& salvaged() const { return salvaged_; }

 private:
  Store() = default;
  // Open() decides between these: a read-only open of a store a writer holds is a secondary.
  static Status OpenDirect(const std::string& path, const OpenOptions& opts, std::unique_ptr<Store>* out);
  static Status OpenSecondary(const std::string& path, const OpenOptions& opts, std::unique_ptr<Store>* out);
  Status LoadSystem(bool fresh);
  // CatchUp's parts (follow.cc): the new instance after a writer restart; the spaces re-read.
  Status SwapInstance();
  Status RefreshSpaces();
  Status OpenRocks();
  Status AfterOpen();
  // Close's flush of every memtable (store.cc says why); OK for a read-only store.
  rocksdb::Status FlushBeforeClose();

  std::string path_;
  OpenOptions opts_;
  DirId dir_id_;
  // A writable store's hold on its directory in this process; released by Close() once RocksDB
  // has let go of it (declared before db_, so it also outlives db_ on destruction).
  DirClaim claim_;
  rocksdb::DBOptions db_opts_;
  // A secondary's working directory and read/catch-up gate; declared before db_ so that the
  // directory outlives the database that logs there.
  std::unique_ptr<Secondary> secondary_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::shared_ptr<InstanceLife> instance_life_ = std::make_shared<InstanceLife>();
  // A follower's view that a catch-up may have left mixing two runs of a restarted writer, and
  // that no new instance replaced yet: reads are refused (CVX_IO) until a catch-up succeeds.
  std::atomic<bool> view_broken_{false};
  rocksdb::WriteOptions write_opts_;
  std::shared_ptr<ErrorRecovery> recovery_;  // writable stores only
  bool opened_ = false;  // the open succeeded: only then may close flush and merge files
  std::shared_ptr<WalDamageLog> wal_log_;    // RocksDB's reports of damaged WAL records
  SalvageReport salvaged_;

  std::mutex write_mu_;
  std::mutex dims_mu_;
  std::unordered_map<uint32_t, uint32_t> dims_;

  std::mutex res_mu_;
  std::unordered_set<Resource*> resources_;

  std::shared_ptr<ResultPool> result_pool_ = std::make_shared<ResultPool>();

  std::mutex life_mu_;
  std::condition_variable idle_;
  int active_ = 0;
  bool closing_ = false;
  bool closed_ = false;     // a Close() has taken charge of releasing RocksDB
  bool close_done_ = false;  // ... and has finished: the directory lock is free
};

}  // namespace cvx
