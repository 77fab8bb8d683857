// See secondary.h.
#include "secondary.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "info_log.h"

namespace cvx {
namespace {

constexpr const char* kWorkDirPrefix = "cvx-secondary-";
// Bounded retries of an open beside a writer. A writer compacting in a loop switches files
// every few milliseconds; one attempt in three failed at the worst measured, so forty attempts
// with a growing pause (up to 50 ms) all failing means the failure is not the writer's motion.
constexpr int kOpenAttempts = 40;
constexpr int kMaxPauseMs = 50;
// Open attempts whose catch-up found the writer had flushed meanwhile, beyond kOpenAttempts.
constexpr int kFlushedAttempts = 200;

std::string TempRoot() {
  const char* t = std::getenv("TMPDIR");
  std::string root = t && *t ? t : "/tmp";
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

// Removes a working directory: its files (the info log), then itself. Nothing else is there.
void RemoveFlatDir(const std::string& dir) {
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) unlink((dir + "/" + e->d_name).c_str());
    }
    closedir(d);
  }
  rmdir(dir.c_str());
}

void DropHandles(std::unique_ptr<rocksdb::DB>* db, std::vector<rocksdb::ColumnFamilyHandle*>* handles) {
  if (*db) {
    for (auto* h : *handles) {
      if (h) (*db)->DestroyColumnFamilyHandle(h);
    }
    (void)(*db)->Close();
  }
  handles->clear();
  db->reset();
}

// The numbers of the table files of db's current view, sorted: a catch-up that changes them
// read a flush or compaction of the writer.
std::vector<uint64_t> TableFiles(rocksdb::DB* db) {
  std::vector<rocksdb::LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  std::vector<uint64_t> out;
  out.reserve(files.size());
  for (const auto& f : files) out.push_back(f.file_number);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

bool LockedByOtherProcess(const std::string& dir, bool if_unsure) {
  const int fd = open((dir + "/LOCK").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno != ENOENT && if_unsure;
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  // An open-file-description query sees a classic fcntl lock of any process, this one included.
  int r = fcntl(fd, F_OFD_GETLK, &fl);
  if (r != 0 && errno == EINVAL) {  // a kernel without OFD locks: other processes' locks only
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    r = fcntl(fd, F_GETLK, &fl);
  }
  close(fd);
  return r != 0 ? if_unsure : fl.l_type != F_UNLCK;
}

std::string CurrentManifest(const std::string& dir) {
  std::string text;
  if (!rocksdb::ReadFileToString(rocksdb::FileSystem::Default().get(), dir + "/CURRENT", &text).ok()) return "";
  return text;
}

bool HeldByWriter(const DirId& id, const std::string& dir) {
  // The look at LOCK runs while no store of this process can take or give up the directory, so
  // it never opens (and, closing, unlocks) a LOCK file this process holds.
  // Unsure counts as held: the secondary reads a store nobody writes just as well.
  return ClaimedHereOr(id, [&] { return LockedByOtherProcess(dir, true); });
}

void ViewGate::EnterRead() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !exclusive_; });
  ++readers_;
}

void ViewGate::LeaveRead() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--readers_ == 0) cv_.notify_all();
}

Status ViewGate::Exclusive(const std::function<Status()>& fn) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !exclusive_; });
    exclusive_ = true;  // from here new reads wait
    cv_.wait(lock, [this] { return readers_ == 0; });
  }
  Status st = fn();
  std::lock_guard<std::mutex> lock(mu_);
  exclusive_ = false;
  cv_.notify_all();
  return st;
}

void SweepStaleWorkDirs() {
  const std::string root = TempRoot();
  DIR* d = opendir(root.c_str());
  if (!d) return;
  const size_t n = strlen(kWorkDirPrefix);
  std::vector<std::string> stale;
  while (dirent* e = readdir(d)) {
    if (strncmp(e->d_name, kWorkDirPrefix, n) != 0) continue;
    char* end = nullptr;
    const long pid = strtol(e->d_name + n, &end, 10);
    if (pid <= 0 || *end != '-' || pid == static_cast<long>(getpid())) continue;
    // ESRCH only: a process of another user (EPERM) is alive, and its directory is its own.
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) stale.push_back(root + "/" + e->d_name);
  }
  closedir(d);
  for (const auto& dir : stale) RemoveFlatDir(dir);
}

Status Secondary::MakeWorkDir(const std::string& path) {
  SweepStaleWorkDirs();
  std::string templ = TempRoot() + "/" + kWorkDirPrefix + std::to_string(getpid()) + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) {
    return Status::Make(Code::kIo, "open(" + path + "): the store is being written by another handle, and the "
                                       "working directory of the read-only view could not be made in " +
                                       TempRoot() + ": " + std::strerror(errno));
  }
  work_dir_ = buf.data();
  return Status::Ok();
}

Status Secondary::Open(const std::string& path, rocksdb::DBOptions opts,
                       const std::vector<rocksdb::ColumnFamilyDescriptor>& cfs, const std::function<Status()>& precheck,
                       std::unique_ptr<rocksdb::DB>* db, std::vector<rocksdb::ColumnFamilyHandle*>* handles,
                       const std::string& work_dir) {
  if (work_dir.empty()) {
    Status made = MakeWorkDir(path);
    if (!made.ok()) return made;
  } else {
    work_dir_ = work_dir;
    own_work_dir_ = false;
  }
  // A secondary reads table files the writer may delete at any moment: it must hold every one
  // open from the moment it learns of it (one descriptor per table file of its view).
  opts.max_open_files = -1;
  opts.create_if_missing = false;
  opts.create_missing_column_families = false;
  opts.info_log = NewBoundedInfoLog(work_dir_, opts.info_log_level);
  path_ = path;
  opts_ = opts;
  cfs_ = cfs;
  return OpenAttempts(precheck, db, handles);
}

Status Secondary::Reopen(const std::function<Status()>& precheck, std::unique_ptr<rocksdb::DB>* db,
                         std::vector<rocksdb::ColumnFamilyHandle*>* handles, std::unique_ptr<PinnedManifestEnv>* old_files) {
  *old_files = std::move(files_);
  Status st = OpenAttempts(precheck, db, handles);
  // Failed: the old instance stays in use, with its own pin (the next catch-up tries again).
  if (!st.ok()) files_ = std::move(*old_files);
  return st;
}

InstanceLife::~InstanceLife() { DropHandles(&db_, &handles_); }

void InstanceLife::Retire(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> handles,
                          std::unique_ptr<PinnedManifestEnv> files) {
  files_ = std::move(files);
  db_ = std::move(db);
  handles_ = std::move(handles);
}

Status Secondary::OpenAttempts(const std::function<Status()>& precheck, std::unique_ptr<rocksdb::DB>* db,
                               std::vector<rocksdb::ColumnFamilyHandle*>* handles) {
  rocksdb::DBOptions opts = opts_;
  Status st;
  int flushed = 0;      // attempts whose catch-up met a flush (CatchUpOnce): retried at once
  bool pause = false;
  for (int attempt = 0; attempt < kOpenAttempts; ++attempt) {
    if (pause) std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1 << std::min(attempt, 6), kMaxPauseMs)));
    pause = true;
    st = precheck();
    if (st.code == Code::kFormat) return st;
    if (!st.ok()) continue;
    files_ = std::make_unique<PinnedManifestEnv>();  // the last attempt's DB is gone: a fresh pin
    opts.env = files_->env.get();
    rocksdb::DB* raw = nullptr;
    st = Status::FromRocks(rocksdb::DB::OpenAsSecondary(opts, path_, work_dir_, cfs_, handles, &raw), "open(" + path_ + ")");
    db->reset(raw);
    // The open read the MANIFEST, then the WAL files it found: a WAL the writer flushed and
    // deleted between the two is in a table file only the MANIFEST's newer records name. The
    // catch-up reads them, so every write acknowledged before this open began is in the view.
    Restart restarted = Restart::kNone;
    if (st.ok()) st = CatchUpOnce(db->get(), &restarted);
    if (st.ok()) return st;
    DropHandles(db, handles);
    // A flush between the open and its catch-up is no fault of the files, only of timing: a
    // writer flushing every few milliseconds (compact() in a loop) needs many tries, without pauses.
    if (restarted == Restart::kFlushed && ++flushed < kFlushedAttempts) {
      --attempt;
      pause = false;
    }
  }
  return st;
}

void Secondary::HoldView() {
  std::lock_guard<std::mutex> lock(holds_mu_);
  ++view_holds_;
}

void Secondary::ReleaseView() {
  std::lock_guard<std::mutex> lock(holds_mu_);
  --view_holds_;
}

bool Secondary::Held() {
  std::lock_guard<std::mutex> lock(holds_mu_);
  return view_holds_ > 0;
}

Status Secondary::CatchUpOnce(rocksdb::DB* db, Restart* restarted) {
  *restarted = Restart::kNone;
  auto restart = [&](Restart when) {
    *restarted = when;
    return Status::Make(Code::kIo, "catching up with the writer of " + path_ + ": the writer restarted (a new MANIFEST)");
  };
  // Looked at first: a restart seen before the catch-up leaves the view whole and readable.
  if (files_->fs->Switched(path_)) return restart(Restart::kBefore);
  const std::vector<uint64_t> tables = TableFiles(db);
  Status st = Status::FromRocks(db->TryCatchUpWithPrimary(), "catching up with the writer");
  // Checked after the catch-up too: a new MANIFEST written while it read the WAL files means
  // it may have read the new run's WAL beside the old run's table files.
  if (files_->fs->Switched(path_)) return restart(Restart::kAfter);
  // New table files, or a MANIFEST that grew past what the catch-up read (a flush may have
  // deleted a WAL between the two reads: pinned_manifest.h): either way not a view to read.
  if (st.ok() && (TableFiles(db) != tables || files_->fs->ManifestGrew())) {
    *restarted = Restart::kFlushed;
    return Status::Make(Code::kIo, "catching up with the writer of " + path_ + ": new table files (a flush or compaction)");
  }
  return st;
}

Status Secondary::CatchUp(rocksdb::DB* db, bool* moved) {
  if (moved) *moved = false;
  return gate_.Exclusive([&] {
    if (Held()) return Status::Ok();
    Restart restarted;
    Status st = CatchUpOnce(db, &restarted);
    if (moved) *moved = st.ok();
    return st;
  });
}

void Secondary::RemoveWorkDir() {
  if (work_dir_.empty()) return;
  if (own_work_dir_) RemoveFlatDir(work_dir_);
  work_dir_.clear();
}

}  // namespace cvx
