// Which directory a path names, whatever its spelling: a store's directory identified by device
// and inode, the process-wide registry that lets one writable store hold a directory, and the
// check that keeps a checkpoint out of its own store. RocksDB cannot do either itself: its
// in-process lock table is keyed by file name ("db/LOCK" and "db//LOCK" differ) and fcntl locks
// never exclude their own process, so a second spelling of a path used to open one directory
// twice, and the two handles destroyed each other's files.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "status.h"

namespace cvx {

// A directory's device and inode, as stat() gives them. `known` is false until taken.
struct DirId {
  uint64_t dev = 0;
  uint64_t ino = 0;
  bool known = false;
  bool operator==(const DirId& o) const { return known && o.known && dev == o.dev && ino == o.ino; }
};

// The identity of a store's directory, taken once it exists: when it is missing and `create`,
// it is made first (one level, as RocksDB would). Missing and not `create`: Ok with an unknown
// id, so the open itself reports the missing store.
Status IdentifyStoreDir(const std::string& path, bool create, DirId* out);

// One writable store's hold on its directory, in a registry shared by every thread and every
// Node environment (worker) of the process. Released by Release() or the destructor.
class DirClaim {
 public:
  DirClaim() = default;
  ~DirClaim() { Release(); }
  DirClaim(const DirClaim&) = delete;
  DirClaim& operator=(const DirClaim&) = delete;

  // kLocked when another store of this process holds `id` (under any spelling); `path` is the
  // spelling of this open, for the message. An unknown id is not claimed.
  Status Take(const DirId& id, const std::string& path);
  // Idempotent.
  void Release();

 private:
  DirId id_;
  bool held_ = false;
};

// Whether a writable store of this process holds `id`. When none does, `look()` answers instead,
// run while no store of this process can take or release a claim (secondary.h uses it to look
// at the LOCK file of a directory no store of this process can be holding). Unknown id: false.
bool ClaimedHereOr(const DirId& id, const std::function<bool()>& look);

// Refuses (kInvalidArgument) a checkpoint `target` that is the store's directory or lies
// inside it, judged on the resolved path of target's nearest existing ancestor (symlinks,
// "..", repeated or trailing slashes, relative spellings). Creates nothing.
Status CheckOutsideStore(const DirId& store, const std::string& target, const std::string& what);

// Creates target's missing parent directories, one level at a time (mkdir -p of its parent).
Status MakeParentDirs(const std::string& target, const std::string& what);

}  // namespace cvx
