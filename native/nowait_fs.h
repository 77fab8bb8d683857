// Reads that never wait for the disk. Every store opens with StoreEnv(): the default Env whose
// table files (.sst) are also opened a second time for probing. On a thread inside a NoWaitScope,
// a table read uses preadv2(RWF_NOWAIT) on that descriptor: it is served from the OS page cache
// or refused at once (EAGAIN), never queued behind the disk, and the scope records the refusal.
// That lets an async get run the whole read on the main thread when its block is in memory
// (GetVectorCached, reads.cc) and go to the thread pool only when the disk is needed. Outside a
// scope (every other read, every other thread) reads are RocksDB's own, untouched.
#pragma once
#include <memory>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

namespace cvx {

// The Env every store's RocksDB instance uses (process-wide, never freed: RocksDB needs its Env
// to outlive every DB, including those a process leaves open at exit).
rocksdb::Env* StoreEnv();

// StoreEnv()'s file system (process-wide). A follower's secondary reads through a file system of
// its own (pinned_manifest.h) built on this one, so its gets never wait for the disk either.
std::shared_ptr<rocksdb::FileSystem> StoreFileSystem();

// While alive, table reads on this thread that would wait for the disk fail instead
// (would_block() then says so). Not nestable; the main thread only uses it around one get.
class NoWaitScope {
 public:
  NoWaitScope();
  ~NoWaitScope();
  NoWaitScope(const NoWaitScope&) = delete;
  NoWaitScope& operator=(const NoWaitScope&) = delete;
  bool would_block() const { return would_block_; }

 private:
  friend class NoWaitFile;
  bool would_block_ = false;
};

}  // namespace cvx
