// A follower's catch-up (Store::CatchUp): the secondary view advanced on demand, behind the
// read gate (secondary.h), so that no read ever sees a catch-up in progress. A writer that
// restarted (every writer's open starts a new MANIFEST, which this secondary must never follow:
// pinned_manifest.h) is followed by a new secondary swapped in for the old one; the old one is
// retired to its InstanceLife and closes once the iterators made on it are released.
#include "store.h"

namespace cvx {

Status Store::CatchUp(bool* moved) {
  *moved = false;
  if (!opts_.follower || !secondary_) {
    return Status::Make(Code::kInvalidArgument, "catchUp: the store was not opened with follower: true");
  }
  return secondary_->gate().Exclusive([&]() -> Status {
    // A snapshot holds the view at its moment (snapshot.h): it does not move until released.
    if (secondary_->Held()) return Status::Ok();
    const rocksdb::SequenceNumber before = db_->GetLatestSequenceNumber();
    Secondary::Restart restarted = Secondary::Restart::kNone;
    Status st = secondary_->CatchUpOnce(db_.get(), &restarted);
    if (restarted == Secondary::Restart::kNone) {
      if (!st.ok()) return st;
      *moved = db_->GetLatestSequenceNumber() != before;
      return *moved ? RefreshSpaces() : Status::Ok();
    }
    // Seen only after the catch-up read: the view may now mix the writer's two runs, or hide
    // flushed values behind stale memtable entries (secondary.h). It stays unreadable until a
    // new instance replaces it.
    if (restarted != Secondary::Restart::kBefore) view_broken_ = true;
    st = SwapInstance();
    if (!st.ok()) return st;
    view_broken_ = false;
    *moved = true;
    return RefreshSpaces();
  });
}

Status Store::SwapInstance() {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::unique_ptr<PinnedManifestEnv> old_files;
  Status st = secondary_->Reopen([this] { return StoreFamiliesListed(path_); }, &db, &handles, &old_files);
  if (!st.ok()) return st;
  // The old instance lives on for the iterators made on it (each shares its InstanceLife);
  // when none does, it closes here.
  instance_life_->Retire(std::move(db_), std::move(handles_), std::move(old_files));
  instance_life_ = std::make_shared<InstanceLife>();
  db_ = std::move(db);
  handles_ = std::move(handles);
  return Status::Ok();
}

// New spaces may have been written since the view last moved; a space never loses its record.
Status Store::RefreshSpaces() {
  std::unordered_map<uint32_t, uint32_t> dims;
  Status st = ReadSpaceDims(*this, rocksdb::ReadOptions(), &dims, "catchUp(" + path_ + ")");
  if (!st.ok()) return st;
  std::lock_guard<std::mutex> lock(dims_mu_);
  dims_ = std::move(dims);
  return Status::Ok();
}

}  // namespace cvx
