// A secondary's view of the store's files in which CURRENT keeps naming the MANIFEST the
// secondary opened. RocksDB's secondary, when CURRENT names a new MANIFEST (every writer open
// starts one), switches to it during a catch-up; with only one live version, as a secondary
// usually has, that switch fails an assertion (version_builder.cc, `version_ != cfd->current()`),
// and Debian's librocksdb keeps assertions on: the reading process aborted. Here the secondary
// never sees a switch: the first CURRENT it reads is pinned, and a later CURRENT naming
// another MANIFEST is only recorded (Switched()), for the caller to open a new secondary.
#pragma once
#include <memory>
#include <mutex>
#include <string>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

namespace cvx {

class PinnedManifestFs : public rocksdb::FileSystemWrapper {
 public:
  explicit PinnedManifestFs(const std::shared_ptr<rocksdb::FileSystem>& base) : FileSystemWrapper(base) {}
  const char* Name() const override { return "CvxPinnedManifestFs"; }

  rocksdb::IOStatus NewSequentialFile(const std::string& f, const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSSequentialFile>* r,
                                      rocksdb::IODebugContext* dbg) override;

  // True once a read of CURRENT found another MANIFEST than the pinned one, or when `dir`'s
  // CURRENT names another one now (read again here).
  bool Switched(const std::string& dir);

 private:
  std::mutex mu_;
  std::string pinned_;  // CURRENT's text as first read; empty before
  bool switched_ = false;
};

// A PinnedManifestFs over the default file system, and an Env that uses it (for DBOptions::env).
struct PinnedManifestEnv {
  std::shared_ptr<PinnedManifestFs> fs;
  std::unique_ptr<rocksdb::Env> env;
  PinnedManifestEnv();
};

}  // namespace cvx
