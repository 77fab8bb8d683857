// Memory for large async read results, kept for reuse instead of freed. Async range results
// are handed to JS without a copy (an external ArrayBuffer over this memory) and come back
// here when JS collects them. Fresh memory for every result cost a page fault per 4 KiB,
// which on this project's VM made async ranges 1.5-3x slower (docs/performance.md). Each
// Store owns one pool; it frees what it holds on close. (Sync ranges scan straight into JS
// memory and do not use it.)
#pragma once
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cvx {

class ResultPool {
 public:
  // Smaller buffers are cheap for malloc to recycle and are not kept.
  static constexpr size_t kMinKept = 64 * 1024;
  // What one store keeps at most between results.
  static constexpr size_t kMaxHeld = size_t{64} << 20;

  // An empty buffer, with the capacity of one given back earlier when there is one.
  std::string Take();
  // Keeps `bytes` for a later Take while under kMaxHeld and open; frees it otherwise.
  void Give(std::string&& bytes);
  // Frees everything held; later Gives free at once.
  void Close();

 private:
  std::mutex mu_;
  std::vector<std::string> held_;
  size_t held_bytes_ = 0;
  bool closed_ = false;
};

// A result buffer that goes back to its pool when destroyed, wherever it ends: with the
// job (results that were copied, failures) or in the finalizer of the JS ArrayBuffer that
// wrapped it.
struct PooledBytes {
  std::shared_ptr<ResultPool> pool;
  std::string bytes;

  PooledBytes() = default;
  PooledBytes(PooledBytes&&) = default;
  PooledBytes& operator=(PooledBytes&&) = default;
  ~PooledBytes() {
    if (pool) pool->Give(std::move(bytes));
  }
};

}  // namespace cvx
