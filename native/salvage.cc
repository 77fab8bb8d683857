// See salvage.h.
#include "salvage.h"

#include "change_feed.h"
#include "store.h"
#include "verify.h"

namespace cvx {

Status Salvage(Store& s, const std::vector<WalDrop>& drops, SalvageReport* out) {
  out->drops = drops;
  if (drops.empty()) return Status::Ok();
  // Records the change feed may already have sent are gone: a consumer must start again.
  Status marked = MarkFeedBreak(s, "a salvage open dropped damaged WAL records");
  if (!marked.ok()) return marked;
  VerifyOptions o;
  o.repair = true;
  o.max_issues = 0;
  VerifyReport r;
  Status st = VerifyStore(s, o, &r);
  out->issues_found = r.issue_count;
  out->timelines_written = r.timelines_written;
  out->timelines_deleted = r.timelines_deleted;
  if (st.ok()) return st;
  // The open replayed past the damage already, so a later open finds no drops to act on: the
  // caller must know the timelines are left to repair().
  return Status::Make(st.code, st.message + " (recomputing the timelines after the salvage failed: the damaged "
                                                "records are gone, and timelines may disagree with the vectors; "
                                                "once the cause is fixed, open the store and run repair(), or cvx-hot repair)");
}

}  // namespace cvx
