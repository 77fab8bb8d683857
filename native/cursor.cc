// See cursor.h. No iterate bounds are given to RocksDB: abstract-level wants a seek
// outside the range to end the iterator rather than be clamped into it, so the range is
// checked key by key (a byte compare) instead.
#include "cursor.h"

namespace cvx {

Cursor::Cursor(Store& s, rocksdb::ColumnFamilyHandle* cf, CursorRange range, const rocksdb::Snapshot* view)
    : db_(s.db()), life_(s.instance_life()), range_(std::move(range)) {
  rocksdb::ReadOptions ro;
  // A secondary refuses snapshots; its iterator keeps the view it was made in (its
  // SuperVersion and sequence), which no later catch-up changes.
  if (!view && !s.secondary()) snapshot_ = db_->GetSnapshot();
  ro.snapshot = view ? view : snapshot_;
  // The vectors CF has a prefix extractor; a key-value view must cross prefixes.
  ro.total_order_seek = true;
  it_.reset(db_->NewIterator(ro, cf));
  if (range_.reverse) {
    if (range_.lte) it_->SeekForPrev(*range_.lte);
    else if (range_.lt) {
      it_->SeekForPrev(*range_.lt);
      if (it_->Valid() && it_->key() == rocksdb::Slice(*range_.lt)) it_->Prev();
    } else it_->SeekToLast();
  } else {
    if (range_.gte) it_->Seek(*range_.gte);
    else if (range_.gt) {
      it_->Seek(*range_.gt);
      if (it_->Valid() && it_->key() == rocksdb::Slice(*range_.gt)) it_->Next();
    } else it_->SeekToFirst();
  }
  SkipHidden();
}

Cursor::~Cursor() { Release(); }

void Cursor::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  if (released_) return;
  released_ = true;
  it_.reset();
  if (snapshot_) db_->ReleaseSnapshot(snapshot_);
  snapshot_ = nullptr;
  life_.reset();  // last: may close a retired instance, which the iterator was made on
}

bool Cursor::released() {
  std::lock_guard<std::mutex> lock(mu_);
  return released_;
}

bool Cursor::InRange(const rocksdb::Slice& k) const {
  if (range_.gte) { if (k.compare(*range_.gte) < 0) return false; }
  else if (range_.gt && k.compare(*range_.gt) <= 0) return false;
  if (range_.lte) { if (k.compare(*range_.lte) > 0) return false; }
  else if (range_.lt && k.compare(*range_.lt) >= 0) return false;
  return true;
}

bool Cursor::Hidden(const rocksdb::Slice& k) const {
  return !range_.hidden_prefix.empty() && k.starts_with(range_.hidden_prefix);
}

void Cursor::Step() { range_.reverse ? it_->Prev() : it_->Next(); }

void Cursor::SkipHidden() {
  while (it_->Valid() && Hidden(it_->key())) Step();
}

Status Cursor::Next(size_t max, size_t max_bytes, bool want_keys, bool want_values, std::vector<std::string>* keys,
                    std::vector<std::string>* values, bool* ended) {
  std::lock_guard<std::mutex> lock(mu_);
  if (released_) return Status::Make(Code::kNotOpen, "the iterator is closed");
  *ended = false;
  size_t bytes = 0;
  size_t n = 0;
  while (n < max && bytes < max_bytes) {
    if (!it_->Valid()) { *ended = true; break; }
    rocksdb::Slice k = it_->key();
    if (!InRange(k)) { *ended = true; break; }
    if (want_keys) keys->emplace_back(k.data(), k.size());
    if (want_values) {
      rocksdb::Slice v = it_->value();
      values->emplace_back(v.data(), v.size());
      bytes += v.size();
    }
    bytes += k.size();
    ++n;
    Step();
    SkipHidden();
  }
  return Status::FromRocks(it_->status(), "iterator");
}

Status Cursor::Seek(const std::string& target) {
  std::lock_guard<std::mutex> lock(mu_);
  if (released_) return Status::Make(Code::kNotOpen, "the iterator is closed");
  if (range_.reverse) it_->SeekForPrev(target); else it_->Seek(target);
  SkipHidden();
  return Status::FromRocks(it_->status(), "iterator seek");
}

}  // namespace cvx
