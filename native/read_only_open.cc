// How a read-only open is made: a plain read-only RocksDB instance for a store nobody writes,
// a secondary instance (secondary.h) for a store a writer holds, in this process or another.
// Store::Open is here; the plain open of either kind is Store::OpenDirect (store.cc).
#include <algorithm>

#include "nowait_fs.h"
#include "options.h"
#include "store.h"

namespace cvx {

namespace {
// Plain read-only opens tried before the store is taken as written: a writer that opens, writes
// and closes again during each of that many opens is a writer that is there, as far as reading goes.
constexpr int kPlainAttempts = 20;
}  // namespace

Status Store::Open(const std::string& path, const OpenOptions& opts, std::unique_ptr<Store>* out) {
  if (opts.salvage && opts.read_only) {
    return Status::Make(Code::kInvalidArgument, "options.salvage needs a writable open, and readOnly is set");
  }
  if (opts.follower && !opts.read_only) {
    return Status::Make(Code::kInvalidArgument, "options.follower opens read-only, and readOnly is false");
  }
  if (!opts.read_only) return OpenDirect(path, opts, out);
  // A follower is always a secondary: a writer may start at any time, and only a secondary can
  // catch up with it (follow.cc).
  if (opts.follower) return OpenSecondary(path, opts, out);
  // Read-only beside a writer is a secondary (secondary.h). A plain read-only open is kept only
  // when no writer touched the store while it ran: none held it before or after, and CURRENT
  // named the same MANIFEST throughout (every writer's open starts a new one, so a writer that
  // opened, wrote and closed again during the open is seen too). Otherwise its answer, an error
  // or a view, may come from files changing under it: it is dropped and the choice made again.
  DirId id;
  (void)IdentifyStoreDir(path, false, &id);  // unknown when missing: OpenDirect reports that
  for (int attempt = 0; attempt < kPlainAttempts; ++attempt) {
    const std::string before = CurrentManifest(path);  // read before the look at the lock
    if (HeldByWriter(id, path)) break;
    Status st = OpenDirect(path, opts, out);
    if (!HeldByWriter(id, path) && CurrentManifest(path) == before) return st;
    if (*out) (void)(*out)->Close();
    out->reset();
  }
  return OpenSecondary(path, opts, out);
}

Status StoreFamiliesListed(const std::string& path) {
  std::vector<std::string> names;
  rocksdb::Status ls = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
  if (!ls.ok()) return Status::FromRocks(ls, "open(" + path + ")");
  bool ours_only = true;  // only names of ours: a store the writer is still creating
  for (const auto& n : names) ours_only = ours_only && CfIndex(n) >= 0;
  for (const char* cf : {kVectorsCf, kTimelinesCf}) {
    if (std::find(names.begin(), names.end(), cf) != names.end()) continue;
    // Not yet a store, not a foreign one either: CVX_IO, which the open retries.
    if (ours_only) return Status::Make(Code::kIo, "open(" + path + "): no store exists there yet: its writer is still creating it");
    return NotAStore(path);
  }
  return Status::Ok();
}

Status Store::OpenSecondary(const std::string& path, const OpenOptions& opts, std::unique_ptr<Store>* out) {
  std::unique_ptr<Store> s(new Store());
  s->path_ = path;
  s->opts_ = opts;
  Status id = IdentifyStoreDir(path, false, &s->dir_id_);
  if (!id.ok()) return id;
  s->secondary_ = std::make_unique<Secondary>();
  s->db_opts_ = MakeDbOptions(false, "");
  s->db_opts_.env = StoreEnv();  // table reads an async get can make without waiting (nowait_fs.h)
  // The writer may be switching its MANIFEST while we list the column families: retried.
  auto precheck = [&] { return StoreFamiliesListed(path); };
  Status st = s->secondary_->Open(path, s->db_opts_, ColumnFamilies(), precheck, &s->db_, &s->handles_, opts.follower_dir);
  if (!st.ok()) return st;  // the Store's destructor removes the working directory
  Status loaded = s->LoadSystem(false);
  if (!loaded.ok()) {
    s->Close();
    return loaded;
  }
  *out = std::move(s);
  return Status::Ok();
}

}  // namespace cvx
