// See bulk_session.h.
#include "bulk_session.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace cvx {
namespace {

std::mutex sessions_mu;
std::unordered_map<std::string, std::shared_ptr<BulkSession>>& Sessions() {
  static auto* m = new std::unordered_map<std::string, std::shared_ptr<BulkSession>>();
  return *m;
}

}  // namespace

BulkSession::BulkSession(uint32_t dim, size_t max_points) : dim_(dim), max_points_(max_points) {
  bytes_ = max_points * dim * sizeof(float);
  // Reserved, not touched: pages are faulted in as points arrive, huge ones where the kernel can.
  void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return;
  madvise(p, bytes_, MADV_HUGEPAGE);
  floats_ = static_cast<float*>(p);
  // Keys grow with the points (not reserved for the whole cap): a cap far above what arrives
  // costs nothing, and a failing growth is a coded error in Append, never an abort.
}

BulkSession::~BulkSession() {
  if (floats_) munmap(floats_, bytes_);
}

const float* BulkSession::Add(uint64_t entity, int64_t ts, const float* vector) {
  float* at = floats_ + entities_.size() * dim_;
  memcpy(at, vector, dim_ * sizeof(float));
  entities_.push_back(entity);
  timestamps_.push_back(ts);
  return at;
}

void BulkSession::Fill(BulkChunk* chunk) const {
  chunk->points.resize(entities_.size());
  for (size_t i = 0; i < entities_.size(); ++i) {
    PointIn& p = chunk->points[i];
    p.entity = entities_[i];
    p.ts = timestamps_[i];
    p.value = rocksdb::Slice(reinterpret_cast<const char*>(floats_ + i * dim_), dim_ * sizeof(float));
  }
}

void BulkSession::Clear() {
  entities_.clear();
  timestamps_.clear();
}

std::shared_ptr<BulkSession> FindSession(const std::string& id, bool create, uint32_t dim, size_t memory_bytes) {
  std::lock_guard<std::mutex> lock(sessions_mu);
  auto it = Sessions().find(id);
  if (it != Sessions().end()) return it->second;
  if (!create) return nullptr;
  // The cap counts all a held point costs: its vector, its key, and what sorting it adds when a
  // run or the final step takes it (its PointIn and its sort entry: key + index, padded).
  constexpr size_t kSortBytes = sizeof(PointIn) + 32;
  const size_t per_point = static_cast<size_t>(dim) * sizeof(float) + 2 * sizeof(uint64_t) + kSortBytes;
  std::shared_ptr<BulkSession> s;
  try {
    s = std::make_shared<BulkSession>(dim, std::max<size_t>(1, memory_bytes / per_point));
  } catch (const std::bad_alloc&) {
    return nullptr;  // the caller reports CVX_IO: out of memory
  }
  if (!s->ok()) return nullptr;
  Sessions().emplace(id, s);
  return s;
}

void DropSession(const std::string& id) {
  std::shared_ptr<BulkSession> gone;  // freed outside the lock
  std::lock_guard<std::mutex> lock(sessions_mu);
  auto it = Sessions().find(id);
  if (it == Sessions().end()) return;
  gone = std::move(it->second);
  Sessions().erase(it);
}

}  // namespace cvx
