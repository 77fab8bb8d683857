// Consistency check and repair of a store: recompute every (entity, space) timeline from
// the vectors and compare it with the stored one. Plain C++ like engine.h, so it runs
// inline for verifySync and on a pool thread for verify()/repair().
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "codec.h"
#include "status.h"
#include "store.h"

namespace cvx {

enum class IssueKind {
  kTimelineMismatch,     // stored timeline disagrees with the vectors (count, first, last, ids)
  kTimelineMissing,      // vectors exist, no timeline
  kTimelineOrphan,       // timeline exists, no vectors
  kTimelineUndecodable,  // timeline value is not a valid CBOR timeline record
  kVectorUndecodable,    // vector value is empty, not whole f32s, wrong dimension, or non-finite
  kKeyUndecodable,       // a key of the wrong length in vectors (20) or timelines (12)
};

const char* IssueKindName(IssueKind k);

struct Issue {
  Issue(IssueKind k, bool vectors, std::string key_bytes, std::string text)
      : kind(k), in_vectors(vectors), key(std::move(key_bytes)), message(std::move(text)) {}
  IssueKind kind;
  bool in_vectors;  // column family: vectors, else timelines
  std::string key;
  std::string message;
  bool has_stored = false;
  bool has_expected = false;
  Timeline stored;
  Timeline expected;
};

struct VerifyOptions {
  bool repair = false;
  // With repair: delete undecodable vectors (and wrong-length keys) instead of only reporting
  // them. Off by default because it destroys data a person may want to look at first.
  bool drop_undecodable = false;
  size_t max_issues = 1000;
};

struct VerifyReport {
  uint64_t vectors_scanned = 0;
  uint64_t timelines_scanned = 0;
  uint64_t series = 0;  // (entity, space) groups with at least one vector key
  uint64_t issue_count = 0;  // all issues, even those beyond max_issues
  std::vector<Issue> issues;
  uint64_t timelines_written = 0;
  uint64_t timelines_deleted = 0;
  uint64_t vectors_deleted = 0;
};

Status VerifyStore(Store& s, const VerifyOptions& o, VerifyReport* r);

}  // namespace cvx
