// See store.h: a store's lifetime once open (admission, close, writes' resumption, resources)
// and its per-space dimensions. Opening is in store_open.cc.
#include "store.h"

#include <algorithm>
#include <cassert>

#include <rocksdb/env.h>
#include <rocksdb/statistics.h>

#include "options.h"
#include "table_merge.h"

namespace cvx {

Store::~Store() { Close(); }

Status Store::Enter(bool read) {
  {
    std::lock_guard<std::mutex> lock(life_mu_);
    if (closing_ || closed_) return Status::Make(Code::kNotOpen, "the store is closed");
    ++active_;
  }
  if (secondary_ && read) {
    secondary_->gate().EnterRead();  // no catch-up while the operation runs
    if (view_broken_) {
      Leave(read);
      return Status::Make(Code::kIo, "the follower's view of " + path_ + " is not readable: its writer restarted during "
                                     "a catch-up and no new view could be opened yet; catch up again");
    }
  }
  return Status::Ok();
}

void Store::Leave(bool read) {
  if (secondary_ && read) secondary_->gate().LeaveRead();
  std::lock_guard<std::mutex> lock(life_mu_);
  assert(active_ > 0 && "Leave() without a matching Enter()");
  if (--active_ == 0) idle_.notify_all();
}

void Store::BeginClose() {
  std::lock_guard<std::mutex> lock(life_mu_);
  closing_ = true;
}

bool Store::IsOpen() {
  std::lock_guard<std::mutex> lock(life_mu_);
  return !closing_ && !closed_;
}

Status Store::Close() {
  {
    std::unique_lock<std::mutex> lock(life_mu_);
    // A concurrent Close() is releasing RocksDB: wait for it, or a caller who awaited its
    // own close() could reopen the directory while the lock is still held (CVX_LOCKED).
    auto wait_done = [&] { idle_.wait(lock, [this] { return close_done_; }); };
    if (closed_) { wait_done(); return Status::Ok(); }
    closing_ = true;
    idle_.wait(lock, [this] { return active_ == 0; });
    if (closed_) { wait_done(); return Status::Ok(); }
    closed_ = true;
  }
  struct Done {
    Store* s;
    ~Done() {
      std::lock_guard<std::mutex> lock(s->life_mu_);
      s->close_done_ = true;
      s->idle_.notify_all();
    }
  } done{this};
  {
    // No operation is in flight any more, so no iterator is being stepped.
    std::lock_guard<std::mutex> lock(res_mu_);
    for (Resource* r : resources_) r->Release();
    resources_.clear();
  }
  result_pool_->Close();
  Status result;
  if (db_) {
    // A store a background error stopped (a full disk) resumes if it now can, to close
    // cleanly; if it cannot, close reports that error, not RocksDB's "Seen error" text.
    const rocksdb::Status ready = recovery_ ? recovery_->BeforeFlush(db_.get(), handles_) : rocksdb::Status::OK();
    // A store still stopped cannot flush: its data stays in the WAL, which the next open replays.
    const rocksdb::Status flushed = !opened_ ? rocksdb::Status::Aborted("refused open") : ready.ok() ? FlushBeforeClose() : ready;
    if (opened_ && !flushed.ok()) {
      // The data stays in the WAL, which the next open replays; say so where an operator looks.
      rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, db_opts_.info_log,
                   "cvx: close could not flush the memtables, the WAL keeps their writes: %s", flushed.ToString().c_str());
    }
    // Resources: merge the small table files short sessions leave (table_merge.h). Runs after
    // close's flush, so that flush's file is counted; best effort, see there. A store that is
    // still stopped cannot compact: it merges at a later close.
    if (!opts_.read_only && flushed.ok()) {
      const rocksdb::Status merged = MergeSmallTables(db_.get(), handles_, path_);
      if (!merged.ok()) {
        rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, db_opts_.info_log, "cvx: merging small table files at close: %s",
                     merged.ToString().c_str());
        // A merge that failed on the disk stopped the store like any background error; it
        // wrote nothing that counts, so resume (as close does above) and close cleanly.
        if (recovery_) (void)recovery_->BeforeFlush(db_.get(), handles_);
      }
    }
    for (auto* h : handles_) {
      if (h) db_->DestroyColumnFamilyHandle(h);
    }
    handles_.clear();
    const rocksdb::Status closed = db_->Close();
    // A flush that failed (a full disk) left the data where it was, in the WAL, which the next
    // open replays: that alone is no failure of close. When the close fails too, the flush's
    // error is the first cause. RocksDB is released either way.
    const rocksdb::Status first = closed.ok() || flushed.ok() || !opened_ ? closed : flushed;
    result = Status::FromRocks(recovery_ && !first.ok() ? recovery_->Cause(first) : first, "close(" + path_ + ")");
    db_.reset();
  }
  // The options hold the info log's open file: a store closed but not yet collected would
  // keep a descriptor into its directory (and its filesystem busy) until garbage collection.
  db_opts_.info_log.reset();
  wal_log_.reset();  // it wraps the same file
  db_opts_.listeners.clear();
  instance_life_.reset();  // a retired instance no resource holds any more is closed by now
  if (secondary_) secondary_->RemoveWorkDir();
  claim_.Release();  // after RocksDB let go of its LOCK file: the next open finds both free
  return result;
}

// A cleanly closed store keeps its data in table files, not in its WAL: a WAL lost or cut
// after a clean close (a copy that left it out, a damaged disk) then loses nothing. One call
// for every column family, so RocksDB frees the WAL only once all of them are in tables.
rocksdb::Status Store::FlushBeforeClose() {
  if (opts_.read_only || handles_.size() < 3) return rocksdb::Status::OK();
  rocksdb::FlushOptions fo;
  fo.wait = true;
  fo.allow_write_stall = true;
  return db_->Flush(fo, {system_cf(), vectors_cf(), timelines_cf()});
}

Status Store::Write(rocksdb::WriteBatch* batch, const std::string& what) {
  if (recovery_) {
    Status ready = Status::FromRocks(recovery_->BeforeWrite(db_.get(), handles_), what);
    if (!ready.ok()) return ready;
  }
  return Status::FromRocks(db_->Write(write_opts_, batch), what);
}

Status Store::ResumeBeforeFlush(const std::string& what) {
  if (!recovery_) return Status::Ok();
  return Status::FromRocks(recovery_->BeforeFlush(db_.get(), handles_), what);
}

Status Store::Track(Resource* r) {
  std::lock_guard<std::mutex> life(life_mu_);
  if (closing_ || closed_) return Status::Make(Code::kNotOpen, "the store is closed");
  std::lock_guard<std::mutex> lock(res_mu_);
  resources_.insert(r);
  return Status::Ok();
}

void Store::ReleaseResource(Resource* r) {
  std::lock_guard<std::mutex> lock(res_mu_);
  if (resources_.erase(r)) r->Release();
}

int CfIndex(const std::string& name) {
  if (name == rocksdb::kDefaultColumnFamilyName) return 0;
  if (name == kVectorsCf) return 1;
  if (name == kTimelinesCf) return 2;
  return -1;
}

std::string CfNameList() {
  return rocksdb::kDefaultColumnFamilyName + ", " + kVectorsCf + ", " + kTimelinesCf;
}

rocksdb::ColumnFamilyHandle* Store::CfByName(const std::string& name) const {
  const int i = CfIndex(name);
  if (i < 0 || static_cast<size_t>(i) >= handles_.size()) return nullptr;
  return handles_[i];
}

uint32_t Store::SpaceDim(uint32_t space) {
  std::lock_guard<std::mutex> lock(dims_mu_);
  auto it = dims_.find(space);
  return it == dims_.end() ? 0 : it->second;
}

void Store::SetSpaceDim(uint32_t space, uint32_t dim) {
  std::lock_guard<std::mutex> lock(dims_mu_);
  dims_[space] = dim;
}

void Store::ReplaceSpaceDims(const std::unordered_map<uint32_t, uint32_t>& dims) {
  std::lock_guard<std::mutex> lock(dims_mu_);
  dims_ = dims;
}

std::vector<std::pair<uint32_t, uint32_t>> Store::Spaces() {
  std::lock_guard<std::mutex> lock(dims_mu_);
  std::vector<std::pair<uint32_t, uint32_t>> out(dims_.begin(), dims_.end());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<std::string, uint64_t>> Store::Tickers() {
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const auto& t : rocksdb::TickersNameMap) {
    out.emplace_back(t.second, db_opts_.statistics->getTickerCount(t.first));
  }
  return out;
}

}  // namespace cvx
