// The CBOR subset our records use: one definite-length map of text keys to integers,
// integers in their shortest form (CBOR's preferred serialization). The decoder
// is strict about structure but accepts keys in any order, so records written by other
// CBOR encoders (cbor-x in repair tooling) still read back.
#include "codec.h"

#include <cstring>
#include <string_view>

namespace cvx {
namespace {

void PutHead(std::string* out, uint8_t major, uint64_t n) {
  const uint8_t m = static_cast<uint8_t>(major << 5);
  if (n < 24) {
    out->push_back(static_cast<char>(m | n));
  } else if (n <= 0xff) {
    out->push_back(static_cast<char>(m | 24));
    out->push_back(static_cast<char>(n));
  } else if (n <= 0xffff) {
    out->push_back(static_cast<char>(m | 25));
    out->push_back(static_cast<char>(n >> 8));
    out->push_back(static_cast<char>(n));
  } else if (n <= 0xffffffffULL) {
    char b[4];
    PutBE32(b, static_cast<uint32_t>(n));
    out->push_back(static_cast<char>(m | 26));
    out->append(b, 4);
  } else {
    char b[8];
    PutBE64(b, n);
    out->push_back(static_cast<char>(m | 27));
    out->append(b, 8);
  }
}

void PutText(std::string* out, std::string_view s) {
  PutHead(out, 3, s.size());
  out->append(s.data(), s.size());
}

void PutInt(std::string* out, std::string_view key, int64_t v) {
  PutText(out, key);
  if (v >= 0) PutHead(out, 0, static_cast<uint64_t>(v));
  else PutHead(out, 1, static_cast<uint64_t>(-(v + 1)));
}

void PutUint(std::string* out, std::string_view key, uint64_t v) {
  PutText(out, key);
  PutHead(out, 0, v);
}

// A CBOR integer as sign + magnitude: value = negative ? -1 - magnitude : magnitude.
struct CborInt {
  bool negative = false;
  uint64_t magnitude = 0;
  bool AsU64(uint64_t* v) const { if (negative) return false; *v = magnitude; return true; }
  bool AsU32(uint32_t* v) const {
    if (negative || magnitude > 0xffffffffULL) return false;
    *v = static_cast<uint32_t>(magnitude);
    return true;
  }
  bool AsI64(int64_t* v) const {
    if (magnitude > static_cast<uint64_t>(INT64_MAX)) return false;
    *v = negative ? -1 - static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
    return true;
  }
};

class Reader {
 public:
  explicit Reader(const rocksdb::Slice& s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool Head(uint8_t* major, uint64_t* n) {
    if (p_ >= end_) return false;
    const uint8_t b = static_cast<uint8_t>(*p_++);
    *major = b >> 5;
    const uint8_t info = b & 0x1f;
    if (info < 24) { *n = info; return true; }
    size_t len = info == 24 ? 1 : info == 25 ? 2 : info == 26 ? 4 : info == 27 ? 8 : 0;
    if (len == 0 || end_ - p_ < static_cast<ptrdiff_t>(len)) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; ++i) v = (v << 8) | static_cast<uint8_t>(*p_++);
    *n = v;
    return true;
  }

  bool Text(std::string_view* s) {
    uint8_t major; uint64_t n;
    if (!Head(&major, &n) || major != 3 || static_cast<uint64_t>(end_ - p_) < n) return false;
    *s = std::string_view(p_, n);
    p_ += n;
    return true;
  }

  bool Int(CborInt* v) {
    uint8_t major; uint64_t n;
    if (!Head(&major, &n) || (major != 0 && major != 1)) return false;
    v->negative = major == 1;
    v->magnitude = n;
    return true;
  }

  // Calls f(key, value) for each entry of a top-level map of text → integer.
  template <class F>
  bool Map(F&& f) {
    uint8_t major; uint64_t n;
    if (!Head(&major, &n) || major != 5 || n > 64) return false;
    for (uint64_t i = 0; i < n; ++i) {
      std::string_view key; CborInt v;
      if (!Text(&key) || !Int(&v) || !f(key, v)) return false;
    }
    return p_ == end_;
  }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace

std::string EncodeTimeline(const Timeline& t) {
  std::string out;
  out.reserve(96);
  PutHead(&out, 5, 6);
  PutUint(&out, "entityId", t.entity);
  PutUint(&out, "spaceId", t.space);
  PutInt(&out, "firstSeen", t.first_seen);
  PutInt(&out, "lastSeen", t.last_seen);
  PutUint(&out, "pointCount", t.point_count);
  PutUint(&out, "keyframeInterval", t.keyframe_interval);
  return out;
}

bool DecodeTimeline(const rocksdb::Slice& in, Timeline* out) {
  unsigned seen = 0;
  bool ok = Reader(in).Map([&](std::string_view k, const CborInt& v) {
    if (k == "entityId") { seen |= 1; return v.AsU64(&out->entity); }
    if (k == "spaceId") { seen |= 2; return v.AsU32(&out->space); }
    if (k == "firstSeen") { seen |= 4; return v.AsI64(&out->first_seen); }
    if (k == "lastSeen") { seen |= 8; return v.AsI64(&out->last_seen); }
    if (k == "pointCount") { seen |= 16; return v.AsU64(&out->point_count); }
    if (k == "keyframeInterval") { seen |= 32; return v.AsU32(&out->keyframe_interval); }
    return true;  // unknown keys are tolerated so later minor versions can add fields
  });
  return ok && seen == 63;
}

std::string SpaceKey(uint32_t space) { return kSpaceKeyPrefix + std::to_string(space); }

std::string EncodeSpaceRecord(uint32_t dim) {
  std::string out;
  PutHead(&out, 5, 1);
  PutUint(&out, "dim", dim);
  return out;
}

bool DecodeSpaceRecord(const rocksdb::Slice& in, uint32_t* dim) {
  bool seen = false;
  bool ok = Reader(in).Map([&](std::string_view k, const CborInt& v) {
    if (k == "dim") { seen = true; return v.AsU32(dim) && *dim > 0; }
    return true;
  });
  return ok && seen;
}

std::string EncodeFormatRecord(uint32_t version) {
  std::string out;
  PutHead(&out, 5, 1);
  PutUint(&out, "version", version);
  return out;
}

bool DecodeFormatRecord(const rocksdb::Slice& in, uint32_t* version) {
  bool seen = false;
  bool ok = Reader(in).Map([&](std::string_view k, const CborInt& v) {
    if (k == "version") { seen = true; return v.AsU32(version); }
    return true;
  });
  return ok && seen;
}

}  // namespace cvx
