// See damage_probe.h.
#include "damage_probe.h"

#include <dirent.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>

#include <rocksdb/snapshot.h>
#include <rocksdb/sst_file_reader.h>
#include <rocksdb/table_properties.h>
#include <rocksdb/utilities/debug.h>

#include "bulk_load.h"
#include "codec.h"
#include "options.h"
#include "secondary.h"
#include "store.h"
#include "wal_tail.h"

namespace cvx {
namespace {

// A read at a sequence number the probe chose: SstFileReader takes a snapshot for that.
class AtSequence final : public rocksdb::Snapshot {
 public:
  explicit AtSequence(rocksdb::SequenceNumber s) : seq_(s) {}
  ~AtSequence() override = default;
  rocksdb::SequenceNumber GetSequenceNumber() const override { return seq_; }
  int64_t GetUnixTime() const override { return 0; }
  uint64_t GetTimestamp() const override { return 0; }

 private:
  rocksdb::SequenceNumber seq_;
};

std::vector<std::string> TableFiles(const std::string& path) {
  std::vector<std::string> out;
  DIR* d = opendir(path.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    const size_t n = strlen(e->d_name);
    if ((n > 4 && strcmp(e->d_name + n - 4, ".sst") == 0) || (n > 4 && strcmp(e->d_name + n - 4, ".ldb") == 0)) {
      out.emplace_back(e->d_name);
    }
  }
  closedir(d);
  return out;
}

// What one unlisted table holds that the store does not: records newer than anything it
// remembers (`latest`), and records of keys it has no trace of. 0 and 0 for a file that
// cannot be read as a table (a flush or compaction killed while writing it).
struct Unheld {
  uint64_t newer = 0;
  uint64_t unknown = 0;
};

Unheld ExamineTable(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& handles, const std::string& file,
                    rocksdb::SequenceNumber latest) {
  Unheld u;
  rocksdb::SstFileReader reader{rocksdb::Options()};
  if (!reader.Open(file).ok()) return u;
  auto props = reader.GetTableProperties();
  const int cf = props ? CfIndex(props->column_family_name) : -1;
  rocksdb::ColumnFamilyHandle* h = cf >= 0 && static_cast<size_t>(cf) < handles.size() ? handles[cf] : nullptr;
  AtSequence at(latest);
  rocksdb::ReadOptions then;
  then.snapshot = &at;
  std::unique_ptr<rocksdb::Iterator> all(reader.NewIterator(rocksdb::ReadOptions()));
  std::unique_ptr<rocksdb::Iterator> old(reader.NewIterator(then));
  all->SeekToFirst();
  old->SeekToFirst();
  // The file's latest records against those the store's last sequence number sees: any
  // difference is a record written after everything the store remembers.
  for (; all->Valid(); all->Next()) {
    if (!old->Valid() || old->key() != all->key() || old->value() != all->value()) {
      ++u.newer;
      if (old->Valid() && old->key() == all->key()) old->Next();
      continue;
    }
    old->Next();
  }
  if (!all->status().ok() || h == nullptr) return u;
  std::string value;
  for (old->SeekToFirst(); old->Valid(); old->Next()) {
    rocksdb::Status got = db->Get(rocksdb::ReadOptions(), h, old->key(), &value);
    if (!got.IsNotFound()) continue;
    // Not there: fine when the store holds a deletion of it (a later delete), not otherwise.
    std::vector<rocksdb::KeyVersion> versions;
    if (rocksdb::GetAllKeyVersions(db, h, old->key(), old->key(), 4, &versions).ok() && versions.empty()) ++u.unknown;
  }
  return u;
}

std::vector<std::string> UnlistedTables(rocksdb::DB* db, const std::string& path);

}  // namespace

bool HasTableFiles(const std::string& path) { return !TableFiles(path).empty(); }

Status WalDamaged(const std::string& path, const rocksdb::Status& st, const std::vector<WalDrop>& drops) {
  if (drops.empty()) return Status::FromRocks(st, "open(" + path + ")");
  return Status::Make(Code::kCorruption,
                      "open(" + path + "): a WAL is damaged before its end: " + DescribeDrops(drops) +
                          "; records after the damage would be lost. Nothing was changed. Open with "
                          "{ salvage: true } (cvx-hot repair) to open it anyway and drop what is damaged (" +
                          st.ToString() + ")");
}

Status CheckUnlistedTables(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                           const std::string& path) {
  const rocksdb::SequenceNumber latest = db->GetLatestSequenceNumber();
  std::string names;
  uint64_t records = 0;
  for (const auto& name : UnlistedTables(db, path)) {
    const Unheld u = ExamineTable(db, handles, path + "/" + name, latest);
    if (u.newer + u.unknown == 0) continue;
    names += (names.empty() ? "" : ", ") + name;
    records += u.newer + u.unknown;
  }
  if (names.empty()) return Status::Ok();
  return Status::Make(Code::kCorruption,
                      "open(" + path + "): the MANIFEST does not list the table files " + names + ", which hold " +
                          std::to_string(records) +
                          " records found nowhere else in the store: the MANIFEST is damaged. Nothing was changed. "
                          "HotStore.rebuild() (cvx-hot repair --rebuild) rebuilds the store from its table files");
}

namespace {

// Table files in the directory that `db`'s MANIFEST does not list.
std::vector<std::string> UnlistedTables(rocksdb::DB* db, const std::string& path) {
  std::vector<rocksdb::LiveFileMetaData> live;
  db->GetLiveFilesMetaData(&live);
  std::set<std::string> listed;
  for (const auto& f : live) listed.insert(f.name.substr(f.name.rfind('/') + 1));
  std::vector<std::string> out;
  for (const auto& name : TableFiles(path)) {
    // A load killed while RocksDB linked its staged files in: not damage (bulk_load.h).
    if (!listed.count(name) && !IsStagedLink(path, path + "/" + name)) out.push_back(name);
  }
  return out;
}

}  // namespace

Status CheckAllTablesListed(const DirId& id, bool claimed, const std::string& path, const std::vector<std::string>& names) {
  if (!HasTableFiles(path)) return Status::Ok();
  // A writable open holds the directory's claim, so only another process can be writing, and
  // looking at LOCK drops no lock of ours. A read-only open holds none: HeldByWriter asks this
  // process's claims first, since closing a descriptor of LOCK would drop a writer's lock of ours.
  if (claimed ? LockedByOtherProcess(path, false) : HeldByWriter(id, path)) return Status::Ok();
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  rocksdb::DBOptions o;
  o.max_open_files = 64;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status st = rocksdb::DB::OpenForReadOnly(o, path, cfs, &handles, &raw);
  if (!st.ok()) return st.IsCorruption() ? Status::FromRocks(st, "open(" + path + ")") : Status::Ok();
  std::unique_ptr<rocksdb::DB> db(raw);
  const auto unlisted = UnlistedTables(db.get(), path);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  if (unlisted.empty()) return Status::Ok();
  std::string listed_cfs, files;
  for (const auto& n : names) listed_cfs += (listed_cfs.empty() ? "" : ", ") + n;
  for (const auto& f : unlisted) files += (files.empty() ? "" : ", ") + f;
  return Status::Make(Code::kCorruption, "open(" + path + "): the MANIFEST lists only the column families " + listed_cfs +
                                             " and not the table files " + files +
                                             ": the MANIFEST is damaged. Nothing was changed. HotStore.rebuild() "
                                             "(cvx-hot repair --rebuild) rebuilds the store from its table files");
}

bool OnlyTornTail(const std::string& path, const std::vector<WalDrop>& drops) {
  if (drops.empty()) return false;
  std::string newest;
  unsigned long long newest_number = 0;
  DIR* d = opendir(path.c_str());
  if (!d) return false;
  while (dirent* e = readdir(d)) {
    const size_t n = strlen(e->d_name);
    if (n <= 4 || strcmp(e->d_name + n - 4, ".log") != 0) continue;
    const unsigned long long number = strtoull(e->d_name, nullptr, 10);
    if (newest.empty() || number > newest_number) {
      newest = e->d_name;
      newest_number = number;
    }
  }
  closedir(d);
  for (const auto& drop : drops) {
    if (drop.file.size() < newest.size() + 1 ||
        drop.file.compare(drop.file.size() - newest.size() - 1, std::string::npos, "/" + newest) != 0) {
      return false;
    }
  }
  return ExamineWalTail(path + "/" + newest) == WalTail::kTornTail;
}

namespace {

Status ProbeOpen(const std::string& path, rocksdb::WALRecoveryMode mode, ProbeAnswer* answer) {
  rocksdb::DBOptions o;
  o.wal_recovery_mode = mode;
  auto log = std::make_shared<WalDamageLog>(nullptr, rocksdb::InfoLogLevel::INFO_LEVEL);
  o.info_log = log;
  o.max_open_files = 64;  // table files are opened when read, not all at once
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status st = rocksdb::DB::OpenForReadOnly(o, path, ColumnFamilies(), &handles, &raw);
  if (!st.ok()) {
    // Damage is reported here; anything else (a race with a process that is taking the store
    // over, a missing permission) is the real open's to report.
    if (!st.IsCorruption()) return Status::Ok();
    if (mode == rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords && OnlyTornTail(path, log->Drops())) {
      answer->torn_tail = true;
      return ProbeOpen(path, rocksdb::WALRecoveryMode::kPointInTimeRecovery, answer);
    }
    return WalDamaged(path, st, log->Drops());
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  if (!db->Get(rocksdb::ReadOptions(), handles[0], kFormatKey, &answer->format_record).ok()) answer->format_record.clear();
  Status unlisted = CheckUnlistedTables(db.get(), handles, path);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  return unlisted;
}

}  // namespace

Status ProbeForDamage(const std::string& path, bool salvage, ProbeAnswer* answer) {
  *answer = ProbeAnswer();
  // Under the directory's claim (a writable open), so looking at LOCK drops no lock of ours.
  if (LockedByOtherProcess(path, false)) return Status::Ok();  // the real open reports CVX_LOCKED
  return ProbeOpen(path, salvage ? rocksdb::WALRecoveryMode::kSkipAnyCorruptedRecords
                                 : rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords,
                   answer);
}

}  // namespace cvx
