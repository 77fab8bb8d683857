// A read view's RocksDB snapshot (HotStore.snapshot()): taken once, read by every operation run
// on the view, released when the view is released, collected, or its store closes. Plain C++;
// the Node-API handle around it lives in js_snapshot.cc.
//
// A read-only handle beside a writer is a RocksDB secondary, which refuses snapshots. Such a
// handle's view only changes when it catches up with the writer, so a snapshot of it holds its
// catch-up back instead (Secondary::HoldView): the reads of the view see one moment all the same.
#pragma once
#include <memory>

#include <rocksdb/db.h>

#include "store.h"

namespace cvx {

class ReadSnapshot : public Resource {
 public:
  // Takes the snapshot of `store` now; the caller has entered the store. Fails with kNotOpen
  // once the store's close has begun.
  static Status Take(const std::shared_ptr<Store>& store, std::shared_ptr<ReadSnapshot>* out);
  // The last owner (the view's handle, or a read still running on it) lets go: released now
  // unless the store's Close() already did.
  ~ReadSnapshot() override;
  void Release() override;

  Store& store() const { return *store_; }
  const std::shared_ptr<Store>& shared_store() const { return store_; }
  // What a read on the view sets as ReadOptions::snapshot: nullptr on a secondary, whose reads
  // take none (the held-back catch-up keeps them at one moment).
  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  explicit ReadSnapshot(std::shared_ptr<Store> store) : store_(std::move(store)) {}

  std::shared_ptr<Store> store_;  // the Store object outlives every snapshot of it
  const rocksdb::Snapshot* snapshot_ = nullptr;
  bool holds_view_ = false;  // a secondary's catch-up held back
  bool released_ = false;    // Release() runs once, under the store's resource lock
};

}  // namespace cvx
