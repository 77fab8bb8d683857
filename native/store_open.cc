// Opening a store directly (writable, or read-only with no writer beside it; see store.h and,
// for read-only opens beside a writer, read_only_open.cc). Opening also checks the directory
// really is a cvx-storage store of a version we understand, so a foreign or future store is
// refused instead of misread, and that its files are not damaged (damage_probe.h), refusing
// either before anything is written to it.
#include "store.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cassert>
#include <cstring>

#include <rocksdb/env.h>
#include <rocksdb/statistics.h>

#include "bulk_load.h"
#include "codec.h"
#include "damage_probe.h"
#include "nowait_fs.h"
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
  s->db_opts_.env = StoreEnv();  // table reads an async get can make without waiting (nowait_fs.h)
  // Every table file opened now: a writer that starts later and compacts them away cannot make
  // a read of this handle fail (its descriptors are bounded by the store's table files).
  if (opts.read_only) s->db_opts_.max_open_files = -1;
  s->db_opts_.WAL_ttl_seconds = opts.wal_ttl_seconds;
  s->db_opts_.WAL_size_limit_MB = opts.wal_size_limit_mb;
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
  // What a killed bulk load staged: RocksDB's open has deleted the links it may have left in
  // the store; the staged files are no longer needed (bulk_load.h).
  if (!opts.read_only) {
    Status cleaned = CleanStaging(*s);
    if (!cleaned.ok()) {
      s->Close();
      return cleaned;
    }
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

  return ReadSpaceDims(*this, rocksdb::ReadOptions(), &dims_, "open(" + path_ + ")");
}

Status ReadSpaceDims(const Store& s, const rocksdb::ReadOptions& ro, std::unordered_map<uint32_t, uint32_t>* dims,
                     const std::string& what) {
  std::unique_ptr<rocksdb::Iterator> it(s.db()->NewIterator(ro, s.system_cf()));
  const std::string prefix = kSpaceKeyPrefix;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string id_text = it->key().ToString().substr(prefix.size());
    char* end = nullptr;
    unsigned long long id = strtoull(id_text.c_str(), &end, 10);
    uint32_t dim = 0;
    if (id_text.empty() || *end != '\0' || id > 0xffffffffULL || !DecodeSpaceRecord(it->value(), &dim)) {
      return Status::Make(Code::kCorruption, what + ": undecodable space record " + it->key().ToString());
    }
    (*dims)[static_cast<uint32_t>(id)] = dim;
  }
  return Status::FromRocks(it->status(), what + " reading space records");
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

}  // namespace cvx
