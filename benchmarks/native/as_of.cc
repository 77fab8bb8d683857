// The as-of figures' C++ limit (benchmarks/jobs/as_of.js and as_of_many.js, `npm run bench --
// --only asof`): the same as-of work as the library, straight against the system RocksDB on the
// very same store files, opened read-only with the store's own options (native/options.cc:
// MakeDbOptions, ColumnFamilies, RangeReadOptions) so the files stay as the library's figure
// finds them. Every phase runs its work untimed once over a sample as large as the timed one,
// drawn with another seed, then times the measured sample. Phases:
//   one     --entity E --points P [--from F] --calls N: N as-of reads of one entity at seeded
//           random t in [F·60 000, (F+P)·60 000), each as SeekAsOf (native/reads.cc) does it: a
//           new iterator with RangeReadOptions(1) and the lower bound at the window's oldest key
//           (the i64 minimum: no tolerance), one SeekForPrev, the key checked to be the entity's,
//           the vector copied into one reused buffer.
//   many    --entities E --points P --batch B --calls N --dim D: N calls of B random entities at
//           one random t each (the workload's timestamps): per call ONE iterator
//           (RangeReadOptions(1), no bounds: it moves between prefixes) and one SeekForPrev per
//           entity; a found mask, the timestamps and the vectors into one reused B×D matrix.
//   latest  --batch B --passes K [--at T]: the whole space's state at T (default: the i64
//           maximum): one snapshot, the timelines walked in key order, and for each of the
//           space's entities one SeekForPrev with one reused vectors iterator, answered in
//           batches of B into reused columns.
// Each phase checks its own work and prints one JSON line with a checksum (the sum of the
// answers' timestamps, mod 2^32) that the JS job compares with its own.
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "codec.h"
#include "options.h"

namespace {

constexpr int64_t kStepMs = 60000;
constexpr int64_t kT0 = 1700000000000LL;  // benchmarks/lib/workload.js's T0 (the batch store)
constexpr uint32_t kSpace = 0;
constexpr uint64_t kChecksumMod = 1ULL << 32;  // lib/as_of.js: a sum of Numbers below 2^53 stays exact

// mulberry32, bit for bit as benchmarks/lib/workload.js (Math.imul is a wrapping 32-bit multiply).
struct Mulberry32 {
  uint32_t a;
  explicit Mulberry32(uint32_t seed) : a(seed) {}
  double operator()() {
    a += 0x6d2b79f5u;
    uint32_t t = a;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return static_cast<double>(t ^ (t >> 14)) / 4294967296.0;
  }
};

void Check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.ToString());
}

double Now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double CpuNow() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct Config {
  std::string phase, dir, figure;
  uint64_t entity = 0, entities = 0, points = 0, from = 0, calls = 0, batch = 1000, dim = 0, passes = 1;
  int64_t at = INT64_MAX;
};

struct Db {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;  // default, vectors, timelines
  explicit Db(const std::string& dir) {
    rocksdb::DB* raw = nullptr;
    Check(rocksdb::DB::OpenForReadOnly(cvx::MakeDbOptions(false, ""), dir, cvx::ColumnFamilies(), &cfs, &raw), "open");
    db.reset(raw);
  }
  ~Db() {
    for (auto* h : cfs) db->DestroyColumnFamilyHandle(h);
    db->Close();
  }
  rocksdb::ColumnFamilyHandle* vectors() const { return cfs[1]; }
  rocksdb::ColumnFamilyHandle* timelines() const { return cfs[2]; }
};

// The answer of one as-of seek, checked as SeekAsOf checks it: the iterator is on a key of the
// entity (`prefix`) inside [min_ts, at] with a whole number of floats. False: no such point.
bool Answer(rocksdb::Iterator* it, const char* prefix, int64_t min_ts, int64_t at, int64_t* ts, rocksdb::Slice* v) {
  if (!it->Valid()) {
    Check(it->status(), "seek");
    return false;
  }
  const rocksdb::Slice k = it->key();
  if (k.size() != cvx::kKeySize || memcmp(k.data(), prefix, cvx::kPrefixSize) != 0) return false;
  *ts = cvx::DecodeKeyTimestamp(k.data());
  if (*ts < min_ts || *ts > at) return false;
  *v = it->value();
  if (v->size() == 0 || v->size() % 4 != 0) throw std::runtime_error("bad vector size");
  return true;
}

// as_of.js's times(): t = (from + ⌊r·points⌋)·60 000 + ⌊r·60 000⌋, two draws per t, in that order.
std::vector<int64_t> Times(const Config& c, uint32_t seed) {
  Mulberry32 r(seed);
  std::vector<int64_t> out(c.calls);
  for (auto& t : out) {
    const double step = std::floor(r() * static_cast<double>(c.points));
    const double within = std::floor(r() * 60000.0);
    t = (static_cast<int64_t>(c.from) + static_cast<int64_t>(step)) * kStepMs + static_cast<int64_t>(within);
  }
  return out;
}

struct Totals {
  uint64_t found = 0, checksum = 0;
  void Add(int64_t ts) {
    ++found;
    checksum = (checksum + static_cast<uint64_t>(ts) % kChecksumMod) % kChecksumMod;
  }
};

// One call of getAsOfSync: SeekAsOf's work, the vector copied out.
Totals OnePass(Db& d, const Config& c, const std::vector<int64_t>& times, std::vector<char>* out) {
  Totals tot;
  char lo[cvx::kKeySize], target[cvx::kKeySize];
  for (int64_t at : times) {
    cvx::EncodeKey(lo, c.entity, kSpace, INT64_MIN);
    cvx::EncodeKey(target, c.entity, kSpace, at);
    rocksdb::ReadOptions ro = cvx::RangeReadOptions(1);
    rocksdb::Slice lower(lo, cvx::kKeySize);
    ro.iterate_lower_bound = &lower;
    std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator(ro, d.vectors()));
    it->SeekForPrev(rocksdb::Slice(target, cvx::kKeySize));
    int64_t ts;
    rocksdb::Slice v;
    if (!Answer(it.get(), lo, INT64_MIN, at, &ts, &v)) continue;
    if (out->size() < v.size()) out->resize(v.size());
    memcpy(out->data(), v.data(), v.size());
    tot.Add(ts);
  }
  return tot;
}

// The batch sample: per call one t inside the workload's span, then `batch` random entities.
struct Call {
  int64_t t;
  std::vector<uint64_t> entities;
};

std::vector<Call> ManySample(const Config& c, uint32_t seed) {
  Mulberry32 r(seed);
  std::vector<Call> calls(c.calls);
  for (auto& call : calls) {
    call.t = kT0 + static_cast<int64_t>(std::floor(r() * static_cast<double>(c.points * kStepMs)));
    call.entities.resize(c.batch);
    for (auto& e : call.entities) e = static_cast<uint64_t>(std::floor(r() * static_cast<double>(c.entities)));
  }
  return calls;
}

// Columns a batch answers into, reused by every call (the limit's way; `into` is the library's).
struct Columns {
  std::vector<uint8_t> found;
  std::vector<int64_t> timestamps;
  std::vector<uint64_t> entity_ids;
  std::vector<float> vectors;
  Columns(uint64_t batch, uint64_t dim) : found(batch), timestamps(batch), entity_ids(batch), vectors(batch * dim) {}
  void Put(size_t row, int64_t ts, const rocksdb::Slice& v, uint64_t dim) {
    if (v.size() != dim * sizeof(float)) throw std::runtime_error("vector of another dimension");
    found[row] = 1;
    timestamps[row] = ts;
    memcpy(vectors.data() + row * dim, v.data(), v.size());
  }
};

Totals ManyPass(Db& d, const Config& c, const std::vector<Call>& calls, Columns* cols) {
  Totals tot;
  char prefix[cvx::kKeySize], target[cvx::kKeySize];
  for (const Call& call : calls) {
    // One iterator per call: one consistent view for the batch, reused for every entity.
    std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator(cvx::RangeReadOptions(1), d.vectors()));
    for (size_t i = 0; i < call.entities.size(); ++i) {
      cvx::EncodePrefix(prefix, call.entities[i], kSpace);
      cvx::EncodeKey(target, call.entities[i], kSpace, call.t);
      it->SeekForPrev(rocksdb::Slice(target, cvx::kKeySize));
      int64_t ts;
      rocksdb::Slice v;
      cols->found[i] = 0;
      if (!Answer(it.get(), prefix, INT64_MIN, call.t, &ts, &v)) continue;
      cols->Put(i, ts, v, c.dim);
      tot.Add(ts);
    }
  }
  return tot;
}

// The space's state at c.at: every timeline of the space, one seek each, batches of c.batch.
Totals LatestPass(Db& d, const Config& c, Columns* cols) {
  Totals tot;
  const rocksdb::Snapshot* snap = d.db->GetSnapshot();
  rocksdb::ReadOptions tro;
  tro.snapshot = snap;
  rocksdb::ReadOptions vro = cvx::RangeReadOptions(1);
  vro.snapshot = snap;
  std::unique_ptr<rocksdb::Iterator> tit(d.db->NewIterator(tro, d.timelines()));
  std::unique_ptr<rocksdb::Iterator> vit(d.db->NewIterator(vro, d.vectors()));
  char target[cvx::kKeySize];
  size_t row = 0;
  for (tit->SeekToFirst(); tit->Valid(); tit->Next()) {
    const rocksdb::Slice p = tit->key();
    if (p.size() != cvx::kPrefixSize) continue;
    const uint64_t entity = cvx::GetBE64(p.data());
    if (cvx::GetBE32(p.data() + 8) != kSpace) continue;
    cvx::EncodeKey(target, entity, kSpace, c.at);
    vit->SeekForPrev(rocksdb::Slice(target, cvx::kKeySize));
    int64_t ts;
    rocksdb::Slice v;
    if (!Answer(vit.get(), p.data(), INT64_MIN, c.at, &ts, &v)) continue;
    cols->entity_ids[row] = entity;
    cols->Put(row, ts, v, c.dim);
    tot.Add(ts);
    if (++row == c.batch) row = 0;  // a full batch is handed out; the next one reuses the columns
  }
  Check(tit->status(), "timelines");
  tit.reset();
  vit.reset();
  d.db->ReleaseSnapshot(snap);
  return tot;
}

void Emit(const Config& c, uint64_t ops, const char* unit, const Totals& tot, double seconds, double cpu) {
  printf("{\"figure\":\"%s\",\"%s\":%llu,\"found\":%llu,\"checksum\":%llu,\"seconds\":%.6f,\"cpuSeconds\":%.6f,"
         "\"perSec\":%.1f,\"usPer\":%.4f,\"cpuUsPer\":%.4f}\n",
         c.figure.c_str(), unit, static_cast<unsigned long long>(ops), static_cast<unsigned long long>(tot.found),
         static_cast<unsigned long long>(tot.checksum), seconds, cpu, ops / seconds, seconds / ops * 1e6, cpu / ops * 1e6);
  fflush(stdout);
}

// Runs `pass` untimed over `warm`, then timed over `measured`; reports `ops` per second.
template <class Sample, class Pass>
void WarmThenTime(const Config& c, const Sample& warm, const Sample& measured, uint64_t ops, const char* unit, Pass pass) {
  pass(warm);
  const double t0 = Now(), c0 = CpuNow();
  const Totals tot = pass(measured);
  // ops 0: the operations are the points answered (latest: the space's size is not an argument).
  Emit(c, ops ? ops : tot.found, unit, tot, Now() - t0, CpuNow() - c0);
}

Config ParseArgs(int argc, char** argv) {
  Config c;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    const uint64_t n = std::strtoull(v, nullptr, 10);
    if (k == "--phase") c.phase = v;
    else if (k == "--dir") c.dir = v;
    else if (k == "--figure") c.figure = v;
    else if (k == "--entity") c.entity = n;
    else if (k == "--entities") c.entities = n;
    else if (k == "--points") c.points = n;
    else if (k == "--from") c.from = n;
    else if (k == "--calls") c.calls = n;
    else if (k == "--batch") c.batch = n;
    else if (k == "--dim") c.dim = n;
    else if (k == "--passes") c.passes = n;
    else if (k == "--at") c.at = std::strtoll(v, nullptr, 10);
    else throw std::runtime_error("unknown argument " + k);
  }
  const bool ok = !c.dir.empty() &&
                  ((c.phase == "one" && c.points && c.calls) ||
                   (c.phase == "many" && c.entities && c.points && c.calls && c.batch && c.dim) ||
                   (c.phase == "latest" && c.batch && c.dim && c.passes));
  if (!ok) {
    throw std::runtime_error(
        "usage: as_of --dir DIR --phase one --entity E --points P [--from F] --calls N | "
        "--phase many --entities E --points P --batch B --calls N --dim D | --phase latest --batch B --dim D --passes K [--at T]");
  }
  if (c.figure.empty()) c.figure = "cpp.asof." + c.phase;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Config c = ParseArgs(argc, argv);
    Db d(c.dir);
    if (c.phase == "one") {
      std::vector<char> out;
      WarmThenTime(c, Times(c, 7), Times(c, 1), c.calls, "calls", [&](const auto& s) { return OnePass(d, c, s, &out); });
    } else if (c.phase == "many") {
      Columns cols(c.batch, c.dim);
      WarmThenTime(c, ManySample(c, 22), ManySample(c, 21), c.calls * c.batch, "entities",
                    [&](const auto& s) { return ManyPass(d, c, s, &cols); });
    } else {
      Columns cols(c.batch, c.dim);
      // No sample to draw: the warm-up is one pass, the timed part `passes` passes.
      const std::vector<int> warm(1), measured(c.passes);
      WarmThenTime(c, warm, measured, 0, "points", [&](const std::vector<int>& passes) {
        Totals tot;
        for (size_t k = 0; k < passes.size(); ++k) {
          const Totals one = LatestPass(d, c, &cols);
          tot.found += one.found;
          tot.checksum = (tot.checksum + one.checksum) % kChecksumMod;
        }
        return tot;
      });
    }
    return 0;
  } catch (const std::exception& e) {
    fprintf(stderr, "as_of: %s\n", e.what());
    return 1;
  }
}
