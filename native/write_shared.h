// What the write paths (writes.cc) and bulkLoad (bulk_load.cc) both need under the store's write
// mutex: a series' stored timeline, whether a vector key is stored, and the read-only refusal.
// One copy, so a load and a put read and refuse the same way. Defined in writes.cc.
#pragma once

#include <rocksdb/slice.h>

#include "codec.h"
#include "status.h"
#include "store.h"

namespace cvx {

// The stored timeline of `prefix` (entity + space): *found false when none; CVX_CORRUPTION when
// the record does not decode.
Status LoadTimeline(Store& s, const rocksdb::Slice& prefix, Timeline* tl, bool* found);
// Whether vector `key` (20 bytes, space set) is stored.
Status KeyExists(Store& s, const rocksdb::Slice& key, bool* exists);
// CVX_READ_ONLY for a store opened with readOnly: true.
Status CheckWritable(Store& s);

}  // namespace cvx
