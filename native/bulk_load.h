// Bulk load (HotStore.bulkLoad): points sorted into table files off the main thread and
// ingested into the store in one atomic step, instead of going through the WAL and memtable.
//
//   lib/bulk_load.ts  reads the source into the load's buffer (bulk_session.h), of at most
//                     its memory cap
//   SpillRun          (pool thread) a full buffer: sorted, last duplicate kept, written as a
//                     run file in the load's staging directory
//   BulkLoad          (writer thread, under the write mutex: ordered with every other write)
//                     merges the runs and the buffer's rest, reads the existing keys and timelines
//                     to count overwrites once, writes the vectors, timelines and (new space)
//                     dimension files with each column family's own options, and ingests them
//                     with one IngestExternalFiles call: all of them or none, also across a crash
//
// Staging lives in <store>/cvx-bulk/<load id>/, a subdirectory the damage probe does not list.
// A load killed while RocksDB links its files into the store leaves table files the MANIFEST
// does not list; they are hard links of staged files, which is how the probe tells them from
// damage (IsStagedLink). The next writable open removes the staging directory (CleanStaging),
// after RocksDB's open has deleted the unlisted links.
//
// The change feed: an ingest writes nothing to the WAL, and one whose files overlap nothing
// takes no sequence number, so a feed would pass over it silently. A load therefore writes the
// feed-break record (change_feed.h) just before its ingest and again just after it, and an open
// that finds a load's staging leftovers writes it before removing them:
// - a consumer whose `since` is before the load meets the first record: CVX_FEED_GAP;
// - a consumer seeded from a view taken between the first record and the ingest (it lacks the
//   load) meets the second one;
// - a kill between the ingest and the second record leaves the staging directory, so the next
//   writable open writes the record then; a follower reading the killed writer's WAL meanwhile
//   already meets the first one.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine.h"

namespace cvx {

constexpr const char* kStagingDir = "cvx-bulk";

// A chunk of points whose vectors the caller owns (PointIn::value points into them).
struct BulkChunk {
  std::vector<PointIn> points;
};

struct BulkResult {
  uint64_t loaded = 0;       // distinct keys written
  uint64_t overwritten = 0;  // ... of which the store already held
};

// <store>/cvx-bulk/<id>; `id` is made by lib/ and checked here to be a plain name.
Status StagingPath(Store& s, const std::string& id, std::string* dir);
// Sorts `chunk` and writes it as run file `run` (a number) of the load's staging directory,
// which *dir is set to.
Status SpillRun(Store& s, const std::string& id, uint32_t run, BulkChunk* chunk, std::string* dir);
// Merges runs 0..runs-1 (later wins) and `tail` (wins over every run) and ingests the result
// into `space`. Removes the staging directory whatever happens.
Status BulkLoad(Store& s, uint32_t space, uint32_t dim, const std::string& id, uint32_t runs, BulkChunk* tail,
                BulkResult* out);
// Removes a load's staging directory `dir` (and <store>/cvx-bulk when it is then empty).
Status DropStaging(const std::string& dir);
// At a writable open, after RocksDB's: every staging directory left by a killed load, after a
// feed-break record (the load may have been ingested before its second mark).
Status CleanStaging(Store& s);
// True when `file` is a hard link of a file in a staging directory of `store_path`.
bool IsStagedLink(const std::string& store_path, const std::string& file);

}  // namespace cvx
