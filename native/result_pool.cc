// See result_pool.h.
#include "result_pool.h"

namespace cvx {

std::string ResultPool::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  if (held_.empty()) return std::string();
  // The most recently returned buffer: the likeliest to be still in cache.
  std::string out = std::move(held_.back());
  held_.pop_back();
  held_bytes_ -= out.capacity();
  out.clear();
  return out;
}

void ResultPool::Give(std::string&& bytes) {
  std::string dropped;  // freed after the lock is released
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_ || bytes.capacity() < kMinKept || held_bytes_ + bytes.capacity() > kMaxHeld) {
    dropped = std::move(bytes);
    return;
  }
  held_bytes_ += bytes.capacity();
  held_.push_back(std::move(bytes));
}

void ResultPool::Close() {
  std::vector<std::string> dropped;
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  dropped.swap(held_);
  held_bytes_ = 0;
}

}  // namespace cvx
