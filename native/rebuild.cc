// See rebuild.h.
#include "rebuild.h"

#include <dirent.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

#include <rocksdb/db.h>

#include "change_feed.h"
#include "dir_identity.h"
#include "options.h"
#include "store.h"
#include "verify.h"

namespace cvx {
namespace {

std::vector<std::string> FilesEndingWith(const std::string& dir, const char* suffix) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  const size_t m = strlen(suffix);
  while (dirent* e = readdir(d)) {
    const size_t n = strlen(e->d_name);
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (n >= m && strcmp(e->d_name + n - m, suffix) == 0) out.emplace_back(e->d_name);
  }
  closedir(d);
  return out;
}

// True unless the directory's newest OPTIONS file (RocksDB writes one at every open) shows a
// database without our column families: someone else's database, which a rebuild must not
// rewrite. A directory without OPTIONS files is given the benefit of the doubt.
bool MayBeOurs(const std::string& path) {
  std::string newest;
  for (const auto& f : FilesEndingWith(path, "")) {
    if (f.rfind("OPTIONS-", 0) == 0 && f.find(".dbtmp") == std::string::npos && f > newest) newest = f;
  }
  if (newest.empty()) return true;
  std::ifstream in(path + "/" + newest);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.find(std::string("[CFOptions \"") + kVectorsCf + "\"]") != std::string::npos &&
         text.find(std::string("[CFOptions \"") + kTimelinesCf + "\"]") != std::string::npos;
}

// RepairDB under this process's one-writer-per-directory claim, so no open of this process
// runs beside it (another process's is kept out by RocksDB's LOCK, which RepairDB takes).
Status RepairFiles(const std::string& path, RebuildReport* out) {
  DirId id;
  Status found = IdentifyStoreDir(path, false, &id);
  if (!found.ok()) return found;
  DirClaim claim;
  Status claimed = claim.Take(id, path);
  if (!claimed.ok()) return claimed;
  const auto tables = FilesEndingWith(path, ".sst");
  out->table_files = tables.size() + FilesEndingWith(path, ".ldb").size();
  out->wal_files = FilesEndingWith(path, ".log").size();
  if (out->table_files == 0 && out->wal_files == 0) {
    return Status::Make(Code::kIo, "rebuild(" + path + "): the directory holds no table or WAL file to rebuild from");
  }
  if (!MayBeOurs(path)) {
    return Status::Make(Code::kFormat, "rebuild(" + path + "): the directory holds a RocksDB database that is not a "
                                       "cvx-storage store (its OPTIONS file has no vectors/timelines column families)");
  }
  const auto lost_before = FilesEndingWith(path + "/lost", "");
  rocksdb::Status st = rocksdb::RepairDB(path, MakeDbOptions(false, path), ColumnFamilies(), rocksdb::ColumnFamilyOptions());
  for (const auto& f : FilesEndingWith(path + "/lost", "")) {
    bool old = false;
    for (const auto& b : lost_before) old = old || b == f;
    if (!old) out->lost.push_back("lost/" + f);
  }
  return Status::FromRocks(st, "rebuild(" + path + ")");
}

}  // namespace

Status RebuildStore(const std::string& path, RebuildReport* out) {
  Status repaired = RepairFiles(path, out);
  if (!repaired.ok()) return repaired;
  OpenOptions o;
  o.create_if_missing = false;
  std::unique_ptr<Store> store;
  Status opened = Store::Open(path, o, &store);
  if (!opened.ok()) return opened;
  // RepairDB turned the WAL's records into table files: the change feed cannot send them.
  Status marked = MarkFeedBreak(*store, "rebuild() remade the store from its files");
  if (!marked.ok()) return marked;
  VerifyOptions vo;
  vo.repair = true;
  vo.max_issues = 0;
  VerifyReport r;
  Status verified = VerifyStore(*store, vo, &r);
  out->vectors = r.vectors_scanned;
  out->series = r.series;
  out->issues_found = r.issue_count;
  out->timelines_written = r.timelines_written;
  out->timelines_deleted = r.timelines_deleted;
  Status closed = store->Close();
  return verified.ok() ? closed : verified;
}

}  // namespace cvx
