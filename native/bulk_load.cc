// See bulk_load.h.
#include "bulk_load.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>

#include <rocksdb/sst_file_reader.h>
#include <rocksdb/sst_file_writer.h>

#include "change_feed.h"
#include "write_shared.h"

namespace cvx {
namespace {

namespace fs = std::filesystem;

// One point of a chunk by its encoded key; `index` orders duplicates (the later one wins).
struct Item {
  char key[kKeySize];
  size_t index;  // a chunk may hold more than 2^32 points
};

// The chunk's distinct keys in key order, each with the last of its duplicates.
std::vector<Item> SortChunk(const BulkChunk& chunk) {
  std::vector<Item> items(chunk.points.size());
  for (size_t i = 0; i < items.size(); ++i) {
    EncodeKey(items[i].key, chunk.points[i].entity, 0, chunk.points[i].ts);
    items[i].index = i;
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    int c = memcmp(a.key, b.key, kKeySize);
    return c != 0 ? c < 0 : a.index < b.index;
  });
  size_t out = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i + 1 < items.size() && memcmp(items[i].key, items[i + 1].key, kKeySize) == 0) continue;
    items[out++] = items[i];
  }
  items.resize(out);
  return items;
}

// A sorted stream of (key, vector): a run file, or the sorted last chunk.
class Source {
 public:
  virtual ~Source() = default;
  virtual bool Valid() const = 0;
  virtual rocksdb::Slice key() const = 0;
  virtual rocksdb::Slice value() const = 0;
  virtual void Next() = 0;
  virtual Status status() const { return Status::Ok(); }
};

class ChunkSource final : public Source {
 public:
  ChunkSource(const BulkChunk& c, std::vector<Item> items) : c_(c), items_(std::move(items)) {}
  bool Valid() const override { return i_ < items_.size(); }
  rocksdb::Slice key() const override { return rocksdb::Slice(items_[i_].key, kKeySize); }
  rocksdb::Slice value() const override { return c_.points[items_[i_].index].value; }
  void Next() override { ++i_; }

 private:
  const BulkChunk& c_;
  std::vector<Item> items_;
  size_t i_ = 0;
};

class RunSource final : public Source {
 public:
  explicit RunSource(const rocksdb::Options& o) : reader_(o) {}
  Status Open(const std::string& file) {
    rocksdb::Status st = reader_.Open(file);
    if (!st.ok()) return Status::FromRocks(st, "bulkLoad: reading a sorted run");
    it_.reset(reader_.NewIterator(rocksdb::ReadOptions()));
    it_->SeekToFirst();
    return Status::Ok();
  }
  bool Valid() const override { return it_->Valid(); }
  rocksdb::Slice key() const override { return it_->key(); }
  rocksdb::Slice value() const override { return it_->value(); }
  void Next() override { it_->Next(); }
  Status status() const override { return Status::FromRocks(it_->status(), "bulkLoad: reading a sorted run"); }

 private:
  rocksdb::SstFileReader reader_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Space ids are put into the keys here, not by SortChunk: runs are independent of the space.
void SetSpace(std::string* key, uint32_t space) { PutBE32(key->data() + 8, space); }

std::string RunFile(const std::string& dir, uint32_t run) { return dir + "/run-" + std::to_string(run) + ".sst"; }

constexpr const char* kLoadBreak = "a bulkLoad ingested table files";

Status Rocks(const rocksdb::Status& st, const char* what) { return Status::FromRocks(st, std::string("bulkLoad: ") + what); }

// The table files of the load, one per column family, written in key order with each column
// family's own options, plus what the timelines become.
class Output {
 public:
  explicit Output(Store& s, const std::string& dir)
      : s_(s), dir_(dir),
        vectors_(rocksdb::EnvOptions(), s.db()->GetOptions(s.vectors_cf()), s.vectors_cf()),
        timelines_(rocksdb::EnvOptions(), s.db()->GetOptions(s.timelines_cf()), s.timelines_cf()) {}

  Status Open() {
    Status st = Rocks(vectors_.Open(dir_ + "/vectors.sst"), "writing the vectors file");
    return st.ok() ? Rocks(timelines_.Open(dir_ + "/timelines.sst"), "writing the timelines file") : st;
  }

  // key: 20 bytes with the space set; keys arrive in increasing order.
  Status Add(const std::string& key, const rocksdb::Slice& value, BulkResult* r) {
    const rocksdb::Slice prefix(key.data(), kPrefixSize);
    if (!have_ || prefix != rocksdb::Slice(prefix_)) {
      Status f = FinishPrefix();
      if (!f.ok()) return f;
      Status l = StartPrefix(key);
      if (!l.ok()) return l;
    }
    bool exists = false;
    if (stored_) {
      // Without a stored timeline no stored point of the series exists (they are written together).
      Status g = KeyExists(s_, key, &exists);
      if (!g.ok()) return g;
    }
    const int64_t ts = DecodeKeyTimestamp(key.data());
    if (exists) {
      ++r->overwritten;
    } else {
      tl_.point_count += 1;
      tl_.first_seen = std::min(tl_.first_seen, ts);
      tl_.last_seen = std::max(tl_.last_seen, ts);
    }
    ++r->loaded;
    return Rocks(vectors_.Put(key, value), "writing the vectors file");
  }

  Status Finish() {
    Status f = FinishPrefix();
    if (!f.ok()) return f;
    Status v = Rocks(vectors_.Finish(), "finishing the vectors file");
    return v.ok() ? Rocks(timelines_.Finish(), "finishing the timelines file") : v;
  }

 private:
  Status StartPrefix(const std::string& key) {
    prefix_.assign(key.data(), kPrefixSize);
    have_ = true;
    Status st = LoadTimeline(s_, prefix_, &tl_, &stored_);
    if (!st.ok()) return st;
    if (!stored_) {
      const int64_t ts = DecodeKeyTimestamp(key.data());
      tl_ = Timeline{GetBE64(key.data()), GetBE32(key.data() + 8), ts, ts, 0, s_.options().keyframe_interval};
    }
    return Status::Ok();
  }
  Status FinishPrefix() {
    if (!have_) return Status::Ok();
    return Rocks(timelines_.Put(prefix_, EncodeTimeline(tl_)), "writing the timelines file");
  }

  Store& s_;
  std::string dir_;
  rocksdb::SstFileWriter vectors_;
  rocksdb::SstFileWriter timelines_;
  std::string prefix_;
  bool have_ = false;
  bool stored_ = false;
  Timeline tl_;
};

// Merges the sources (a later source wins a key they share) into `out`.
Status Merge(std::vector<std::unique_ptr<Source>>& src, uint32_t space, uint32_t dim, Output* out, BulkResult* r) {
  std::string key;
  for (;;) {
    int best = -1;
    for (size_t i = 0; i < src.size(); ++i) {
      if (!src[i]->Valid()) continue;
      if (best < 0 || src[i]->key().compare(src[best]->key()) <= 0) best = static_cast<int>(i);
    }
    if (best < 0) break;
    key.assign(src[best]->key().data(), src[best]->key().size());
    if (key.size() != kKeySize || src[best]->value().size() != static_cast<size_t>(dim) * 4) {
      return Status::Make(Code::kIo, "bulkLoad: a sorted run holds a record of the wrong size");
    }
    const std::string run_key = key;
    SetSpace(&key, space);
    Status st = out->Add(key, src[best]->value(), r);
    if (!st.ok()) return st;
    for (auto& s : src) {
      if (s->Valid() && s->key() == rocksdb::Slice(run_key)) s->Next();
    }
  }
  for (auto& s : src) {
    Status st = s->status();
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

Status WriteSpaceFile(Store& s, const std::string& file, uint32_t space, uint32_t dim) {
  rocksdb::SstFileWriter w(rocksdb::EnvOptions(), s.db()->GetOptions(s.system_cf()), s.system_cf());
  Status st = Rocks(w.Open(file), "writing the space record");
  if (st.ok()) st = Rocks(w.Put(SpaceKey(space), EncodeSpaceRecord(dim)), "writing the space record");
  return st.ok() ? Rocks(w.Finish(), "writing the space record") : st;
}

Status Ingest(Store& s, const std::string& dir, bool new_space) {
  rocksdb::IngestExternalFileOptions io;
  io.move_files = true;  // hard links: the staged files become the store's without a copy
  io.snapshot_consistency = true;
  io.allow_global_seqno = true;
  io.allow_blocking_flush = true;
  std::vector<rocksdb::IngestExternalFileArg> args(new_space ? 3 : 2);
  args[0].column_family = s.vectors_cf();
  args[0].external_files = {dir + "/vectors.sst"};
  args[1].column_family = s.timelines_cf();
  args[1].external_files = {dir + "/timelines.sst"};
  if (new_space) {
    args[2].column_family = s.system_cf();
    args[2].external_files = {dir + "/space.sst"};
  }
  for (auto& a : args) a.options = io;
  return Rocks(s.db()->IngestExternalFiles(args), "ingesting the table files");
}

Status LoadLocked(Store& s, uint32_t space, uint32_t dim, const std::string& dir, uint32_t runs, BulkChunk* tail,
                  BulkResult* out) {
  const uint32_t known = s.SpaceDim(space);
  if (known && known != dim) {
    return Status::Make(Code::kDimensionMismatch, "bulkLoad: the source's points have dimension " + std::to_string(dim) + " but space " +
                                                      std::to_string(space) + " holds vectors of dimension " +
                                                      std::to_string(known));
  }
  std::vector<std::unique_ptr<Source>> src;
  const rocksdb::Options run_opts = s.db()->GetOptions(s.vectors_cf());
  for (uint32_t i = 0; i < runs; ++i) {
    auto r = std::make_unique<RunSource>(run_opts);
    Status st = r->Open(RunFile(dir, i));
    if (!st.ok()) return st;
    src.push_back(std::move(r));
  }
  src.push_back(std::make_unique<ChunkSource>(*tail, SortChunk(*tail)));
  Output o(s, dir);
  Status st = o.Open();
  if (st.ok()) st = Merge(src, space, dim, &o, out);
  if (!st.ok()) return st;
  if (out->loaded == 0) return Status::Ok();
  st = o.Finish();
  if (st.ok() && !known) st = WriteSpaceFile(s, dir + "/space.sst", space, dim);
  if (st.ok()) st = s.ResumeBeforeFlush("bulkLoad");  // an ingest may flush the memtables
  // The ingest bypasses the WAL (and, where nothing overlaps, takes no sequence at all), so the
  // change feed is told on both sides of it (bulk_load.h, "The change feed").
  if (st.ok()) st = MarkFeedBreak(s, kLoadBreak);
  if (st.ok()) st = Ingest(s, dir, !known);
  if (st.ok() && !known) s.SetSpaceDim(space, dim);
  if (st.ok()) st = MarkFeedBreak(s, kLoadBreak);
  return st;
}

}  // namespace

Status StagingPath(Store& s, const std::string& id, std::string* dir) {
  if (id.empty() || id.size() > 64 || id.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz-") != std::string::npos) {
    return Status::Make(Code::kInvalidArgument, "bulkLoad: malformed load id");
  }
  *dir = s.path() + "/" + kStagingDir + "/" + id;
  std::error_code ec;
  fs::create_directories(*dir, ec);
  if (ec) return Status::Make(Code::kIo, "bulkLoad: cannot create " + *dir + ": " + ec.message());
  return Status::Ok();
}

Status SpillRun(Store& s, const std::string& id, uint32_t run, BulkChunk* chunk, std::string* staged) {
  Status w = CheckWritable(s);
  if (!w.ok()) return w;
  std::string dir;
  Status st = StagingPath(s, id, &dir);
  *staged = dir;
  if (!st.ok()) return st;
  std::vector<Item> items = SortChunk(*chunk);
  rocksdb::SstFileWriter f(rocksdb::EnvOptions(), s.db()->GetOptions(s.vectors_cf()));
  st = Rocks(f.Open(RunFile(dir, run)), "writing a sorted run");
  for (size_t i = 0; st.ok() && i < items.size(); ++i) {
    st = Rocks(f.Put(rocksdb::Slice(items[i].key, kKeySize), chunk->points[items[i].index].value), "writing a sorted run");
  }
  return st.ok() ? Rocks(f.Finish(), "writing a sorted run") : st;
}

Status BulkLoad(Store& s, uint32_t space, uint32_t dim, const std::string& id, uint32_t runs, BulkChunk* tail,
                BulkResult* out) {
  *out = BulkResult();
  Status st = CheckWritable(s);
  std::string dir;
  if (st.ok()) st = StagingPath(s, id, &dir);
  if (st.ok()) {
    std::lock_guard<std::mutex> lock(s.write_mutex());
    st = LoadLocked(s, space, dim, dir, runs, tail, out);
  }
  if (!st.ok()) *out = BulkResult();
  Status dropped = dir.empty() ? Status::Ok() : DropStaging(dir);
  return st.ok() ? dropped : st;
}

Status DropStaging(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) return Status::Make(Code::kIo, "bulkLoad: cannot remove " + dir + ": " + ec.message());
  fs::remove(fs::path(dir).parent_path(), ec);  // only when empty: another load may be staging beside it
  return Status::Ok();
}

Status CleanStaging(Store& s) {
  const fs::path staging = fs::path(s.path()) / kStagingDir;
  std::error_code ec;
  if (!fs::exists(staging, ec)) return Status::Ok();
  // A load was killed somewhere between its first run file and its second feed-break record:
  // the break is written (again) before the leftovers go, so no window of the load is one the
  // feed passes silently. One more break than needed costs a consumer a resync, never data.
  Status marked = MarkFeedBreak(s, "a bulkLoad was interrupted (its staging files were left at open)");
  if (!marked.ok()) return marked;
  fs::remove_all(staging, ec);
  return Status::Ok();
}

bool IsStagedLink(const std::string& store_path, const std::string& file) {
  struct stat f;
  if (stat(file.c_str(), &f) != 0 || f.st_nlink < 2) return false;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(fs::path(store_path) / kStagingDir, ec), end; !ec && it != end;
       it.increment(ec)) {
    struct stat g;
    if (stat(it->path().c_str(), &g) == 0 && g.st_dev == f.st_dev && g.st_ino == f.st_ino) return true;
  }
  return false;
}

}  // namespace cvx
