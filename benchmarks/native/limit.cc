// The engine's limit: the same logical work as cvx-storage, driven from C++ straight against the
// system RocksDB with no Node.js, no argument checks and no copies across a boundary. It opens the
// database through native/options.cc (MakeDbOptions, ColumnFamilies: the very code the addon links)
// and encodes keys and timeline records with native/codec.cc, so any gap between a cvx-storage
// figure and the matching figure here is the cost of our binding, not of a different setup.
//
// The workload is benchmarks/lib/workload.js, re-implemented below formula for formula (same
// PRNG, same pool, same order, same get/range samples). Phases (one per process, as the runner
// spawns them):
//   put    per point: read the timeline, check whether the key exists (only when a timeline
//          exists, as PutPoints does), one WriteBatch with vector + timeline.
//   batch  `batch` points per WriteBatch, timelines folded per entity; then close, reopen and:
//          point gets (one by one, then `batch` keys per MultiGet), full-trajectory prefix range
//          scans, each after an untimed warm-up.
//   reads  only the reads, on an existing store written with this workload (by this program or by
//          cvx-storage itself): for profiling the read paths side by side on the very same files,
//          and for the runner's paired read figures (`--read-only 1 --only get|getMany|range`: opened
//          read-only so the files stay exactly as the library's read figure finds them).
// Output: one JSON object per figure per line, then {"peakRssMB": ...}.
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "codec.h"
#include "options.h"

namespace {

constexpr int64_t kT0 = 1700000000000LL;
constexpr int64_t kStepMs = 60000;
constexpr uint32_t kPoolSeed = 42, kGetSeed = 7, kRangeSeed = 11;
constexpr uint32_t kSpace = 0;

// mulberry32, bit for bit the JS one (Math.imul is a wrapping 32-bit multiply).
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

struct Config {
  std::string phase, dir;
  uint64_t entities = 1000, points = 100, dim = 768, batch = 1000, gets = 100000, ranges = 2000;
  bool sync = false, reads = true, read_only = false;
  std::string only = "all";  // which read figures: all, get, getMany or range
  uint64_t keep = 0;         // --keep: see KeptResults
};

struct Workload {
  uint64_t E, P, D, B, total, pool_size;
  std::vector<float> pool;
  uint64_t entity(uint64_t i) const { return i % E; }
  int64_t ts(uint64_t i) const { return kT0 + static_cast<int64_t>(i / E) * kStepMs; }
  rocksdb::Slice vector(uint64_t i) const {
    const uint64_t k = i % pool_size;
    return rocksdb::Slice(reinterpret_cast<const char*>(pool.data() + k * D), D * sizeof(float));
  }
};

Workload MakeWorkload(const Config& c) {
  Workload w{c.entities, c.points, c.dim, c.batch, c.entities * c.points, c.batch * 4, {}};
  w.pool.resize(w.pool_size * w.D);
  Mulberry32 rnd(kPoolSeed);
  for (float& f : w.pool) f = static_cast<float>(rnd() * 2 - 1);
  return w;
}

void Check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.ToString());
}

struct Db {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;  // default, vectors, timelines
  rocksdb::WriteOptions wo;
  rocksdb::ColumnFamilyHandle* vectors() const { return cfs[1]; }
  rocksdb::ColumnFamilyHandle* timelines() const { return cfs[2]; }

  Db(const std::string& dir, bool sync, bool read_only = false) {
    rocksdb::DB* raw = nullptr;
    if (read_only) {
      Check(rocksdb::DB::OpenForReadOnly(cvx::MakeDbOptions(false, ""), dir, cvx::ColumnFamilies(), &cfs, &raw), "open");
    } else {
      Check(rocksdb::DB::Open(cvx::MakeDbOptions(true, dir), dir, cvx::ColumnFamilies(), &cfs, &raw), "open");
    }
    db.reset(raw);
    wo.sync = sync;
  }
  ~Db() {
    for (auto* h : cfs) db->DestroyColumnFamilyHandle(h);
    db->Close();
  }
};

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU seconds of all threads of the process (user + system), as process.cpuUsage() in the JS jobs.
double CpuNow() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Wall and CPU clocks started together; Emit reports both for the phase.
struct Timer {
  double wall = Now(), cpu = CpuNow();
};

void Emit(const char* figure, uint64_t points, const Timer& t, const std::string& extra = "") {
  const double seconds = Now() - t.wall, cpu = CpuNow() - t.cpu;
  printf("{\"figure\":\"%s\",\"points\":%llu,\"seconds\":%.6f,\"pointsPerSec\":%.1f,\"cpuSeconds\":%.6f,"
         "\"cpuUsPerPoint\":%.3f%s}\n",
         figure, static_cast<unsigned long long>(points), seconds, points / seconds, cpu, cpu / points * 1e6,
         extra.c_str());
  fflush(stdout);
}

// The timeline read of PutPoints: found=false when absent, throws on corruption.
bool LoadTimeline(Db& d, const rocksdb::Slice& prefix, cvx::Timeline* tl) {
  rocksdb::PinnableSlice v;
  rocksdb::Status s = d.db->Get(rocksdb::ReadOptions(), d.timelines(), prefix, &v);
  if (s.IsNotFound()) return false;
  Check(s, "timeline get");
  if (!cvx::DecodeTimeline(v, tl)) throw std::runtime_error("undecodable timeline");
  return true;
}

bool KeyExists(Db& d, const rocksdb::Slice& key) {
  rocksdb::PinnableSlice v;
  rocksdb::Status s = d.db->Get(rocksdb::ReadOptions(), d.vectors(), key, &v);
  if (s.IsNotFound()) return false;
  Check(s, "exists get");
  return true;
}

void Fold(cvx::Timeline* tl, int64_t ts) {
  tl->point_count += 1;
  if (ts < tl->first_seen) tl->first_seen = ts;
  if (ts > tl->last_seen) tl->last_seen = ts;
}

void PhasePut(Db& d, const Workload& w) {
  char key[cvx::kKeySize];
  const Timer t0;
  for (uint64_t i = 0; i < w.total; ++i) {
    const uint64_t e = w.entity(i);
    const int64_t ts = w.ts(i);
    cvx::EncodeKey(key, e, kSpace, ts);
    rocksdb::Slice k(key, cvx::kKeySize), prefix(key, cvx::kPrefixSize);
    cvx::Timeline tl;
    const bool had = LoadTimeline(d, prefix, &tl);
    if (!had) tl = cvx::Timeline{e, kSpace, ts, ts, 0, 10};
    if (!(had && KeyExists(d, k))) Fold(&tl, ts);
    rocksdb::WriteBatch b;
    b.Put(d.vectors(), k, w.vector(i));
    b.Put(d.timelines(), prefix, cvx::EncodeTimeline(tl));
    Check(d.db->Write(d.wo, &b), "write");
  }
  Emit("cpp.put", w.total, t0);
}

void PhaseBatch(Db& d, const Workload& w) {
  char key[cvx::kKeySize];
  const Timer t0;
  for (uint64_t from = 0; from < w.total; from += w.B) {
    const uint64_t to = std::min(from + w.B, w.total);
    struct Pending { cvx::Timeline tl; bool had; };
    std::map<std::string, Pending> timelines;
    std::unordered_set<std::string> written;  // a batch may repeat a key; PutPoints handles that too
    written.reserve((to - from) * 2);
    rocksdb::WriteBatch b;
    for (uint64_t i = from; i < to; ++i) {
      const uint64_t e = w.entity(i);
      const int64_t ts = w.ts(i);
      cvx::EncodeKey(key, e, kSpace, ts);
      rocksdb::Slice k(key, cvx::kKeySize);
      std::string prefix(key, cvx::kPrefixSize);
      auto it = timelines.find(prefix);
      if (it == timelines.end()) {
        Pending p{};
        p.had = LoadTimeline(d, rocksdb::Slice(prefix), &p.tl);
        if (!p.had) p.tl = cvx::Timeline{e, kSpace, ts, ts, 0, 10};
        it = timelines.emplace(std::move(prefix), p).first;
      }
      std::string ks = k.ToString();
      const bool exists = written.count(ks) || (it->second.had && KeyExists(d, k));
      if (!exists) Fold(&it->second.tl, ts);
      b.Put(d.vectors(), k, w.vector(i));
      written.insert(std::move(ks));
    }
    for (const auto& [prefix, p] : timelines) b.Put(d.timelines(), prefix, cvx::EncodeTimeline(p.tl));
    Check(d.db->Write(d.wo, &b), "write");
  }
  Emit("cpp.batch", w.total, t0, ",\"batch\":" + std::to_string(w.B));
}

// Proves the ingest happened: a few timelines are complete and exact.
void CheckTimelines(Db& d, const Workload& w) {
  for (uint64_t e : {uint64_t{0}, w.E / 2, w.E - 1}) {
    char prefix[cvx::kPrefixSize];
    cvx::EncodePrefix(prefix, e, kSpace);
    cvx::Timeline tl;
    if (!LoadTimeline(d, rocksdb::Slice(prefix, cvx::kPrefixSize), &tl) || tl.point_count != w.P ||
        tl.first_seen != w.ts(0) || tl.last_seen != w.ts(w.total - 1)) {
      throw std::runtime_error("self-check failed: timeline of entity " + std::to_string(e));
    }
  }
}

// Every read figure first runs untimed over a sample as large as the timed one, drawn with
// another seed, as the JS jobs do (benchmarks/lib/reads.js), and then times the full sample.
constexpr uint32_t kWarmGetSeed = 8, kWarmRangeSeed = 12;

std::vector<std::pair<uint64_t, int64_t>> GetSample(const Workload& w, uint64_t count, uint32_t seed) {
  Mulberry32 r(seed);
  std::vector<std::pair<uint64_t, int64_t>> sample(count);
  for (auto& s : sample) {
    s.first = static_cast<uint64_t>(r() * w.E);
    s.second = kT0 + static_cast<int64_t>(r() * w.P) * kStepMs;
  }
  return sample;
}

std::vector<uint64_t> RangeSample(const Workload& w, uint64_t count, uint32_t seed) {
  Mulberry32 r(seed);
  std::vector<uint64_t> sample(count);
  for (auto& e : sample) e = static_cast<uint64_t>(r() * w.E);
  return sample;
}

// Where a read's result goes. By default, one buffer reused by every read, always in cache: the
// engine's own limit. With --keep N (an explanatory run, never a reference figure), each result
// gets fresh memory of its own size that lives on until N later results exist, as a JS caller's
// results live until a GC finds them unreferenced. That is the one cost a binding cannot avoid
// and this program otherwise does not pay (docs/performance.md, "What a fresh result costs").
class KeptResults {
 public:
  explicit KeptResults(uint64_t keep) : ring_(keep) {}
  char* Next(size_t bytes) {
    if (ring_.empty()) {
      if (reused_.size() < bytes) reused_.resize(bytes);
      return reused_.data();
    }
    std::unique_ptr<char[]>& slot = ring_[next_++ % ring_.size()];
    slot.reset(new char[bytes]);  // the oldest kept result is freed here
    return slot.get();
  }

 private:
  std::vector<char> reused_;
  std::vector<std::unique_ptr<char[]>> ring_;
  uint64_t next_ = 0;
};

// Point gets: the value lands in a result buffer, as the addon copies it into a Float32Array.
// Returns how many were found.
uint64_t Gets(Db& d, const Workload& w, const std::vector<std::pair<uint64_t, int64_t>>& sample, KeptResults& out) {
  char key[cvx::kKeySize];
  uint64_t found = 0;
  for (const auto& [e, ts] : sample) {
    cvx::EncodeKey(key, e, kSpace, ts);
    rocksdb::PinnableSlice v;
    rocksdb::Status s = d.db->Get(rocksdb::ReadOptions(), d.vectors(), rocksdb::Slice(key, cvx::kKeySize), &v);
    if (s.IsNotFound()) continue;
    Check(s, "get");
    memcpy(out.Next(v.size()), v.data(), v.size());
    ++found;
  }
  return found;
}

// Runs `pass` (which returns the points it read) untimed over the warm-up sample, then timed
// over the measured one, and reports the figure. Returns the measured pass's points.
template <class Sample, class Pass>
uint64_t WarmThenTime(const char* figure, const Sample& warm, const Sample& measured, Pass pass) {
  pass(warm);
  const Timer t0;
  const uint64_t points = pass(measured);
  Emit(figure, points, t0);
  return points;
}

void PhaseGet(Db& d, const Config& c, const Workload& w) {
  KeptResults out(c.keep);
  const uint64_t found = WarmThenTime(c.keep ? "cpp.get.kept" : "cpp.get", GetSample(w, c.gets, kWarmGetSeed),
                                      GetSample(w, c.gets, kGetSeed), [&](const auto& s) { return Gets(d, w, s, out); });
  if (found != c.gets) throw std::runtime_error("self-check failed: get found " + std::to_string(found));
}

// The same gets, `w.B` keys per MultiGet (as HotStore.getMany does), each found value copied
// into one buffer per batch. Returns how many were found.
uint64_t MultiGets(Db& d, const Workload& w, const std::vector<std::pair<uint64_t, int64_t>>& sample) {
  uint64_t found = 0;
  std::vector<char> keys(w.B * cvx::kKeySize);
  std::vector<rocksdb::Slice> slices(w.B);
  std::vector<rocksdb::PinnableSlice> values(w.B);
  std::vector<rocksdb::Status> statuses(w.B);
  std::vector<float> out(w.B * w.D);
  for (size_t from = 0; from < sample.size(); from += w.B) {
    const size_t n = std::min<size_t>(w.B, sample.size() - from);
    for (size_t i = 0; i < n; ++i) {
      cvx::EncodeKey(keys.data() + i * cvx::kKeySize, sample[from + i].first, kSpace, sample[from + i].second);
      slices[i] = rocksdb::Slice(keys.data() + i * cvx::kKeySize, cvx::kKeySize);
      values[i].Reset();
    }
    d.db->MultiGet(rocksdb::ReadOptions(), d.vectors(), n, slices.data(), values.data(), statuses.data());
    char* dst = reinterpret_cast<char*>(out.data());
    for (size_t i = 0; i < n; ++i) {
      if (statuses[i].IsNotFound()) continue;
      Check(statuses[i], "multiget");
      const size_t size = std::min<size_t>(values[i].size(), w.D * sizeof(float));
      memcpy(dst, values[i].data(), size);
      dst += size;
      ++found;
    }
  }
  return found;
}

void PhaseGetMany(Db& d, const Config& c, const Workload& w) {
  const uint64_t found = WarmThenTime("cpp.getMany", GetSample(w, c.gets, kWarmGetSeed), GetSample(w, c.gets, kGetSeed),
                                      [&](const auto& s) { return MultiGets(d, w, s); });
  if (found != c.gets) throw std::runtime_error("self-check failed: getMany found " + std::to_string(found));
}

// Empties the OS page cache (root only): the next reads of the store come from the disk.
void DropCaches() {
  sync();
  FILE* f = fopen("/proc/sys/vm/drop_caches", "w");
  if (!f || fputs("3", f) < 0 || fclose(f) != 0) throw std::runtime_error("cannot write /proc/sys/vm/drop_caches (root only)");
}

// Single gets, each timed alone: p50/p99 in µs, next to the library's awaited get (cvx.getLatency*).
// `disk`: the page cache is emptied after the warm-up and the sample cut to kDiskGets, so most
// gets read the disk (RocksDB opens table files for random access: no readahead).
constexpr size_t kDiskGets = 2000;
void PhaseGetLatency(Db& d, const Config& c, const Workload& w, bool disk) {
  KeptResults out(0);
  Gets(d, w, GetSample(w, c.gets, kWarmGetSeed), out);
  auto sample = GetSample(w, c.gets, kGetSeed);
  if (disk) {
    DropCaches();
    sample.resize(std::min(sample.size(), kDiskGets));
  }
  std::vector<double> us;
  us.reserve(sample.size());
  std::vector<std::pair<uint64_t, int64_t>> one(1);
  const Timer t0;
  for (const auto& k : sample) {
    one[0] = k;
    const double a = Now();
    if (Gets(d, w, one, out) != 1) throw std::runtime_error("self-check failed: a latency get found nothing");
    us.push_back((Now() - a) * 1e6);
  }
  std::sort(us.begin(), us.end());
  const auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<size_t>(q * us.size()))]; };
  Emit(disk ? "cpp.getLatencyDisk" : "cpp.getLatency", sample.size(), t0,
       ",\"p50Us\":" + std::to_string(at(0.5)) + ",\"p99Us\":" + std::to_string(at(0.99)));
}

// Full-trajectory scans with RangeScan's read options (cvx::RangeReadOptions plus both bounds),
// collected into one timestamps vector and one vectors buffer per query. Returns the points.
// With --keep, the vectors go into KeptResults memory sized for the whole trajectory instead, as the
// addon's sync range sizes its Float32Array from the timeline's count.
uint64_t Ranges(Db& d, const Workload& w, const std::vector<uint64_t>& sample, KeptResults* kept) {
  const int64_t first = kT0, last = kT0 + static_cast<int64_t>(w.P - 1) * kStepMs;
  uint64_t points = 0;
  for (uint64_t e : sample) {
    char lo[cvx::kKeySize], hi[cvx::kKeySize];
    cvx::EncodeKey(lo, e, kSpace, first);
    cvx::EncodeKey(hi, e, kSpace, last + 1);
    rocksdb::Slice lower(lo, cvx::kKeySize), upper(hi, cvx::kKeySize);
    rocksdb::ReadOptions ro = cvx::RangeReadOptions(w.P);
    ro.iterate_lower_bound = &lower;
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator(ro, d.vectors()));
    std::vector<int64_t> timestamps;
    std::string vectors;
    char* into = nullptr;
    if (kept) into = kept->Next(w.P * w.D * sizeof(float));
    else vectors.reserve(w.D * sizeof(float) * 64);
    for (it->Seek(lower); it->Valid(); it->Next()) {
      timestamps.push_back(cvx::DecodeKeyTimestamp(it->key().data()));
      const rocksdb::Slice v = it->value();
      if (!kept) vectors.append(v.data(), v.size());
      else if (timestamps.size() <= w.P && v.size() == w.D * sizeof(float)) {
        memcpy(into + (timestamps.size() - 1) * v.size(), v.data(), v.size());
      }
    }
    Check(it->status(), "range");
    if (timestamps.size() != w.P) throw std::runtime_error("self-check failed: range size");
    points += timestamps.size();
  }
  return points;
}

void PhaseRange(Db& d, const Config& c, const Workload& w) {
  KeptResults kept(c.keep);
  WarmThenTime(c.keep ? "cpp.range.kept" : "cpp.range", RangeSample(w, c.ranges, kWarmRangeSeed),
               RangeSample(w, c.ranges, kRangeSeed), [&](const auto& s) { return Ranges(d, w, s, c.keep ? &kept : nullptr); });
}

// The files of `dir` with their sizes, sorted: lib/child.js's dirSignature, for Settle.
std::string DirSignature(const std::string& dir) {
  std::vector<std::string> entries;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      struct stat st;
      const long long size = stat((dir + "/" + name).c_str(), &st) == 0 ? st.st_size : -1;
      entries.push_back(name + ":" + std::to_string(size));
    }
    closedir(d);
  }
  std::sort(entries.begin(), entries.end());
  std::string sig;
  for (const auto& e : entries) sig += e + ",";
  return sig;
}

// Waits until the directory has been unchanged for 1 s (at most 60 s), exactly as the JS jobs do
// before their reads, so every contender reads a store whose background compaction is over.
double Settle(const std::string& dir) {
  const double t0 = Now();
  std::string sig = DirSignature(dir);
  double since = Now();
  while (Now() - since < 1.0 && Now() - t0 < 60.0) {
    usleep(100000);
    std::string now = DirSignature(dir);
    if (now != sig) { sig = now; since = Now(); }
  }
  return Now() - t0;
}

uint64_t ParseU64(const char* s) { return std::strtoull(s, nullptr, 10); }

Config ParseArgs(int argc, char** argv) {
  Config c;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--phase") c.phase = v;
    else if (k == "--dir") c.dir = v;
    else if (k == "--entities") c.entities = ParseU64(v);
    else if (k == "--points") c.points = ParseU64(v);
    else if (k == "--dim") c.dim = ParseU64(v);
    else if (k == "--batch") c.batch = ParseU64(v);
    else if (k == "--gets") c.gets = ParseU64(v);
    else if (k == "--ranges") c.ranges = ParseU64(v);
    else if (k == "--sync") c.sync = std::string(v) == "1";
    else if (k == "--reads") c.reads = std::string(v) == "1";
    else if (k == "--read-only") c.read_only = std::string(v) == "1";
    else if (k == "--only") c.only = v;
    else if (k == "--keep") c.keep = ParseU64(v);
    else throw std::runtime_error("unknown argument " + k);
  }
  if (c.dir.empty() || (c.phase != "put" && c.phase != "batch" && c.phase != "reads")) {
    throw std::runtime_error(
        "usage: limit --phase put|batch|reads --dir DIR [--entities E --points P --dim D ...] "
        "[--read-only 1 --only get|getMany|range|getLatency|getLatencyDisk (reads only)] [--keep N (get and range results kept)]");
  }
  if (!c.entities || !c.points || !c.dim || !c.batch) throw std::runtime_error("sizes must be positive");
  if (c.only != "all" && c.only != "get" && c.only != "getMany" && c.only != "range" && c.only != "getLatency" &&
      c.only != "getLatencyDisk") {
    throw std::runtime_error("--only must be all, get, getMany, range, getLatency or getLatencyDisk");
  }
  if (c.read_only && c.phase != "reads") throw std::runtime_error("--read-only 1 needs --phase reads");
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Config c = ParseArgs(argc, argv);
    Workload w = MakeWorkload(c);
    if (c.phase != "reads") {
      Db d(c.dir, c.sync);
      if (c.phase == "put") PhasePut(d, w); else PhaseBatch(d, w);
      CheckTimelines(d, w);
    }
    if ((c.phase == "batch" && c.reads) || c.phase == "reads") {
      Db d(c.dir, c.sync, c.read_only);  // reopened, like every contender: WAL replayed and flushed
      // A read-only open changes no file, so there is nothing to wait for.
      if (!c.read_only) printf("{\"figure\":\"cpp.settle\",\"settleSeconds\":%.1f}\n", Settle(c.dir));
      if (c.only == "all" || c.only == "get") PhaseGet(d, c, w);
      if (c.only == "all" || c.only == "getMany") PhaseGetMany(d, c, w);
      if (c.only == "all" || c.only == "range") PhaseRange(d, c, w);
      // Only when named: the latency figures of single gets (the disk one empties the page cache).
      if (c.only == "getLatency" || c.only == "getLatencyDisk") PhaseGetLatency(d, c, w, c.only == "getLatencyDisk");
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"peakRssMB\":%.1f}\n", ru.ru_maxrss / 1024.0);
    return 0;
  } catch (const std::exception& e) {
    fprintf(stderr, "limit: %s\n", e.what());
    return 1;
  }
}
