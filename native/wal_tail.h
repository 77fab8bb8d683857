// Telling a WAL's torn tail from damage before its end, for the one case RocksDB's
// tail-tolerant recovery mode cannot: a last record cut short and followed by bytes that are
// no record (zeros or old bytes a power loss leaves past the last complete write). RocksDB
// reports that as "checksum mismatch", exactly as it reports a flipped byte in the middle.
// What tells them apart is what follows the first bad record: damage in the middle is followed
// by valid records (a header whose CRC-32C matches), a torn tail by none. The scan reads the
// WAL's framing (32 KiB blocks of records with a 7-byte header: masked CRC-32C of type and
// payload, length, type), which is RocksDB's documented log format.
#pragma once
#include <string>

namespace cvx {

enum class WalTail {
  kClean,      // every record is whole and valid
  kTornTail,   // a bad record with no valid record after it
  kDamaged,    // a bad record followed by a valid one
  kUnreadable  // the file could not be read
};

WalTail ExamineWalTail(const std::string& file);

}  // namespace cvx
