// See pinned_manifest.h.
#include "pinned_manifest.h"
#include "nowait_fs.h"

#include <algorithm>
#include <cstring>

namespace cvx {
namespace {

std::string BaseName(const std::string& f) {
  const size_t slash = f.find_last_of('/');
  return slash == std::string::npos ? f : f.substr(slash + 1);
}

bool IsCurrentFile(const std::string& f) { return BaseName(f) == "CURRENT"; }
bool IsManifestFile(const std::string& f) { return BaseName(f).rfind("MANIFEST-", 0) == 0; }

// A MANIFEST as the secondary reads it, adding what it consumes to a shared count.
class CountedFile : public rocksdb::FSSequentialFileOwnerWrapper {
 public:
  CountedFile(std::unique_ptr<rocksdb::FSSequentialFile> f, std::shared_ptr<std::atomic<uint64_t>> count)
      : FSSequentialFileOwnerWrapper(std::move(f)), count_(std::move(count)) {}
  rocksdb::IOStatus Read(size_t n, const rocksdb::IOOptions& o, rocksdb::Slice* result, char* scratch,
                         rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->Read(n, o, result, scratch, dbg);
    if (s.ok()) *count_ += result->size();
    return s;
  }
  rocksdb::IOStatus Skip(uint64_t n) override {
    rocksdb::IOStatus s = target()->Skip(n);
    if (s.ok()) *count_ += n;
    return s;
  }

 private:
  std::shared_ptr<std::atomic<uint64_t>> count_;
};

// CURRENT's pinned text, served as the file.
class TextFile : public rocksdb::FSSequentialFile {
 public:
  explicit TextFile(std::string text) : text_(std::move(text)) {}
  rocksdb::IOStatus Read(size_t n, const rocksdb::IOOptions&, rocksdb::Slice* result, char* scratch,
                         rocksdb::IODebugContext*) override {
    const size_t k = std::min(n, text_.size() - pos_);
    memcpy(scratch, text_.data() + pos_, k);
    pos_ += k;
    *result = rocksdb::Slice(scratch, k);
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Skip(uint64_t n) override {
    pos_ += std::min<uint64_t>(n, text_.size() - pos_);
    return rocksdb::IOStatus::OK();
  }

 private:
  std::string text_;
  size_t pos_ = 0;
};

}  // namespace

rocksdb::IOStatus PinnedManifestFs::NewSequentialFile(const std::string& f, const rocksdb::FileOptions& o,
                                                      std::unique_ptr<rocksdb::FSSequentialFile>* r,
                                                      rocksdb::IODebugContext* dbg) {
  if (IsManifestFile(f)) {
    rocksdb::IOStatus s = target()->NewSequentialFile(f, o, r, dbg);
    if (!s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    manifest_ = f;
    manifest_read_ = std::make_shared<std::atomic<uint64_t>>(0);  // a new reader starts at 0
    r->reset(new CountedFile(std::move(*r), manifest_read_));
    return s;
  }
  if (!IsCurrentFile(f)) return target()->NewSequentialFile(f, o, r, dbg);
  std::string text;
  rocksdb::IOStatus s = rocksdb::ReadFileToString(target(), f, &text);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  if (pinned_.empty()) pinned_ = text;
  else if (text != pinned_) switched_ = true;
  r->reset(new TextFile(pinned_));
  return rocksdb::IOStatus::OK();
}

bool PinnedManifestFs::Switched(const std::string& dir) {
  std::string text;
  rocksdb::IOStatus s = rocksdb::ReadFileToString(target(), dir + "/CURRENT", &text);
  std::lock_guard<std::mutex> lock(mu_);
  if (!s.ok() || (!pinned_.empty() && text != pinned_)) switched_ = true;
  return switched_;
}

bool PinnedManifestFs::ManifestGrew() {
  std::string manifest;
  std::shared_ptr<std::atomic<uint64_t>> read;
  {
    std::lock_guard<std::mutex> lock(mu_);
    manifest = manifest_;
    read = manifest_read_;
  }
  if (manifest.empty()) return false;
  uint64_t size = 0;
  if (!target()->GetFileSize(manifest, rocksdb::IOOptions(), &size, nullptr).ok()) return true;
  return size > read->load();
}

PinnedManifestEnv::PinnedManifestEnv()
    : fs(std::make_shared<PinnedManifestFs>(StoreFileSystem())), env(rocksdb::NewCompositeEnv(fs)) {}

}  // namespace cvx
