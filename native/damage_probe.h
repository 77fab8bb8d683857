// Finding damage to an existing store's files before anything acts on it. A writable RocksDB
// open replays the WAL, writes a new MANIFEST and deletes every table file the MANIFEST does
// not list, so damage found only after it (a MANIFEST cut short) has already cost data. The
// probe opens the store read-only first, which writes nothing, and refuses with
// CVX_CORRUPTION, leaving every file as it was:
// - a WAL damaged before its end (RocksDB's "checksum mismatch" under the tail-tolerant
//   recovery mode of options.cc), naming the WAL file;
// - a MANIFEST RocksDB refuses (it names a file that is gone, or its own damage);
// - table files the MANIFEST does not list that hold records found nowhere else in the store.
//   Files a killed flush or compaction left are not such files: a flush's output repeats
//   records the WAL still holds, a compaction's repeats its listed inputs, so they are left to
//   RocksDB, which deletes them.
#pragma once
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "dir_identity.h"
#include "status.h"
#include "wal_damage.h"

namespace cvx {

// True when the directory holds a table file (*.sst, or the older *.ldb).
bool HasTableFiles(const std::string& path);

// What the probe found that the real open needs.
struct ProbeAnswer {
  // The store's cvx:format record, for the caller to judge before the writable open; empty
  // when absent or when the probe could not open (a probe that fails for a reason other than
  // damage, such as another process holding the store, leaves the answer to the real open, so
  // that it still reports CVX_LOCKED).
  std::string format_record;
  // The newest WAL ends in a torn tail followed by bytes that are no record (OnlyTornTail):
  // the real open must use the point-in-time recovery mode, which stops at the tear.
  bool torn_tail = false;
};

// The read-only probe above, for a store with every one of our column families. With
// `salvage`, damaged WAL records are skipped (and reported by the open itself) instead of
// refused; unlisted data is refused either way, because a writable open would delete it.
Status ProbeForDamage(const std::string& path, bool salvage, ProbeAnswer* answer);

// After an open in the tail-tolerant mode failed reporting `drops`: true when every drop is
// in the newest WAL and that WAL's damage is a torn tail with nothing valid after it
// (wal_tail.h): what a crash or a power loss leaves, not damage.
bool OnlyTornTail(const std::string& path, const std::vector<WalDrop>& drops);

// The unlisted-table check on an open database: CVX_CORRUPTION naming the table files the
// MANIFEST does not list that hold records `db` (its tables and replayed WAL) does not hold.
// `handles` are ours, in ColumnFamilies() order. Used by the probe and by read-only opens.
Status CheckUnlistedTables(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                           const std::string& path);

// For a database that lacks some of our column families (a creation that was interrupted, or
// someone else's database): CVX_CORRUPTION when the directory holds table files its MANIFEST
// (read with the column families it lists, `names`) does not list. That is a MANIFEST cut
// short, whose lost records named our column families and those tables; a creation writes no
// table file, and finishing one here would serve an empty store and delete the tables.
// `claimed`: this open holds the directory's claim (a writable open); `id` identifies it.
Status CheckAllTablesListed(const DirId& id, bool claimed, const std::string& path, const std::vector<std::string>& names);

// The message of a refused open whose WAL is damaged, naming the files.
Status WalDamaged(const std::string& path, const rocksdb::Status& st, const std::vector<WalDrop>& drops);

}  // namespace cvx
