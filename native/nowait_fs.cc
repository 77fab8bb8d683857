// See nowait_fs.h. Why a second descriptor: RocksDB's own file object keeps its descriptor
// private, and preadv2 needs one. It is opened with the table file (never on the main thread
// during a get), so a table file costs two descriptors while the store holds it open.
#include "nowait_fs.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include <rocksdb/file_system.h>

namespace cvx {

namespace {
thread_local NoWaitScope* tls_scope = nullptr;

bool EndsWith(const std::string& s, const char* tail) {
  const size_t n = strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}
}  // namespace

NoWaitScope::NoWaitScope() { tls_scope = this; }
NoWaitScope::~NoWaitScope() { tls_scope = nullptr; }

// A table file: RocksDB's own reads, except inside a NoWaitScope, where a read that cannot be
// served from the page cache at once fails (the scope records it) instead of waiting.
class NoWaitFile : public rocksdb::FSRandomAccessFileOwnerWrapper {
 public:
  NoWaitFile(std::unique_ptr<rocksdb::FSRandomAccessFile> base, int fd)
      : rocksdb::FSRandomAccessFileOwnerWrapper(std::move(base)), fd_(fd) {}
  ~NoWaitFile() override {
    if (fd_ >= 0) close(fd_);
  }

  rocksdb::IOStatus Read(uint64_t offset, size_t n, const rocksdb::IOOptions& o, rocksdb::Slice* result,
                         char* scratch, rocksdb::IODebugContext* dbg) const override {
    NoWaitScope* scope = tls_scope;
    if (!scope) return target()->Read(offset, n, o, result, scratch, dbg);
    if (fd_ < 0 || use_direct_io()) return WouldBlock(scope, result, scratch);
    size_t got = 0;
    while (got < n) {
      iovec iov{scratch + got, n - got};
      const ssize_t r = preadv2(fd_, &iov, 1, static_cast<off_t>(offset + got), RWF_NOWAIT);
      if (r > 0) { got += static_cast<size_t>(r); continue; }
      if (r == 0) break;  // end of file: a short read, as RocksDB's own read reports it
      if (errno == EINTR) continue;
      // EAGAIN: not (all) in the page cache. EOPNOTSUPP: a filesystem without RWF_NOWAIT. Any
      // other error is left to the normal read on the pool, which reports it as RocksDB does.
      return WouldBlock(scope, result, scratch);
    }
    *result = rocksdb::Slice(scratch, got);
    return rocksdb::IOStatus::OK();
  }

  // MultiGet reads its blocks through MultiRead: in a scope, each through Read above.
  rocksdb::IOStatus MultiRead(rocksdb::FSReadRequest* reqs, size_t n, const rocksdb::IOOptions& o,
                              rocksdb::IODebugContext* dbg) override {
    if (!tls_scope) return target()->MultiRead(reqs, n, o, dbg);
    for (size_t i = 0; i < n; ++i) reqs[i].status = Read(reqs[i].offset, reqs[i].len, o, &reqs[i].result, reqs[i].scratch, dbg);
    return rocksdb::IOStatus::OK();
  }

  // readahead(2) waits until the data is read: never in a scope (RocksDB then reads by itself).
  rocksdb::IOStatus Prefetch(uint64_t offset, size_t n, const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
    if (tls_scope) return rocksdb::IOStatus::NotSupported("cvx: no prefetch without waiting");
    return target()->Prefetch(offset, n, o, dbg);
  }

 private:
  static rocksdb::IOStatus WouldBlock(NoWaitScope* scope, rocksdb::Slice* result, char* scratch) {
    scope->would_block_ = true;
    *result = rocksdb::Slice(scratch, 0);
    return rocksdb::IOStatus::IOError("cvx: this read would wait for the disk");
  }

  int fd_;  // the probe descriptor; -1 if it could not be opened (every scoped read then refused)
};

namespace {

class NoWaitFs : public rocksdb::FileSystemWrapper {
 public:
  explicit NoWaitFs(const std::shared_ptr<rocksdb::FileSystem>& base) : rocksdb::FileSystemWrapper(base) {}
  const char* Name() const override { return "CvxNoWaitFs"; }

  rocksdb::IOStatus NewRandomAccessFile(const std::string& f, const rocksdb::FileOptions& fo,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* r,
                                        rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus st = target()->NewRandomAccessFile(f, fo, r, dbg);
    if (!st.ok() || !EndsWith(f, ".sst") || fo.use_mmap_reads) return st;
    // Without a probe descriptor (say, out of descriptors) every scoped read of the file is
    // refused, so it goes to the pool: the main thread never reads a table file with a plain pread.
    const int fd = open(f.c_str(), O_RDONLY | O_CLOEXEC);
    // As RocksDB advises its own descriptor (advise_random_on_open): no readahead. A refused
    // read still starts the I/O of the pages it asked for (the kernel's readahead call before
    // EAGAIN), which the pool's read then finds in flight; without this it started a whole
    // readahead window, and the pool's 4 KiB read waited for it.
    if (fd >= 0) posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
    *r = std::make_unique<NoWaitFile>(std::move(*r), fd);
    return st;
  }
};

}  // namespace

std::shared_ptr<rocksdb::FileSystem> StoreFileSystem() {
  // Never freed, like the Env over it: secondaries a process leaves open at exit still use it.
  static auto* fs = new std::shared_ptr<rocksdb::FileSystem>(std::make_shared<NoWaitFs>(rocksdb::FileSystem::Default()));
  return *fs;
}

rocksdb::Env* StoreEnv() {
  static rocksdb::Env* env = rocksdb::NewCompositeEnv(StoreFileSystem()).release();
  return env;
}

}  // namespace cvx
