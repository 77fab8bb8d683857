// See snapshot.h.
#include "snapshot.h"

namespace cvx {

Status ReadSnapshot::Take(const std::shared_ptr<Store>& store, std::shared_ptr<ReadSnapshot>* out) {
  std::shared_ptr<ReadSnapshot> snap(new ReadSnapshot(store));
  if (Secondary* sec = store->secondary_view()) {
    sec->HoldView();
    snap->holds_view_ = true;
  } else {
    snap->snapshot_ = store->db()->GetSnapshot();
  }
  // Tracked, so Close() releases it before RocksDB goes away even while a handle still holds it.
  Status st = store->Track(snap.get());
  if (!st.ok()) {
    snap->Release();
    return st;
  }
  *out = std::move(snap);
  return Status::Ok();
}

ReadSnapshot::~ReadSnapshot() { store_->ReleaseResource(this); }

void ReadSnapshot::Release() {
  if (released_) return;
  released_ = true;
  if (snapshot_) store_->db()->ReleaseSnapshot(snapshot_);
  if (holds_view_) store_->secondary_view()->ReleaseView();
}

}  // namespace cvx
