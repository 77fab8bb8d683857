// See wal_tail.h. Only the legacy record types (full, first, middle, last: 1-4) are read: the
// store never recycles WAL files, so the recyclable types (with an 11-byte header) never occur.
#include "wal_tail.h"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <vector>

namespace cvx {
namespace {

constexpr size_t kBlockSize = 32768;
constexpr size_t kHeaderSize = 7;
constexpr uint32_t kMaskDelta = 0xa282ead8u;

struct Crc32cTable {
  uint32_t t[256];
  Crc32cTable() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
      t[i] = c;
    }
  }
};

uint32_t Crc32c(const uint8_t* p, size_t n) {
  static const Crc32cTable table;
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) c = table.t[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

uint32_t Unmask(uint32_t masked) {
  const uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// A whole, valid physical record starts at `at`: a known type, a length within the block and
// the file, and a matching checksum over the type byte and the payload.
bool ValidRecordAt(const std::vector<uint8_t>& b, size_t at) {
  const size_t left = kBlockSize - at % kBlockSize;
  if (left < kHeaderSize || at + kHeaderSize > b.size()) return false;
  const uint8_t type = b[at + 6];
  if (type < 1 || type > 4) return false;
  const size_t len = b[at + 4] | (size_t(b[at + 5]) << 8);
  if (kHeaderSize + len > left || at + kHeaderSize + len > b.size()) return false;
  const uint32_t stored = b[at] | (uint32_t(b[at + 1]) << 8) | (uint32_t(b[at + 2]) << 16) | (uint32_t(b[at + 3]) << 24);
  return Crc32c(&b[at + 6], len + 1) == Unmask(stored);
}

}  // namespace

WalTail ExamineWalTail(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return WalTail::kUnreadable;
  const std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return WalTail::kUnreadable;
  size_t at = 0;
  while (at + kHeaderSize <= b.size()) {
    const size_t left = kBlockSize - at % kBlockSize;
    if (left < kHeaderSize) {  // the block's zero trailer
      at += left;
      continue;
    }
    if (!ValidRecordAt(b, at)) break;
    at += kHeaderSize + (b[at + 4] | (size_t(b[at + 5]) << 8));
  }
  if (at + kHeaderSize > b.size()) return WalTail::kClean;  // at most a cut header at the end
  // Anything valid after the first bad record, at any offset: damage, not a tail.
  for (size_t p = at + 1; p + kHeaderSize <= b.size(); ++p) {
    if (ValidRecordAt(b, p)) return WalTail::kDamaged;
  }
  return WalTail::kTornTail;
}

}  // namespace cvx
