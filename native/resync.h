// A replica seeded again from a read view of its source (HotStore.resyncFrom), for a feed that
// can no longer be followed (CVX_FEED_GAP, CVX_FEED_TRIMMED) or a replica that has none yet.
// Plain C++, no Node-API (js_feed.cc exports it). What it promises:
// - afterwards every column family of the replica holds exactly the view's records, byte for
//   byte, and the applied sequence (change_feed.h, kAppliedKey) is the view's sequence, so the
//   feed resumes right after the view;
// - a kill at any point leaves a replica marked as resyncing (kResyncKey) and without an
//   applied sequence: AppliedSequence() then says "unknown, resync", and a resync again ends
//   exact, whatever the first one had written.
#pragma once
#include <cstdint>

#include "snapshot.h"
#include "status.h"
#include "store.h"

namespace cvx {

// Present while a resync is under way; removed in the batch that writes the applied sequence.
constexpr const char* kResyncKey = "cvx:replica:resyncing";

// Makes `replica` a copy of `view` (of another store). Runs on the replica's writer thread;
// the caller keeps the view's store entered. *seq: the view's sequence, now the applied one.
Status Resync(Store& replica, const ReadSnapshot& view, uint64_t* seq);
// True when a resync of `replica` was started and did not finish.
Status ResyncPending(Store& replica, bool* pending);

}  // namespace cvx
