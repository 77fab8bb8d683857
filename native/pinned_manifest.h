// A secondary's view of the store's files in which CURRENT keeps naming the MANIFEST the
// secondary opened. RocksDB's secondary, when CURRENT names a new MANIFEST (every writer open
// starts one), switches to it during a catch-up; with only one live version, as a secondary
// usually has, that switch fails an assertion (version_builder.cc, `version_ != cfd->current()`),
// and Debian's librocksdb keeps assertions on: the reading process aborted. Here the secondary
// never sees a switch: the first CURRENT it reads is pinned, and a later CURRENT naming
// another MANIFEST is only recorded (Switched()), for the caller to open a new secondary.
// It also counts the bytes the secondary has read of its MANIFEST (ManifestGrew()): a catch-up
// reads the MANIFEST, then lists the WAL files; a flush of the writer in between deletes a WAL
// whose table file the catch-up did not read, and the view lacks those writes (seen as a
// timeline ahead of its vectors). The MANIFEST then holds more than was read.
#pragma once
#include <atomic>
#include <cstdint>
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
  // True when the MANIFEST the secondary reads now holds more bytes than it has read (the
  // writer recorded a flush or compaction since), or cannot be sized.
  bool ManifestGrew();

 private:
  std::mutex mu_;
  std::string manifest_;                  // the MANIFEST file the secondary opened last
  std::shared_ptr<std::atomic<uint64_t>> manifest_read_ = std::make_shared<std::atomic<uint64_t>>(0);
  std::string pinned_;  // CURRENT's text as first read; empty before
  bool switched_ = false;
};

// A PinnedManifestFs over the stores' no-wait file system (nowait_fs.h: until 2026-12-03 it was the
// default one, and a follower's async get read the disk on the event loop), and an Env that uses
// it (for DBOptions::env).
struct PinnedManifestEnv {
  std::shared_ptr<PinnedManifestFs> fs;
  std::unique_ptr<rocksdb::Env> env;
  PinnedManifestEnv();
};

}  // namespace cvx
