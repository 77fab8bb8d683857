// See change_feed.h: a replica's side of the feed (ApplyBatches, AppliedSequence) and the
// feed-break record that operations bypassing the WAL write (MarkFeedBreak).
#include <cstring>
#include <unordered_map>

#include "change_feed.h"
#include "codec.h"
#include "resync.h"

namespace cvx {
namespace {

std::string EncodeSeq(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

bool DecodeSeq(const std::string& b, uint64_t* v) {
  if (b.size() != 8) return false;
  *v = 0;
  for (unsigned char c : b) *v = (*v << 8) | c;
  return true;
}

// A WriteBatch's header: its first sequence (fixed64, little-endian) and count (fixed32).
bool BatchHeader(const std::string& rep, uint64_t* seq, uint32_t* count) {
  if (rep.size() < 12) return false;
  *seq = 0;
  for (int i = 7; i >= 0; --i) *seq = (*seq << 8) | static_cast<unsigned char>(rep[i]);
  *count = 0;
  for (int i = 11; i >= 8; --i) *count = (*count << 8) | static_cast<unsigned char>(rep[i]);
  return true;
}

// Copies a source batch's operations into `out`, each to the replica's column family of the
// same name (the source's ids: default, vectors, timelines in that order, which the feed checked).
class Copier : public rocksdb::WriteBatch::Handler {
 public:
  Copier(Store& s, rocksdb::WriteBatch* out) : s_(s), out_(out) {}
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    Note(cf, k);
    return Cf(cf) ? out_->Put(Cf(cf), k, v) : Unknown(cf);
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& k) override {
    Note(cf, k);
    return Cf(cf) ? out_->Delete(Cf(cf), k) : Unknown(cf);
  }
  rocksdb::Status SingleDeleteCF(uint32_t cf, const rocksdb::Slice& k) override {
    Note(cf, k);
    return Cf(cf) ? out_->SingleDelete(Cf(cf), k) : Unknown(cf);
  }
  rocksdb::Status DeleteRangeCF(uint32_t cf, const rocksdb::Slice& b, const rocksdb::Slice& e) override {
    return Cf(cf) ? out_->DeleteRange(Cf(cf), b, e) : Unknown(cf);
  }
  rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    return Cf(cf) ? out_->Merge(Cf(cf), k, v) : Unknown(cf);
  }
  rocksdb::Status PutBlobIndexCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::NotSupported("a blob index record");
  }
  rocksdb::Status MarkBeginPrepare(bool) override { return rocksdb::Status::NotSupported("a prepared transaction"); }
  bool spaces_changed = false;  // a space record was written: the replica re-reads its dimensions

 private:
  rocksdb::ColumnFamilyHandle* Cf(uint32_t id) const { return id < 3 ? (&s_)->CfByName(Name(id)) : nullptr; }
  static std::string Name(uint32_t id) { return id == 0 ? "default" : id == 1 ? "vectors" : "timelines"; }
  static rocksdb::Status Unknown(uint32_t id) { return rocksdb::Status::NotSupported("column family id " + std::to_string(id)); }
  void Note(uint32_t cf, const rocksdb::Slice& k) {
    if (cf != 0) return;
    // (A replica's own applied record, in the feed of a replica that is followed in turn, is
    // copied too and then replaced by this replica's, later in the same batch.)
    if (k.starts_with(kSpaceKeyPrefix)) spaces_changed = true;
  }
  Store& s_;
  rocksdb::WriteBatch* out_;
};

}  // namespace

Status AppliedSequence(Store& s, bool* known, uint64_t* seq) {
  std::string v;
  const rocksdb::Status rs = s.db()->Get(rocksdb::ReadOptions(), s.system_cf(), kAppliedKey, &v);
  *known = false;
  if (rs.IsNotFound()) return Status::Ok();
  if (!rs.ok()) return Status::FromRocks(rs, "appliedSequence");
  if (!DecodeSeq(v, seq)) return Status::Make(Code::kCorruption, "appliedSequence: the record " + std::string(kAppliedKey) + " is not 8 bytes");
  *known = true;
  return Status::Ok();
}

Status ApplyBatches(Store& s, const std::vector<std::string>& batches, uint64_t* applied) {
  if (s.options().read_only) return Status::Make(Code::kReadOnly, "applyChanges: the store was opened read-only");
  // Under the write lock: the applied sequence read here is the one the batch then replaces.
  std::lock_guard<std::mutex> lock(s.write_mutex());
  bool known = false;
  uint64_t at = 0;
  Status st = AppliedSequence(s, &known, &at);
  if (!st.ok()) return st;
  bool pending = false;
  st = known ? Status::Ok() : ResyncPending(s, &pending);
  if (!st.ok()) return st;
  if (pending) {
    return Status::Make(Code::kFeedGap, "applyChanges: a resync of this replica was interrupted, so it holds part of a "
                                        "source's view: resyncFrom() it again before applying changes");
  }
  rocksdb::WriteBatch out;
  Copier copier(s, &out);
  bool any = false;
  for (size_t i = 0; i < batches.size(); ++i) {
    const std::string what = "applyChanges: changes[" + std::to_string(i) + "]";
    uint64_t seq = 0;
    uint32_t count = 0;
    if (!BatchHeader(batches[i], &seq, &count) || count == 0) {
      return Status::Make(Code::kInvalidArgument, what + " is not a change record's batch");
    }
    const uint64_t last = seq + count - 1;
    // A header whose sequences run past 2^64 − 1 would wrap `last` to a small number: such a
    // batch would then be skipped as applied, or recorded as applied up to 0.
    if (last < seq) return Status::Make(Code::kInvalidArgument, what + " runs past sequence 2^64 - 1");
    if (known && last <= at) continue;  // applied before (a consumer that resumed): skipped
    if (known && seq != at + 1) {
      return Status::Make(Code::kInvalidArgument, what + " starts at sequence " + std::to_string(seq) +
                                                      ", but the replica has applied up to " + std::to_string(at) +
                                                      ": it must start at " + std::to_string(at + 1));
    }
    const rocksdb::Status rs = rocksdb::WriteBatch(batches[i]).Iterate(&copier);
    // Bytes that do not decode are the caller's argument, not damage in this store.
    if (!rs.ok()) return Status::Make(Code::kInvalidArgument, what + " is not a change record's batch (" + rs.ToString() + ")");
    known = true;
    at = last;
    any = true;
  }
  *applied = known ? at : 0;
  if (!any) return Status::Ok();
  out.Put(s.system_cf(), kAppliedKey, EncodeSeq(at));
  st = s.Write(&out, "applyChanges");
  if (!st.ok() || !copier.spaces_changed) return st;
  std::unordered_map<uint32_t, uint32_t> dims;
  st = ReadSpaceDims(s, rocksdb::ReadOptions(), &dims, "applyChanges");
  if (!st.ok()) return st;
  for (const auto& [space, dim] : dims) s.SetSpaceDim(space, dim);
  return Status::Ok();
}

Status MarkFeedBreak(Store& s, const std::string& why) {
  rocksdb::WriteBatch batch;
  batch.Put(s.system_cf(), kFeedBreakKey, why);
  batch.Delete(s.system_cf(), kFeedBreakKey);
  return s.Write(&batch, "recording a break in the change feed");
}

}  // namespace cvx
