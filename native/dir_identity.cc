// See dir_identity.h.
#include "dir_identity.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

namespace cvx {
namespace {

// The directories held by a writable store of this process. Leaked on purpose: a store closed
// by a static destructor at exit must still find it.
struct Registry {
  std::mutex mu;
  std::set<std::pair<uint64_t, uint64_t>> held;
};
Registry& TheRegistry() {
  static Registry* r = new Registry();
  return *r;
}

std::string ErrnoText(int err) { return std::strerror(err); }

// The path without its last component, as text: "a/b//" → "a", "a" → ".", "/a" → "/".
std::string LexicalParent(const std::string& p) {
  size_t end = p.size();
  while (end > 1 && p[end - 1] == '/') --end;
  if (end == 0) return ".";
  size_t slash = p.rfind('/', end - 1);
  if (slash == std::string::npos) return ".";
  while (slash > 0 && p[slash - 1] == '/') --slash;
  return slash == 0 ? "/" : p.substr(0, slash);
}

bool StatId(const std::string& p, DirId* out) {
  struct stat st;
  if (stat(p.c_str(), &st) != 0) return false;
  *out = DirId{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), true};
  return true;
}

}  // namespace

Status IdentifyStoreDir(const std::string& path, bool create, DirId* out) {
  *out = DirId();
  if (StatId(path, out)) return Status::Ok();
  if (errno != ENOENT || !create) {
    // Not ours to report: the open refuses a missing store (or RocksDB an unusable path).
    return Status::Ok();
  }
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::Make(Code::kIo, "open(" + path + "): the directory could not be created: " + ErrnoText(errno));
  }
  if (!StatId(path, out)) return Status::Make(Code::kIo, "open(" + path + "): " + ErrnoText(errno));
  return Status::Ok();
}

Status DirClaim::Take(const DirId& id, const std::string& path) {
  if (!id.known || held_) return Status::Ok();
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (!r.held.insert({id.dev, id.ino}).second) {
    return Status::Make(Code::kLocked, "open(" + path +
                                           "): the store is already open (its directory is locked by another "
                                           "open store of this process, under this or another spelling of the path)");
  }
  id_ = id;
  held_ = true;
  return Status::Ok();
}

void DirClaim::Release() {
  if (!held_) return;
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.held.erase({id_.dev, id_.ino});
  held_ = false;
}

bool ClaimedHereOr(const DirId& id, const std::function<bool()>& look) {
  if (!id.known) return false;
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  return r.held.count({id.dev, id.ino}) > 0 || look();
}

Status CheckOutsideStore(const DirId& store, const std::string& target, const std::string& what) {
  if (!store.known) return Status::Ok();
  // The nearest ancestor that exists: below it nothing exists yet, so no symlink or ".." there
  // can lead anywhere else (the kernel refuses to walk through a missing component).
  std::string existing = target.empty() ? "." : target;
  DirId probe;
  while (!StatId(existing, &probe)) {
    std::string up = LexicalParent(existing);
    if (up == existing) return Status::Make(Code::kIo, what + ": " + ErrnoText(errno));
    existing = up;
  }
  char* real = realpath(existing.c_str(), nullptr);
  if (!real) return Status::Make(Code::kIo, what + ": " + existing + ": " + ErrnoText(errno));
  std::string p(real);
  std::free(real);
  // A resolved path has no symlink and no "..": its textual ancestors are its real ones.
  for (;;) {
    DirId id;
    if (StatId(p, &id) && id == store) {
      return Status::Make(Code::kInvalidArgument,
                          what + ": dir is the store's own directory or inside it; a checkpoint must be written "
                                 "outside the store it copies");
    }
    if (p == "/") return Status::Ok();
    p = LexicalParent(p);
  }
}

Status MakeParentDirs(const std::string& target, const std::string& what) {
  std::vector<std::string> missing;
  struct stat st;
  for (std::string cur = LexicalParent(target); stat(cur.c_str(), &st) != 0; cur = LexicalParent(cur)) {
    if (errno != ENOENT) {
      return Status::Make(Code::kIo, what + ": its parent could not be created: " + cur + ": " + ErrnoText(errno));
    }
    missing.push_back(cur);
    if (LexicalParent(cur) == cur) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (mkdir(it->c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::Make(Code::kIo, what + ": its parent could not be created: " + *it + ": " + ErrnoText(errno));
    }
  }
  return Status::Ok();
}

}  // namespace cvx
