// The change feed's engine: a store's WAL read back as whole write batches (RocksDB's
// GetUpdatesSince), and a replica's side, which writes those batches' operations byte for byte
// together with the source sequence it has applied. Plain C++, no Node-API (js_feed.cc).
// What it promises:
// - batches come whole and in order; each one's first sequence follows the previous one's last;
// - a jump in the sequence (a write that bypassed the WAL: ingested table files, a rebuild, a
//   salvage that dropped records, each of which writes a feed-break record through the WAL) is
//   CVX_FEED_GAP, never a silent end; a start the WAL no longer holds is CVX_FEED_TRIMMED,
//   never a later start.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <rocksdb/transaction_log.h>
#include <rocksdb/write_batch.h>

#include "status.h"
#include "store.h"

namespace cvx {

// A batch's operations, in the order the batch holds them.
enum class FeedOpKind : uint8_t { kPut = 0, kDelete = 1, kSingleDelete = 2, kDeleteRange = 3, kMerge = 4 };

// One operation, as offsets into its batch's bytes (FeedBatch::data): no copy of keys or values.
// `cf` is the column family's index as CfIndex() (store.h) knows it; `value` is the end key of a
// deleteRange, empty for deletes.
struct FeedOp {
  FeedOpKind kind;
  uint8_t cf;
  uint32_t key_off, key_len, value_off, value_len;
};

struct FeedBatch {
  uint64_t sequence = 0;  // the batch's first sequence number
  uint32_t count = 0;     // sequence numbers it uses: its last is sequence + count - 1
  std::unique_ptr<rocksdb::WriteBatch> batch;  // as the WAL holds it: its Data() are the bytes
  std::vector<FeedOp> ops;
  const std::string& data() const { return batch->Data(); }
};

// The system record a write that bypasses the WAL (or drops part of it) puts and deletes again
// in one batch written through the WAL: a feed that reaches it fails with CVX_FEED_GAP, and the
// store keeps nothing of it.
constexpr const char* kFeedBreakKey = "cvx:feed-break";
// Where a replica keeps the last source sequence it applied (8 bytes, big-endian).
constexpr const char* kAppliedKey = "cvx:replica:applied";

// A reader of the feed from `since` on (the batches after it), kept between calls so the WAL is
// not searched again for every call. A store Resource: Close() frees its iterator.
class FeedReader : public Resource {
 public:
  FeedReader(Store& s, uint64_t since);
  ~FeedReader() override;
  void Release() override;
  // Up to `max_batches` whole batches (and roughly `max_bytes`), appended to *out; none when
  // the consumer is caught up. *latest: the store's latest sequence when the call began.
  Status Next(Store& s, size_t max_batches, size_t max_bytes, std::vector<FeedBatch>* out, uint64_t* latest);

 private:
  Status OpenIterator(Store& s);
  Status Take(Store& s, rocksdb::BatchResult b, std::vector<FeedBatch>* out, size_t* bytes);

  std::mutex mu_;
  bool released_ = false;
  rocksdb::DB* db_ = nullptr;  // the instance it_ reads (a follower may swap its instance)
  std::shared_ptr<InstanceLife> life_;
  std::unique_ptr<rocksdb::TransactionLogIterator> it_;
  uint64_t next_;            // the first sequence of the next batch to deliver
  bool fresh_ = false;       // it_ has delivered nothing yet
  bool stepped_ = false;     // it_ delivered a batch, so it has a log reader and Next() is safe
};

// The store's latest sequence number (a follower: as of its last catch-up).
uint64_t LatestSequence(Store& s);

// A replica's side: writes each batch's operations (their bytes unchanged) and the source
// sequence applied, all in one WriteBatch. A batch the replica already holds (its last sequence
// at or below the applied one) is skipped; one that does not follow the applied sequence is
// refused. *applied: the applied sequence after the call.
Status ApplyBatches(Store& s, const std::vector<std::string>& batches, uint64_t* applied);
// The last source sequence applied to this replica; *known false when none was.
Status AppliedSequence(Store& s, bool* known, uint64_t* seq);
// Writes the feed-break record (kFeedBreakKey) through the WAL: `why` says what bypassed it.
Status MarkFeedBreak(Store& s, const std::string& why);

}  // namespace cvx
