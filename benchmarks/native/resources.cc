// The C++ side of the resource jobs (benchmarks/jobs/resources.js): what plain RocksDB costs
// with the store's own options (native/options.cc: MakeDbOptions, ColumnFamilies), so the
// library's open time and idle memory have a reference measured on the same machine, and the
// memtable prefix bloom's effect on reads can be measured at any ratio. Phases:
//   open    --dir D --repeat K: K opens of an existing store with the store's column
//           families (DB::Open, writable), each closed again; open and open+close times.
//   probe   --dir D --repeat K: what the store's open does before its DB::Open (store.cc): list
//           the column families, open the default one read-only and read the format marker.
//   stores  --dir D --count N: N new empty stores under D, all kept open; total time and the
//           resident memory they add (VmRSS after minus before, one warm-up store first).
//   bloom   --dir D --ratio R --entities E --points P --dim DIM --reads N: writes E×P points
//           into the vectors column family (the memtable keeps them all: checked), with the
//           memtable prefix bloom at R of the write buffer, then times N prefix scans of
//           present entities, N of absent ones, N point gets of present keys and N of
//           absent entities, each after an untimed warm-up of the same size.
// Output: one JSON object per line.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "codec.h"
#include "options.h"

namespace {

double Now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

void Check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.ToString());
}

double RssBytes() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) * 1024;
  }
  return 0;
}

struct Db {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  Db(const std::string& dir, bool create, std::vector<rocksdb::ColumnFamilyDescriptor> families = cvx::ColumnFamilies()) {
    rocksdb::DB* raw = nullptr;
    Check(rocksdb::DB::Open(cvx::MakeDbOptions(create, dir), dir, families, &cfs, &raw), "open");
    db.reset(raw);
  }
  ~Db() {
    for (auto* h : cfs) db->DestroyColumnFamilyHandle(h);
    db->Close();
  }
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

void PhaseOpen(const std::string& dir, int repeat) {
  std::vector<double> open, total;
  for (int i = 0; i < repeat; i++) {
    const double t0 = Now();
    auto d = std::make_unique<Db>(dir, false);
    const double t1 = Now();
    d.reset();
    const double t2 = Now();
    open.push_back((t1 - t0) * 1e3);
    total.push_back((t2 - t0) * 1e3);
  }
  printf("{\"figure\":\"cpp.open\",\"repeat\":%d,\"openMs\":%.3f,\"openCloseMs\":%.3f}\n", repeat, Median(open), Median(total));
}

void PhaseProbe(const std::string& dir, int repeat) {
  std::vector<double> ms;
  for (int i = 0; i < repeat; i++) {
    const double t0 = Now();
    std::vector<std::string> names;
    Check(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names), "list");
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    Check(rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, {{rocksdb::kDefaultColumnFamilyName, {}}}, &handles, &raw),
          "probe");
    std::string v;
    Check(raw->Get(rocksdb::ReadOptions(), handles[0], cvx::kFormatKey, &v), "format marker");
    for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
    delete raw;
    ms.push_back((Now() - t0) * 1e3);
  }
  printf("{\"figure\":\"cpp.probe\",\"repeat\":%d,\"probeMs\":%.3f}\n", repeat, Median(ms));
}

void PhaseStores(const std::string& dir, int count) {
  mkdir(dir.c_str(), 0755);  // RocksDB creates a store's own directory, not its parent
  Db warm(dir + "/warm", true);
  const double before = RssBytes();
  const double t0 = Now();
  std::vector<std::unique_ptr<Db>> stores;
  for (int i = 0; i < count; i++) stores.push_back(std::make_unique<Db>(dir + "/s" + std::to_string(i), true));
  const double seconds = Now() - t0;
  const double after = RssBytes();
  printf("{\"figure\":\"cpp.stores\",\"count\":%d,\"seconds\":%.3f,\"rssGrowthMB\":%.1f,\"rssPerStoreMiB\":%.3f}\n", count,
         seconds, (after - before) / 1e6, (after - before) / count / 1048576.0);
}

struct BloomArgs {
  std::string dir;
  double ratio = 0.01;
  uint64_t entities = 20000, points = 10, dim = 16, reads = 200000;
};

// ns per operation over `n` operations of `op(i)` (an untimed pass of other i first).
template <typename Op>
double TimeOps(uint64_t n, Op op) {
  for (uint64_t i = 0; i < n; i++) op(i * 7919 + 13);
  const double t0 = Now();
  for (uint64_t i = 0; i < n; i++) op(i * 104729 + 1);
  return (Now() - t0) / n * 1e9;
}

void PhaseBloom(const BloomArgs& a) {
  auto families = cvx::ColumnFamilies();
  families[1].options.memtable_prefix_bloom_size_ratio = a.ratio;
  Db d(a.dir, true, families);
  rocksdb::ColumnFamilyHandle* vectors = d.cfs[1];
  std::vector<float> v(a.dim, 0.5f);
  const rocksdb::Slice value(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
  char key[cvx::kKeySize];
  for (uint64_t e = 0; e < a.entities; e++) {
    for (uint64_t p = 0; p < a.points; p++) {
      cvx::EncodeKey(key, e * 2, 0, static_cast<int64_t>(p));  // even entities exist, odd ones never
      Check(d.db->Put(rocksdb::WriteOptions(), vectors, rocksdb::Slice(key, cvx::kKeySize), value), "put");
    }
  }
  uint64_t in_memtable = 0;
  d.db->GetIntProperty(vectors, "rocksdb.num-entries-active-mem-table", &in_memtable);
  if (in_memtable != a.entities * a.points) throw std::runtime_error("the workload did not stay in the memtable");
  uint64_t seen = 0;
  auto scan = [&](uint64_t entity) {
    char lo[cvx::kKeySize], hi[cvx::kKeySize];
    cvx::EncodeKey(lo, entity, 0, INT64_MIN);
    cvx::EncodeKey(hi, entity, 0, INT64_MAX);
    rocksdb::Slice upper(hi, cvx::kKeySize);
    rocksdb::ReadOptions ro = cvx::RangeReadOptions(a.points);
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator(ro, vectors));
    for (it->Seek(rocksdb::Slice(lo, cvx::kKeySize)); it->Valid(); it->Next()) seen++;
  };
  auto get = [&](uint64_t entity) {
    cvx::EncodeKey(key, entity, 0, 0);
    rocksdb::PinnableSlice out;
    if (d.db->Get(rocksdb::ReadOptions(), vectors, rocksdb::Slice(key, cvx::kKeySize), &out).ok()) seen++;
  };
  const uint64_t n = a.reads, e = a.entities;
  const double scan_hit = TimeOps(n, [&](uint64_t i) { scan((i % e) * 2); });
  const double scan_miss = TimeOps(n, [&](uint64_t i) { scan((i % e) * 2 + 1); });
  const double get_hit = TimeOps(n, [&](uint64_t i) { get((i % e) * 2); });
  const double get_miss = TimeOps(n, [&](uint64_t i) { get((i % e) * 2 + 1); });
  if (seen != 2 * n * (a.points + 1)) throw std::runtime_error("a read found the wrong number of points");
  printf("{\"figure\":\"cpp.bloom\",\"ratio\":%g,\"entities\":%llu,\"points\":%llu,\"dim\":%llu,\"reads\":%llu,"
         "\"scanHitNs\":%.0f,\"scanMissNs\":%.0f,\"getHitNs\":%.0f,\"getMissNs\":%.0f,\"rssMB\":%.1f}\n",
         a.ratio, (unsigned long long)a.entities, (unsigned long long)a.points, (unsigned long long)a.dim,
         (unsigned long long)n, scan_hit, scan_miss, get_hit, get_miss, RssBytes() / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  std::string phase, dir;
  int repeat = 20, count = 200;
  BloomArgs b;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--phase") phase = v;
    else if (k == "--dir") dir = b.dir = v;
    else if (k == "--repeat") repeat = std::atoi(v.c_str());
    else if (k == "--count") count = std::atoi(v.c_str());
    else if (k == "--ratio") b.ratio = std::atof(v.c_str());
    else if (k == "--entities") b.entities = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--points") b.points = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--dim") b.dim = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--reads") b.reads = std::strtoull(v.c_str(), nullptr, 10);
    else { fprintf(stderr, "unknown flag %s\n", k.c_str()); return 2; }
  }
  try {
    if (phase == "open") PhaseOpen(dir, repeat);
    else if (phase == "probe") PhaseProbe(dir, repeat);
    else if (phase == "stores") PhaseStores(dir, count);
    else if (phase == "bloom") PhaseBloom(b);
    else { fprintf(stderr, "--phase open|probe|stores|bloom\n"); return 2; }
  } catch (const std::exception& e) {
    fprintf(stderr, "resources: %s\n", e.what());
    return 1;
  }
  fflush(stdout);
  return 0;
}
