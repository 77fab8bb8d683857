// See salvage.h.
#include "salvage.h"

#include "store.h"
#include "verify.h"

namespace cvx {

Status Salvage(Store& s, const std::vector<WalDrop>& drops, SalvageReport* out) {
  out->drops = drops;
  if (drops.empty()) return Status::Ok();
  VerifyOptions o;
  o.repair = true;
  o.max_issues = 0;
  VerifyReport r;
  Status st = VerifyStore(s, o, &r);
  out->issues_found = r.issue_count;
  out->timelines_written = r.timelines_written;
  out->timelines_deleted = r.timelines_deleted;
  return st;
}

}  // namespace cvx
