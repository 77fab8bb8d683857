// See info_log.h. Plain POSIX calls on one descriptor under a mutex: no buffer, so nothing
// is left half-written in memory after a failure, and no RocksDB file writer, whose error
// path is what aborted.
#include "info_log.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <system_error>

namespace cvx {
namespace {

static_assert(kOldInfoLogs >= 1, "rotation needs at least one old file");

constexpr const char* kOldPrefix = "LOG.old.";
// Longer lines (a statistics dump is a few KiB) are cut here, so one line never costs more.
constexpr size_t kMaxLineBytes = 64 * 1024;

// 1..kOldInfoLogs for our own rotated files, 0 for any other LOG.old.* name (RocksDB's
// LOG.old.<microseconds>, or ours beyond the bound), -1 for a name that is not an old log.
int OldLogIndex(const char* name) {
  const size_t p = strlen(kOldPrefix);
  if (strncmp(name, kOldPrefix, p) != 0) return -1;
  const char* digits = name + p;
  const size_t n = strlen(digits);
  if (n == 0 || n > 3 || digits[0] == '0' || strspn(digits, "0123456789") != n) return 0;
  const int i = atoi(digits);
  return i <= kOldInfoLogs ? i : 0;
}

class BoundedInfoLog final : public rocksdb::Logger {
 public:
  BoundedInfoLog(std::string dir, rocksdb::InfoLogLevel level) : rocksdb::Logger(level), dir_(std::move(dir)) {}
  ~BoundedInfoLog() override { CloseFile(); }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    // Called on RocksDB's threads, where an exception would end the process: a line that
    // cannot be formatted (only an allocation can fail) is dropped like one that cannot be
    // written.
    try {
      std::string line = Format(format, ap);
      std::lock_guard<std::mutex> lock(mu_);
      Append(line);
    } catch (...) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
    }
  }

  size_t GetLogFileSize() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return size_;
  }

 protected:
  rocksdb::Status CloseImpl() override {
    std::lock_guard<std::mutex> lock(mu_);
    closed_file_ = true;
    CloseFile();
    return rocksdb::Status::OK();
  }

 private:
  std::string PathOf(const std::string& name) const { return dir_ + "/" + name; }
  std::string OldPath(int i) const { return PathOf(kOldPrefix + std::to_string(i)); }

  static std::string Format(const char* format, va_list ap) {
    struct timeval now;
    gettimeofday(&now, nullptr);
    struct tm t;
    localtime_r(&now.tv_sec, &t);
    char head[80];
    int h = snprintf(head, sizeof head, "%04d/%02d/%02d-%02d:%02d:%02d.%06ld %ld ", t.tm_year + 1900, t.tm_mon + 1,
                     t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, static_cast<long>(now.tv_usec),
                     static_cast<long>(syscall(SYS_gettid)));
    std::string line(head, static_cast<size_t>(std::max(h, 0)));
    char small[512];
    va_list copy;
    va_copy(copy, ap);
    const int n = vsnprintf(small, sizeof small, format, copy);
    va_end(copy);
    if (n > 0 && static_cast<size_t>(n) < sizeof small) {
      line.append(small, static_cast<size_t>(n));
    } else if (n > 0) {
      const size_t want = std::min(static_cast<size_t>(n), kMaxLineBytes);
      std::string big(want + 1, '\0');
      vsnprintf(&big[0], want + 1, format, ap);
      line.append(big.data(), want);
    }
    if (line.back() != '\n') line.push_back('\n');
    return line;
  }

  // Writes one line, rotating first when it would take LOG past the bound. Under mu_.
  void Append(const std::string& line) {
    if (closed_file_) return;
    if (fd_ < 0 && !OpenFile()) return Drop(errno);
    std::string text;
    if (partial_) text.push_back('\n');  // ends a line a failed write cut short
    const uint64_t dropped = dropped_.load(std::memory_order_relaxed);
    if (dropped > 0) {
      text += "(cvx-storage: " + std::to_string(dropped) + " info-log line" + (dropped == 1 ? "" : "s") +
              " dropped: " + std::error_code(last_errno_, std::generic_category()).message() + ")\n";
    }
    text += line;
    if (size_ + text.size() > kMaxInfoLogBytes && size_ > 0) Rotate();
    // A failed rotation leaves a full LOG (or none): the bound wins over the line.
    if (fd_ < 0 || size_ + text.size() > kMaxInfoLogBytes) return Drop(fd_ < 0 ? errno : EFBIG);
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t w = write(fd_, text.data() + done, text.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        const int err = w < 0 ? errno : ENOSPC;
        size_ += done;
        partial_ = done > 0 || partial_;
        return Drop(err);
      }
      done += static_cast<size_t>(w);
    }
    size_ += done;
    partial_ = false;
    dropped_.fetch_sub(dropped, std::memory_order_relaxed);
  }

  void Drop(int err) {
    last_errno_ = err;
    dropped_.fetch_add(1, std::memory_order_relaxed);
  }

  bool OpenFile() {
    if (!cleaned_) cleaned_ = RemoveForeignOldLogs();
    fd_ = open(PathOf("LOG").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) return false;
    struct stat st;
    size_ = fstat(fd_, &st) == 0 ? static_cast<size_t>(st.st_size) : 0;
    return true;
  }

  // LOG.old.<n> for n in kOldInfoLogs-1 .. 1 moves up one place (the oldest is replaced),
  // LOG becomes LOG.old.1, and a new LOG is opened. A missing file is not an error.
  void Rotate() {
    CloseFile();
    for (int i = kOldInfoLogs - 1; i >= 1; --i) rename(OldPath(i).c_str(), OldPath(i + 1).c_str());
    rename(PathOf("LOG").c_str(), OldPath(1).c_str());
    OpenFile();
  }

  // Old logs of any other naming: RocksDB's logger left one per open. True once the
  // directory could be read (until then, the next open of LOG tries again).
  bool RemoveForeignOldLogs() {
    DIR* d = opendir(dir_.c_str());
    if (!d) return false;
    while (dirent* e = readdir(d)) {
      if (OldLogIndex(e->d_name) == 0) unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
    return true;
  }

  void CloseFile() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  const std::string dir_;
  mutable std::mutex mu_;
  int fd_ = -1;
  size_t size_ = 0;
  bool partial_ = false;
  bool cleaned_ = false;
  bool closed_file_ = false;
  int last_errno_ = ENOMEM;  // a drop without a failed call is Logv's catch: an allocation
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewBoundedInfoLog(const std::string& dir, rocksdb::InfoLogLevel level) {
  return std::make_shared<BoundedInfoLog>(dir, level);
}

}  // namespace cvx
