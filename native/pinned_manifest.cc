// See pinned_manifest.h.
#include "pinned_manifest.h"

#include <algorithm>
#include <cstring>

namespace cvx {
namespace {

bool IsCurrentFile(const std::string& f) {
  const size_t slash = f.find_last_of('/');
  return f.compare(slash == std::string::npos ? 0 : slash + 1, std::string::npos, "CURRENT") == 0;
}

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

PinnedManifestEnv::PinnedManifestEnv()
    : fs(std::make_shared<PinnedManifestFs>(rocksdb::FileSystem::Default())), env(rocksdb::NewCompositeEnv(fs)) {}

}  // namespace cvx
