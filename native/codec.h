// On-disk byte layouts owned by the native side: the 20-byte vector key, its 12-byte
// entity+space prefix, and the small CBOR records (timeline, space, format) that the
// write path must read and rewrite without a trip into JavaScript. docs/format.md is
// the normative description; golden-byte tests pin both this file and lib/keys.ts.
#pragma once
#include <cstdint>
#include <string>

#include <rocksdb/slice.h>

namespace cvx {

constexpr size_t kPrefixSize = 12;
constexpr size_t kKeySize = 20;
constexpr uint32_t kFormatVersion = 1;
constexpr const char* kFormatKey = "cvx:format";
constexpr const char* kSpaceKeyPrefix = "cvx:space:";

inline void PutBE64(char* p, uint64_t v) {
  for (int i = 7; i >= 0; --i) { p[i] = static_cast<char>(v & 0xff); v >>= 8; }
}
inline void PutBE32(char* p, uint32_t v) {
  for (int i = 3; i >= 0; --i) { p[i] = static_cast<char>(v & 0xff); v >>= 8; }
}
inline uint64_t GetBE64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline uint32_t GetBE32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// Flipping the sign bit makes unsigned byte order equal signed numeric order.
inline uint64_t TimestampBits(int64_t ts) { return static_cast<uint64_t>(ts) ^ (1ULL << 63); }

inline void EncodePrefix(char* out, uint64_t entity, uint32_t space) {
  PutBE64(out, entity);
  PutBE32(out + 8, space);
}
inline void EncodeKey(char* out, uint64_t entity, uint32_t space, int64_t ts) {
  EncodePrefix(out, entity, space);
  PutBE64(out + kPrefixSize, TimestampBits(ts));
}
inline int64_t DecodeKeyTimestamp(const char* key) {
  return static_cast<int64_t>(GetBE64(key + kPrefixSize) ^ (1ULL << 63));
}

struct Timeline {
  uint64_t entity = 0;
  uint32_t space = 0;
  int64_t first_seen = 0;
  int64_t last_seen = 0;
  uint64_t point_count = 0;
  uint32_t keyframe_interval = 10;
};

std::string EncodeTimeline(const Timeline& t);
bool DecodeTimeline(const rocksdb::Slice& in, Timeline* out);

std::string SpaceKey(uint32_t space);
std::string EncodeSpaceRecord(uint32_t dim);
bool DecodeSpaceRecord(const rocksdb::Slice& in, uint32_t* dim);

std::string EncodeFormatRecord(uint32_t version);
bool DecodeFormatRecord(const rocksdb::Slice& in, uint32_t* version);

}  // namespace cvx
