// The batch as-of read (getManyAsOf): many entities of one space, each one's point with the
// greatest timestamp in its window, by one SeekForPrev per entity on one reused iterator.
#include <cstring>
#include <memory>

#include "engine.h"
#include "options.h"

namespace cvx {

namespace {

// Positions `it` on the answer of key `k`, if it has one (*found): the greatest key of the
// entity's prefix at or before (entity, space, at), within the window. Damage in the way (a key
// of the prefix that is not a vector key, a vector not of the space's dimension) is
// CVX_CORRUPTION, as SeekAsOf reports it.
Status SeekOne(rocksdb::Iterator* it, uint32_t space, const AsOfKey& k, size_t row, int64_t* ts, bool* found) {
  *found = false;
  if (k.min_ts > k.at) return Status::Ok();  // an empty window (lib/ never sends one)
  char target[kKeySize];
  EncodeKey(target, k.entity, space, k.at);
  it->SeekForPrev(rocksdb::Slice(target, kKeySize));
  if (!it->Valid()) return Status::FromRocks(it->status(), "getManyAsOf");
  rocksdb::Slice key = it->key();
  // Below the entity's prefix (or, under prefix seek, anywhere outside it): none at or before t.
  if (key.size() < kPrefixSize || memcmp(key.data(), target, kPrefixSize) != 0) return Status::Ok();
  if (key.size() != kKeySize) {
    return Status::Make(Code::kCorruption, "getManyAsOf: a " + std::to_string(key.size()) +
                                               "-byte key inside the prefix of entity " + std::to_string(k.entity) +
                                               " is not a vector key");
  }
  *ts = DecodeKeyTimestamp(key.data());
  if (*ts < k.min_ts || *ts > k.at) return Status::Ok();
  // Every point of a space has the space's dimension; any other size is damage.
  if (it->value().size() != row) {
    return BadVectorSize("getManyAsOf: stored vector of entity " + std::to_string(k.entity) + " at timestamp " +
                             std::to_string(*ts),
                         it->value().size(), row);
  }
  *found = true;
  return Status::Ok();
}

}  // namespace

Status GetManyAsOf(Store& s, uint32_t space, const std::vector<AsOfKey>& keys, uint32_t dim, const AsOfRows& out,
                   const rocksdb::Snapshot* snapshot) {
  const size_t n = keys.size();
  const size_t row = size_t{dim} * sizeof(float);
  memset(out.found, 0, n);
  memset(out.timestamps, 0, n * sizeof(int64_t));
  // A space never written has no points: nothing to seek (and no rows: dim is 0).
  if (n == 0 || dim == 0) return Status::Ok();
  // One iterator for every key: it reads from the moment it was made, so the whole answer is
  // from one moment without a snapshot of our own (a secondary, which refuses snapshots, needs
  // none either). The prefix read options of SeekAsOf (prefix bloom, prefix_same_as_start), but
  // no lower bound: it would differ per key and cannot change on a live iterator, so SeekOne
  // checks each window's bottom itself.
  rocksdb::ReadOptions ro = RangeReadOptions(1);
  if (snapshot) ro.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(s.db()->NewIterator(ro, s.vectors_cf()));
  for (size_t i = 0; i < n; ++i) {
    char* dest = out.vectors + i * row;
    bool found = false;
    Status st = SeekOne(it.get(), space, keys[i], row, &out.timestamps[i], &found);
    if (!st.ok()) return st;
    if (found) {
      memcpy(dest, it->value().data(), row);
      out.found[i] = 1;
    } else {
      out.timestamps[i] = 0;
      memset(dest, 0, row);
    }
  }
  return Status::Ok();
}

}  // namespace cvx
