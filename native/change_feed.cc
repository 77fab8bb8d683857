// See change_feed.h: the reader. RocksDB 7.8.3's TransactionLogIterator is used with care:
// - Next() on an iterator that never opened a log file asserts (aborts), so it is called only
//   after the iterator delivered a batch (stepped_);
// - an iterator knows only the WAL files that existed when it was made: at their end it says
//   TryAgain, and a new one is made from the next sequence;
// - at a gap it stops ("Gap in sequence numbers") and delivers nothing after it; a start older
//   than its oldest file gives the first batch it has, later than asked. Both are errors here.
#include "change_feed.h"

#include <cstring>

namespace cvx {
namespace {

bool IsGapText(const rocksdb::Status& rs) { return rs.ToString().find("Gap in sequence") != std::string::npos; }

Status Gap(uint64_t next, const std::string& why) {
  return Status::Make(Code::kFeedGap, "changes: the store's sequence jumps at " + std::to_string(next) + " (" + why +
                                          "): writes that did not go through the WAL cannot be sent; start again from "
                                          "a checkpoint (checkpoint() reports its sequence)");
}

// Nothing after next-1 in the WAL although the store is at `latest`: trimmed when the oldest WAL
// file kept starts after `next`, else a gap (the sequences exist but never went through the WAL).
Status Classify(rocksdb::DB* db, uint64_t next, uint64_t latest) {
  rocksdb::VectorLogPtr files;
  const rocksdb::Status rs = db->GetSortedWalFiles(files);
  const uint64_t oldest = rs.ok() && !files.empty() ? files.front()->StartSequence() : latest + 1;
  if (!rs.ok() || oldest > next) {
    return Status::Make(Code::kFeedTrimmed,
                        "changes: the store no longer keeps its WAL from sequence " + std::to_string(next) +
                            " (it is at " + std::to_string(latest) + ", its oldest WAL " +
                            (rs.ok() ? "starts at " + std::to_string(oldest) : "could not be listed: " + rs.ToString()) +
                            "); start again from a checkpoint, and keep the WAL longer (walTtlSeconds, walSizeLimitMB)");
  }
  return Gap(next, "the WAL holds no batch at it, the store is at " + std::to_string(latest));
}

// Collects a batch's operations as offsets into its bytes; anything but the five data
// operations (a prepared transaction's markers, a blob index, wide columns) is refused, since
// a replica could not apply it exactly.
class Decoder : public rocksdb::WriteBatch::Handler {
 public:
  Decoder(const std::string& rep, const uint32_t ids[3], std::vector<FeedOp>* ops) : rep_(rep), ids_(ids), ops_(ops) {}
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    if (cf == ids_[0] && k == rocksdb::Slice(kFeedBreakKey)) broken = v.ToString();
    return Add(FeedOpKind::kPut, cf, k, v);
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& k) override { return Add(FeedOpKind::kDelete, cf, k, {}); }
  rocksdb::Status SingleDeleteCF(uint32_t cf, const rocksdb::Slice& k) override {
    return Add(FeedOpKind::kSingleDelete, cf, k, {});
  }
  rocksdb::Status DeleteRangeCF(uint32_t cf, const rocksdb::Slice& b, const rocksdb::Slice& e) override {
    return Add(FeedOpKind::kDeleteRange, cf, b, e);
  }
  rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    return Add(FeedOpKind::kMerge, cf, k, v);
  }
  rocksdb::Status PutBlobIndexCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::NotSupported("a blob index record");
  }
  rocksdb::Status MarkBeginPrepare(bool) override { return rocksdb::Status::NotSupported("a prepared transaction"); }
  std::string broken;  // the feed-break record's reason, when the batch holds one

 private:
  rocksdb::Status Add(FeedOpKind kind, uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) {
    int index = -1;
    for (int i = 0; i < 3; ++i) {
      if (ids_[i] == cf) index = i;
    }
    if (index < 0) return rocksdb::Status::NotSupported("column family id " + std::to_string(cf));
    ops_->push_back(FeedOp{kind, static_cast<uint8_t>(index), Off(k), static_cast<uint32_t>(k.size()),
                           v.empty() ? 0 : Off(v), static_cast<uint32_t>(v.size())});
    return rocksdb::Status::OK();
  }
  uint32_t Off(const rocksdb::Slice& s) const { return static_cast<uint32_t>(s.data() - rep_.data()); }
  const std::string& rep_;
  const uint32_t* ids_;
  std::vector<FeedOp>* ops_;
};

}  // namespace

// The largest `since` would wrap to 0 and replay everything: it stays past any sequence instead.
FeedReader::FeedReader(Store&, uint64_t since) : next_(since == UINT64_MAX ? since : since + 1) {}

FeedReader::~FeedReader() { Release(); }

void FeedReader::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  released_ = true;
  it_.reset();
  life_.reset();
}

Status FeedReader::OpenIterator(Store& s) {
  fresh_ = true;
  stepped_ = false;
  std::unique_ptr<rocksdb::TransactionLogIterator> it;
  const rocksdb::Status rs = db_->GetUpdatesSince(next_, &it);
  if (!rs.ok() && IsGapText(rs)) return Gap(next_, rs.ToString());
  if (!rs.ok() && !rs.IsTryAgain()) {
    if (rs.IsNotFound() && next_ <= db_->GetLatestSequenceNumber()) return Classify(db_, next_, db_->GetLatestSequenceNumber());
    return Status::FromRocks(rs, "changes: reading the WAL of " + s.path());
  }
  it_ = std::move(it);
  return Status::Ok();
}

Status FeedReader::Next(Store& s, size_t max_batches, size_t max_bytes, std::vector<FeedBatch>* out, uint64_t* latest) {
  std::lock_guard<std::mutex> lock(mu_);
  if (released_) return Status::Make(Code::kNotOpen, "changes: the feed was closed");
  if (s.db() != db_) {  // first call, or a follower swapped its instance: read the current one
    it_.reset();
    db_ = s.db();
    life_ = s.instance_life();
  }
  const uint64_t last = db_->GetLatestSequenceNumber();
  *latest = last;
  size_t bytes = 0;
  while (out->size() < max_batches && bytes < max_bytes && next_ <= last) {
    if (!it_) {
      Status st = OpenIterator(s);
      if (!st.ok()) return st;
    }
    if (!it_->Valid() && stepped_ && it_->status().ok()) it_->Next();  // records appended since
    if (it_->Valid()) {
      Status st = Take(s, it_->GetBatch(), out, &bytes);
      if (!st.ok()) return st;
      it_->Next();
      continue;
    }
    const rocksdb::Status rs = it_->status();
    if (IsGapText(rs)) return Gap(next_, rs.ToString());
    if (!rs.ok() && !rs.IsTryAgain() && !rs.IsCorruption()) return Status::FromRocks(rs, "changes: reading the WAL");
    // This iterator's files end before the store does. A new one sees the files made since;
    // one that was new already found nothing at next_: the WAL does not hold it.
    if (fresh_) return Classify(db_, next_, last);
    it_.reset();
  }
  return Status::Ok();
}

Status FeedReader::Take(Store& s, rocksdb::BatchResult b, std::vector<FeedBatch>* out, size_t* bytes) {
  if (!b.writeBatchPtr) return Status::Make(Code::kIo, "changes: the WAL reader gave no batch at " + std::to_string(b.sequence));
  const rocksdb::WriteBatch& wb = *b.writeBatchPtr;
  const uint32_t count = wb.Count();
  if (b.sequence > next_) {
    // The first batch the WAL holds from next_ on starts later: asked before its oldest file,
    // or a jump RocksDB itself did not stop at.
    return fresh_ ? Classify(db_, next_, db_->GetLatestSequenceNumber()) : Gap(next_, "the next batch starts at " + std::to_string(b.sequence));
  }
  if (b.sequence < next_) {
    if (count > 0 && b.sequence + count - 1 >= next_) {
      return Status::Make(Code::kInvalidArgument,
                          "changes: since " + std::to_string(next_ - 1) + " lies inside the batch of sequences " +
                              std::to_string(b.sequence) + ".." + std::to_string(b.sequence + count - 1) +
                              "; pass a change record's sequence or latestSequence()");
    }
    return Status::Ok();  // wholly before next_ (an empty batch): nothing to send
  }
  fresh_ = false;
  stepped_ = true;
  if (count == 0) return Status::Ok();
  FeedBatch batch;
  batch.sequence = b.sequence;
  batch.count = count;
  const uint32_t ids[3] = {s.system_cf()->GetID(), s.vectors_cf()->GetID(), s.timelines_cf()->GetID()};
  Decoder decoder(wb.Data(), ids, &batch.ops);  // offsets into wb's bytes, which the batch keeps
  const rocksdb::Status rs = wb.Iterate(&decoder);
  if (!rs.ok()) return Status::FromRocks(rs, "changes: the batch at sequence " + std::to_string(b.sequence));
  if (!decoder.broken.empty()) return Gap(b.sequence, decoder.broken);
  next_ = b.sequence + count;
  *bytes += wb.GetDataSize();
  batch.batch = std::move(b.writeBatchPtr);
  out->push_back(std::move(batch));
  return Status::Ok();
}

uint64_t LatestSequence(Store& s) { return s.db()->GetLatestSequenceNumber(); }

}  // namespace cvx
