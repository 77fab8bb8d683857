// A bulk load's points as they arrive from JS (bulkAppend, main thread), before a sorted run or
// the final step takes them (bulk_load.h). The vectors go into one buffer per load, reserved at
// the memory cap and reused by every run: on this kind of machine, faulting in fresh memory
// costs more than copying into it, so no run allocates its own, and the buffer asks for huge
// pages. Sessions are found by the load's id (unique per process: lib/bulk_load.ts).
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bulk_load.h"

namespace cvx {

class BulkSession {
 public:
  BulkSession(uint32_t dim, size_t max_points);
  ~BulkSession();
  BulkSession(const BulkSession&) = delete;
  BulkSession& operator=(const BulkSession&) = delete;

  uint32_t dim() const { return dim_; }
  size_t size() const { return entities_.size(); }
  size_t room() const { return max_points_ - entities_.size(); }
  bool ok() const { return floats_ != nullptr; }
  // Appends a point (its vector: dim floats) and returns where its copy is. The caller checked room().
  const float* Add(uint64_t entity, int64_t ts, const float* vector);
  // Forgets the points from `n` on (a refused piece).
  void Truncate(size_t n) {
    entities_.resize(n);
    timestamps_.resize(n);
  }
  // The points held, as a chunk pointing into the buffer (valid until Clear()).
  void Fill(BulkChunk* chunk) const;
  void Clear();

  // A run or the final step holds the points: appends are refused meanwhile.
  std::atomic<bool> busy{false};
  // The staging directory, once a run created it (for giving the load up without its store).
  std::string dir;

 private:
  uint32_t dim_;
  size_t max_points_;
  size_t bytes_ = 0;
  float* floats_ = nullptr;
  std::vector<uint64_t> entities_;
  std::vector<int64_t> timestamps_;
};

// The session of load `id`: created (for `dim`, holding at most `memory_bytes`) when `create`
// and missing; nullptr when missing otherwise.
std::shared_ptr<BulkSession> FindSession(const std::string& id, bool create, uint32_t dim, size_t memory_bytes);
// Forgets load `id` (its memory goes once no run holds it).
void DropSession(const std::string& id);

}  // namespace cvx
