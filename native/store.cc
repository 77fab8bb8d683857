// See store.h. Opening also checks the directory really is a cvx-storage store of a
// version we understand, so a foreign or future store is refused instead of misread, and
// that its files are not damaged (damage_probe.h), refusing either before anything is
// written to it.
#include "store.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cassert>
#include <cstring>

#include <rocksdb/env.h>
#include <rocksdb/statistics.h>

#include "codec.h"
#include "damage_probe.h"
#include "options.h"
#include "table_merge.h"

namespace cvx {
namespace {

bool FileExists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

// Files RocksDB writes while creating a database, before CURRENT exists. A directory
// holding only these is a creation that was interrupted (the process died in open()).
bool IsRocksCreationFile(const char* name) {
  auto starts = [&](const char* p) { return strncmp(name, p, strlen(p)) == 0; };
  auto ends = [&](const char* p) {
    size_t n = strlen(name), m = strlen(p);
    return n >= m && strcmp(name + n - m, p) == 0;
  };
  return strcmp(name, "LOCK") == 0 || strcmp(name, "IDENTITY") == 0 || starts("LOG") ||
         starts("MANIFEST-") || starts("OPTIONS-") || ends(".dbtmp");
}

// True when the directory exists and holds anything besides . and .. and the files of an
// interrupted RocksDB creation.
bool DirHasEntries(const std::string& p) {
  DIR* d = opendir(p.c_str());
  if (!d) return false;
  bool any = false;
  while (dirent* e = readdir(d)) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 && !IsRocksCreationFile(e->d_name)) {
      any = true;
      break;
    }
  }
  closedir(d);
  return any;
}

// An existing database opened only to look inside it before deciding whether to open it for
// real: read-only (which writes no file, not even RocksDB's LOG), so a directory that is then
// refused keeps every byte it had.
struct Probe {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;

  // Opens the named column families (read-only opens may leave others out).
  Status Open(const std::string& path, const std::vector<std::string>& names) {
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* raw = nullptr;
    rocksdb::Status st = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path, cfs, &handles, &raw);
    db.reset(raw);
    return Status::FromRocks(st, "open(" + path + ")");
  }
  ~Probe() {
    if (!db) return;
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  }
};

// RocksDB creates missing column families one at a time, so a process killed during the
// first open of a store leaves a database with only some of ours. It is ours to finish
// when it holds nothing: only our column-family names, every one of them empty.
Status IsInterruptedCreation(const std::string& path, const std::vector<std::string>& names, bool* yes) {
  *yes = false;
  for (const auto& n : names) {
    if (n != rocksdb::kDefaultColumnFamilyName && n != kVectorsCf && n != kTimelinesCf) return Status::Ok();
  }
  Probe probe;
  Status opened = probe.Open(path, names);
  if (!opened.ok()) return opened;
  bool empty = true;
  for (auto* h : probe.handles) {
    rocksdb::ReadOptions ro;
    ro.total_order_seek = true;
    std::unique_ptr<rocksdb::Iterator> it(probe.db->NewIterator(ro, h));
    it->SeekToFirst();
    if (it->Valid() || !it->status().ok()) empty = false;
  }
  *yes = empty;
  return Status::Ok();
}

// A cvx:format record we can read: decodable, and of our version.
Status CheckFormatRecord(const std::string& path, const rocksdb::Slice& value) {
  uint32_t version = 0;
  if (!DecodeFormatRecord(value, &version)) {
    return Status::Make(Code::kFormat, "open(" + path + "): cvx:format is not a valid format record");
  }
  if (version != kFormatVersion) {
    return Status::Make(Code::kFormat, "open(" + path + "): store has format version " + std::to_string(version) +
                                           ", this library reads version " + std::to_string(kFormatVersion));
  }
  return Status::Ok();
}

}  // namespace

Status NotAStore(const std::string& path) {
  return Status::Make(Code::kFormat, "open(" + path +
                                         "): the directory holds a RocksDB database that is not a "
                                         "cvx-storage store (no vectors/timelines column families)");
}

Status Store::OpenDirect(const std::string& path, const OpenOptions& opts, std::unique_ptr<Store>* out) {
  std::unique_ptr<Store> s(new Store());
  s->path_ = path;
  s->opts_ = opts;
  s->write_opts_.sync = opts.sync;
  // One writable store per directory, whatever the path's spelling: claimed before anything
  // reads or writes it. Read-only opens take no lock (RocksDB's OpenForReadOnly takes none).
  const bool may_create = opts.create_if_missing && !opts.read_only;
  Status id = IdentifyStoreDir(path, may_create, &s->dir_id_);
  if (!id.ok()) return id;
  if (!opts.read_only) {
    Status claimed = s->claim_.Take(s->dir_id_, path);
    if (!claimed.ok()) return claimed;
    // Another process writes it: say so now, before the probes below read files it rewrites.
    if (s->dir_id_.known && LockedByOtherProcess(path, false)) {
      return Status::Make(Code::kLocked, "open(" + path + "): the store is already open for writing in another process");
    }
  }
  const bool fresh = !FileExists(path + "/CURRENT");
  ProbeAnswer probe;
  if (!fresh) {
    std::vector<std::string> names;
    rocksdb::Status ls = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
    if (!ls.ok()) return Status::FromRocks(ls, "open(" + path + ")");
    bool has_vectors = std::find(names.begin(), names.end(), kVectorsCf) != names.end();
    bool has_timelines = std::find(names.begin(), names.end(), kTimelinesCf) != names.end();
    bool interrupted = false;
    if (!has_vectors || !has_timelines) {
      Status cut = CheckAllTablesListed(s->dir_id_, !opts.read_only, path, names);  // a MANIFEST cut short, not a creation
      if (!cut.ok()) return cut;
      Status is = IsInterruptedCreation(path, names, &interrupted);
      if (!is.ok()) return is;
    }
    // Only a writable open that may create finishes a creation; any other open finds no
    // store there yet, which is not the same as a foreign database.
    if (interrupted && (opts.read_only || !opts.create_if_missing)) {
      return Status::Make(Code::kIo, "open(" + path + "): no store exists there yet: its creation did not finish "
                                     "(the process creating it ended); a writable open finishes it");
    }
    if ((!has_vectors || !has_timelines) && !interrupted) return NotAStore(path);
    // The format marker and the files' damage, checked before a writable open, which would
    // replay and flush the WAL, rotate the MANIFEST, LOG and OPTIONS files, start a new WAL and
    // delete the table files the MANIFEST does not list, before LoadSystem could refuse a
    // later version or anything could refuse damage (damage_probe.h). A read-only open writes
    // nothing, so LoadSystem and AfterOpen refuse it just as cleanly.
    if (!interrupted && !opts.read_only) {
      Status damage = ProbeForDamage(path, opts.salvage, &probe);
      if (!damage.ok()) return damage;
      const std::string& marker = probe.format_record;
      Status format = marker.empty() ? Status::Ok() : CheckFormatRecord(path, marker);
      if (!format.ok()) return format;
    }
  } else if (DirHasEntries(path)) {
    // Creating a store among someone else's files would scatter ours through theirs.
    return Status::Make(Code::kFormat, "open(" + path + "): the directory is not empty and holds no store");
  } else if (opts.read_only || !opts.create_if_missing) {
    return Status::Make(Code::kIo, "open(" + path + "): no store exists there and " +
                                       (opts.read_only ? "readOnly is set" : "createIfMissing is false"));
  }

  s->db_opts_ = MakeDbOptions(opts.create_if_missing && !opts.read_only, opts.read_only ? "" : path);
  // Every table file opened now: a writer that starts later and compacts them away cannot make
  // a read of this handle fail (its descriptors are bounded by the store's table files).
  if (opts.read_only) s->db_opts_.max_open_files = -1;
  s->wal_log_ = WatchWalDamage(&s->db_opts_, opts.salvage);
  if (probe.torn_tail) s->db_opts_.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  if (!opts.read_only) {
    s->recovery_ = std::make_shared<ErrorRecovery>();
    s->db_opts_.listeners.push_back(s->recovery_);
  }
  Status opened = s->OpenRocks();
  if (!opened.ok()) return opened;
  Status loaded = s->LoadSystem(fresh);
  if (loaded.ok()) loaded = s->AfterOpen();
  if (!loaded.ok()) {
    s->Close();  // without flushing or merging: the open refused this store
    return loaded;
  }
  s->opened_ = true;
  *out = std::move(s);
  return Status::Ok();
}

Status Store::LoadSystem(bool fresh) {
  std::string value;
  rocksdb::Status st = db_->Get(rocksdb::ReadOptions(), system_cf(), kFormatKey, &value);
  if (st.IsNotFound()) {
    // A store we did not create and that lacks the marker could be anything written
    // with these column-family names; only an empty one is safe to adopt.
    if (!fresh) {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), vectors_cf()));
      it->SeekToFirst();
      if (it->Valid()) {
        return Status::Make(Code::kFormat, "open(" + path_ + "): vectors exist but the cvx:format marker is missing");
      }
    }
    if (opts_.read_only) return Status::Ok();
    st = db_->Put(rocksdb::WriteOptions(), system_cf(), kFormatKey, EncodeFormatRecord(kFormatVersion));
    if (!st.ok()) return Status::FromRocks(st, "open(" + path_ + ") writing cvx:format");
  } else if (!st.ok()) {
    return Status::FromRocks(st, "open(" + path_ + ") reading cvx:format");
  } else {
    Status format = CheckFormatRecord(path_, value);  // again: the probe ran before this open
    if (!format.ok()) return format;
  }

  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), system_cf()));
  const std::string prefix = kSpaceKeyPrefix;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string id_text = it->key().ToString().substr(prefix.size());
    char* end = nullptr;
    unsigned long long id = strtoull(id_text.c_str(), &end, 10);
    uint32_t dim = 0;
    if (id_text.empty() || *end != '\0' || id > 0xffffffffULL || !DecodeSpaceRecord(it->value(), &dim)) {
      return Status::Make(Code::kCorruption, "open(" + path_ + "): undecodable space record " + it->key().ToString());
    }
    dims_[static_cast<uint32_t>(id)] = dim;
  }
  return Status::FromRocks(it->status(), "open(" + path_ + ") reading space records");
}

// RocksDB's open itself. A read-only open, which no probe preceded, that finds the newest
// WAL torn and followed by bytes that are no record (damage_probe.h, OnlyTornTail) opens
// again in the point-in-time mode, which stops at the tear, as the probe does for a writable
// open. Any other damage is refused, naming the WAL file.
Status Store::OpenRocks() {
  for (int attempt = 0;; ++attempt) {
    rocksdb::DB* raw = nullptr;
    rocksdb::Status st = opts_.read_only
        ? rocksdb::DB::OpenForReadOnly(db_opts_, path_, ColumnFamilies(), &handles_, &raw)
        : rocksdb::DB::Open(db_opts_, path_, ColumnFamilies(), &handles_, &raw);
    if (st.ok()) {
      db_.reset(raw);
      return Status::Ok();
    }
    if (!st.IsCorruption()) return Status::FromRocks(st, "open(" + path_ + ")");
    const auto drops = wal_log_->Drops();
    if (attempt == 0 && opts_.read_only && db_opts_.wal_recovery_mode == rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords &&
        OnlyTornTail(path_, drops)) {
      db_opts_.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
      continue;
    }
    return WalDamaged(path_, st, drops);
  }
}

// Checks that need the open database: a read-only open, which the probe did not precede,
// refuses unlisted data too (nobody is writing the store, or its tables are work in progress);
// a salvage that dropped WAL records recomputes the timelines from the vectors it kept.
Status Store::AfterOpen() {
  // HeldByWriter, not a look at LOCK alone: a writable store of this process may have taken the
  // directory while this open ran, and closing a descriptor of LOCK would drop its lock.
  if (opts_.read_only) return HeldByWriter(dir_id_, path_) ? Status::Ok() : CheckUnlistedTables(db_.get(), handles_, path_);
  if (!opts_.salvage) return Status::Ok();
  return Salvage(*this, wal_log_->Drops(), &salvaged_);
}

Store::~Store() { Close(); }

Status Store::Enter() {
  {
    std::lock_guard<std::mutex> lock(life_mu_);
    if (closing_ || closed_) return Status::Make(Code::kNotOpen, "the store is closed");
    ++active_;
  }
  if (secondary_) secondary_->gate().EnterRead();  // no catch-up while the operation runs
  return Status::Ok();
}

void Store::Leave() {
  if (secondary_) secondary_->gate().LeaveRead();
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
