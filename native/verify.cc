// See verify.h. One pass, constant memory: vectors and timelines are both ordered by the
// 12-byte entity+space prefix, so the scan is a merge join of two iterators over one
// snapshot (total_order_seek, because the scan crosses prefixes). Repair holds the write
// mutex for the whole pass, so no put/delete can interleave between what was read and what
// is rewritten; writes go out in bounded WriteBatches.
#include "verify.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>

#include <rocksdb/write_batch.h>

namespace cvx {

const char* IssueKindName(IssueKind k) {
  switch (k) {
    case IssueKind::kTimelineMismatch: return "timeline-mismatch";
    case IssueKind::kTimelineMissing: return "timeline-missing";
    case IssueKind::kTimelineOrphan: return "timeline-orphan";
    case IssueKind::kTimelineUndecodable: return "timeline-undecodable";
    case IssueKind::kVectorUndecodable: return "vector-undecodable";
    case IssueKind::kKeyUndecodable: return "key-undecodable";
  }
  return "unknown";
}

namespace {

constexpr size_t kBatchOps = 1000;

std::string Describe(const Timeline& t) {
  return "count " + std::to_string(t.point_count) + ", first " + std::to_string(t.first_seen) + ", last " +
         std::to_string(t.last_seen);
}

std::string Series(const rocksdb::Slice& prefix) {
  return "entity " + std::to_string(GetBE64(prefix.data())) + " space " + std::to_string(GetBE32(prefix.data() + 8));
}

class Verifier {
 public:
  Verifier(Store& s, const VerifyOptions& o, VerifyReport* r) : s_(s), o_(o), r_(r) {}

  Status Run() {
    std::unique_lock<std::mutex> lock(s_.write_mutex(), std::defer_lock);
    if (o_.repair) {
      if (s_.options().read_only) return Status::Make(Code::kReadOnly, "repair: the store was opened with readOnly: true");
      lock.lock();
    }
    // A secondary refuses snapshots; no catch-up runs while this call is admitted, so its two
    // iterators read one state without one.
    const rocksdb::Snapshot* snap = s_.secondary() ? nullptr : s_.db()->GetSnapshot();
    struct Release {
      rocksdb::DB* db;
      const rocksdb::Snapshot* s;
      ~Release() { if (s) db->ReleaseSnapshot(s); }
    } rel{s_.db(), snap};
    rocksdb::ReadOptions ro;
    ro.total_order_seek = true;  // the scan crosses prefixes: order is only defined this way
    ro.snapshot = snap;
    ro.fill_cache = false;       // a full scan should not evict the working set
    Status st = Scan(ro);
    tit_.reset();  // iterators go before their snapshot is released
    return st;
  }

 private:
  Status Scan(const rocksdb::ReadOptions& ro) {
    std::unique_ptr<rocksdb::Iterator> vit(s_.db()->NewIterator(ro, s_.vectors_cf()));
    tit_.reset(s_.db()->NewIterator(ro, s_.timelines_cf()));
    tit_->SeekToFirst();

    std::string cur;  // current 12-byte prefix, empty before the first group
    for (vit->SeekToFirst(); vit->Valid(); vit->Next()) {
      rocksdb::Slice k = vit->key();
      rocksdb::Slice v = vit->value();
      r_->vectors_scanned++;
      if (k.size() != kKeySize) {
        AddIssue({IssueKind::kKeyUndecodable, true, k.ToString(),
                  "vectors key of " + std::to_string(k.size()) + " bytes (expected " + std::to_string(kKeySize) + ")"});
        if (Dropping()) { batch_.Delete(s_.vectors_cf(), k); r_->vectors_deleted++; }
        Status st = MaybeFlush();
        if (!st.ok()) return st;
        continue;
      }
      rocksdb::Slice prefix(k.data(), kPrefixSize);
      if (cur.empty() || prefix != rocksdb::Slice(cur)) {
        if (!cur.empty()) {
          Status st = FinishGroup(cur);
          if (!st.ok()) return st;
        }
        cur.assign(prefix.data(), prefix.size());
        count_ = 0;
        r_->series++;
      }
      const int64_t ts = DecodeKeyTimestamp(k.data());
      std::string why = BadVector(GetBE32(k.data() + 8), v);
      if (!why.empty()) {
        AddIssue({IssueKind::kVectorUndecodable, true, k.ToString(),
                  Series(prefix) + " timestamp " + std::to_string(ts) + ": " + why});
        if (Dropping()) {
          batch_.Delete(s_.vectors_cf(), k);
          r_->vectors_deleted++;
          Status st = MaybeFlush();
          if (!st.ok()) return st;
          continue;  // dropped: no longer part of the series
        }
      }
      // Keys arrive in ascending timestamp order within a prefix.
      if (count_ == 0) first_ = ts;
      last_ = ts;
      count_++;
    }
    if (!vit->status().ok()) return Status::FromRocks(vit->status(), "verify: scanning vectors");
    if (!cur.empty()) {
      Status st = FinishGroup(cur);
      if (!st.ok()) return st;
    }
    for (; tit_->Valid(); tit_->Next()) {
      Status st = Orphan();
      if (!st.ok()) return st;
    }
    if (!tit_->status().ok()) return Status::FromRocks(tit_->status(), "verify: scanning timelines");
    return Flush();
  }

  bool Dropping() const { return o_.repair && o_.drop_undecodable; }

  void AddIssue(Issue i) {
    r_->issue_count++;
    if (r_->issues.size() < o_.max_issues) r_->issues.push_back(std::move(i));
  }

  std::string BadVector(uint32_t space, const rocksdb::Slice& v) {
    if (v.size() == 0) return "empty vector";
    if (v.size() % 4 != 0) return std::to_string(v.size()) + " bytes, not a whole number of f32";
    const uint32_t dim = s_.SpaceDim(space);
    if (dim && v.size() != dim * 4ULL) {
      return "dimension " + std::to_string(v.size() / 4) + ", space " + std::to_string(space) + " has dimension " +
             std::to_string(dim);
    }
    const size_t n = v.size() / 4;
    for (size_t i = 0; i < n; ++i) {
      float f;
      memcpy(&f, v.data() + 4 * i, 4);  // values are not guaranteed to be 4-byte aligned
      if (!std::isfinite(f)) return "element " + std::to_string(i) + " is not finite";
    }
    return "";
  }

  // Timelines whose key sorts before the current group have no vectors.
  Status Orphan() {
    rocksdb::Slice k = tit_->key();
    r_->timelines_scanned++;
    if (k.size() != kPrefixSize) {
      AddIssue({IssueKind::kKeyUndecodable, false, k.ToString(),
                "timelines key of " + std::to_string(k.size()) + " bytes (expected " + std::to_string(kPrefixSize) + ")"});
    } else {
      Issue i{IssueKind::kTimelineOrphan, false, k.ToString(), Series(k) + ": timeline exists but no vectors do"};
      i.has_stored = DecodeTimeline(tit_->value(), &i.stored);
      AddIssue(std::move(i));
    }
    if (o_.repair) { batch_.Delete(s_.timelines_cf(), k); r_->timelines_deleted++; }
    return MaybeFlush();
  }

  Status FinishGroup(const std::string& prefix) {
    const rocksdb::Slice p(prefix);
    for (; tit_->Valid() && tit_->key().compare(p) < 0; tit_->Next()) {
      Status st = Orphan();
      if (!st.ok()) return st;
    }
    const bool present = tit_->Valid() && tit_->key() == p;
    if (present) r_->timelines_scanned++;
    if (count_ == 0) {
      // Every vector of the series was undecodable and dropped: the timeline must go too.
      if (present) {
        Issue i{IssueKind::kTimelineOrphan, false, prefix, Series(p) + ": all vectors were undecodable and dropped"};
        i.has_stored = DecodeTimeline(tit_->value(), &i.stored);
        AddIssue(std::move(i));
        batch_.Delete(s_.timelines_cf(), p);
        r_->timelines_deleted++;
        tit_->Next();
      }
      return MaybeFlush();
    }
    Timeline want{GetBE64(prefix.data()), GetBE32(prefix.data() + 8), first_, last_, count_,
                  s_.options().keyframe_interval};
    std::optional<Issue> issue;
    if (!present) {
      issue = Issue{IssueKind::kTimelineMissing, false, prefix, Series(p) + ": vectors exist (" + Describe(want) +
                                                                     ") but no timeline does"};
    } else {
      Timeline have;
      if (!DecodeTimeline(tit_->value(), &have)) {
        issue = Issue{IssueKind::kTimelineUndecodable, false, prefix,
                      Series(p) + ": timeline record is not a valid CBOR timeline (" +
                          std::to_string(tit_->value().size()) + " bytes)"};
      } else {
        want.keyframe_interval = have.keyframe_interval;  // not derivable from vectors: keep it
        if (have.entity != want.entity || have.space != want.space || have.point_count != want.point_count ||
            have.first_seen != want.first_seen || have.last_seen != want.last_seen) {
          issue = Issue{IssueKind::kTimelineMismatch, false, prefix,
                        Series(p) + ": stored " + Describe(have) + ", vectors say " + Describe(want)};
          issue->has_stored = true;
          issue->stored = have;
        }
      }
      tit_->Next();
    }
    if (issue) {
      issue->has_expected = true;
      issue->expected = want;
      AddIssue(std::move(*issue));
      if (o_.repair) {
        batch_.Put(s_.timelines_cf(), p, EncodeTimeline(want));
        r_->timelines_written++;
      }
    }
    return MaybeFlush();
  }

  Status MaybeFlush() { return batch_.Count() >= kBatchOps ? Flush() : Status::Ok(); }

  Status Flush() {
    if (batch_.Count() == 0) return Status::Ok();
    Status st = s_.Write(&batch_, "repair: writing batch");
    batch_.Clear();
    return st;
  }

  Store& s_;
  const VerifyOptions& o_;
  VerifyReport* r_;
  std::unique_ptr<rocksdb::Iterator> tit_;
  rocksdb::WriteBatch batch_;
  uint64_t count_ = 0;
  int64_t first_ = 0;
  int64_t last_ = 0;
};

}  // namespace

Status VerifyStore(Store& s, const VerifyOptions& o, VerifyReport* r) { return Verifier(s, o, r).Run(); }

}  // namespace cvx
