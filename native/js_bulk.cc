// bulkLoad's native calls (lib/bulk_load.ts drives them; bulk_load.h says how a load runs):
//   bulkSpill(handle, id, run, entityIds, timestamps, vectors, dim)  a chunk as a sorted run,
//                                                                    on the pool
//   bulkLoad(handle, spaceId, id, runs, entityIds, timestamps, vectors, dim)
//                                  merge + ingest, on the writer thread (ordered with writes)
//                                  → { loaded, overwritten }
//   bulkDropSync(handle, id)       removes a given-up load's staging directory
// Each copies its chunk's vectors (checked finite on the copy) on the main thread.
#include <string>
#include <vector>

#include "bulk_load.h"
#include "job.h"
#include "js_register.h"

namespace cvx {
namespace {

std::string ReadId(const Napi::Value& v) {
  if (!v.IsString()) ThrowInvalid(v.Env(), "id must be a string");
  return v.As<Napi::String>().Utf8Value();
}

// The columns at info[first..first+3] (entityIds, timestamps, vectors, dim) as a chunk whose
// vectors live in `owned`.
uint32_t ReadChunk(const Napi::CallbackInfo& info, size_t first, std::vector<float>* owned, BulkChunk* chunk) {
  Napi::Env env = info.Env();
  IntColumn ids(info[first], false, "entityIds");
  IntColumn tss(info[first + 1], true, "timestamps");
  size_t floats = 0;
  const float* data = FloatData(info[first + 2], "vectors", &floats);
  const uint32_t dim = ReadU32(info[first + 3], "dim");
  const size_t n = ids.size();
  if (tss.size() != n) ThrowInvalid(env, "timestamps must have one element per entityId");
  if (dim == 0) ThrowInvalid(env, "dim must be a positive integer");
  size_t total = 0;
  if (__builtin_mul_overflow(n, static_cast<size_t>(dim), &total) || floats != total) {
    ThrowInvalid(env, "vectors must hold exactly entityIds.length * dim floats");
  }
  if (n > UINT32_MAX) ThrowInvalid(env, "a chunk holds at most 2^32 - 1 points");
  owned->assign(data, data + floats);
  chunk->points.resize(n);
  for (size_t i = 0; i < n; ++i) {
    PointIn& p = chunk->points[i];
    ReadKeyAt(env, ids, tss, i, "points", &p.entity, &p.ts);
    p.value = rocksdb::Slice(reinterpret_cast<const char*>(owned->data() + i * dim), dim * sizeof(float));
    long bad = FirstNonFinite(owned->data() + i * dim, dim);
    if (bad >= 0) ThrowInvalid(env, NotFiniteMessage("points[" + std::to_string(i) + "].vector", bad));
  }
  return dim;
}

struct BulkSpillJob {
  static constexpr const char* kName = "cvx.bulkSpill";
  static constexpr Hooks kHooks = Hooks::kNone;  // on the pool: runs of one load may overlap writes
  std::string id;
  uint32_t run;
  std::vector<float> owned;
  BulkChunk chunk;
  explicit BulkSpillJob(const Napi::CallbackInfo& info) : id(ReadId(info[1])), run(ReadU32(info[2], "run")) {
    ReadChunk(info, 3, &owned, &chunk);
  }
  Status Run(Store& s) { return SpillRun(s, id, run, &chunk); }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }
};

struct BulkLoadJob {
  static constexpr const char* kName = "cvx.bulkLoad";
  static constexpr Hooks kHooks = Hooks::kWrite;  // ordered with the other writes
  uint32_t space;
  std::string id;
  uint32_t runs;
  uint32_t dim;
  std::vector<float> owned;
  BulkChunk tail;
  BulkResult result;
  explicit BulkLoadJob(const Napi::CallbackInfo& info)
      : space(ReadU32(info[1], "spaceId")), id(ReadId(info[2])), runs(ReadU32(info[3], "runs")) {
    dim = ReadChunk(info, 4, &owned, &tail);
  }
  Status Run(Store& s) { return BulkLoad(s, space, dim, id, runs, &tail, &result); }
  Napi::Value Result(Napi::Env env) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("loaded", Napi::Number::New(env, static_cast<double>(result.loaded)));
    o.Set("overwritten", Napi::Number::New(env, static_cast<double>(result.overwritten)));
    return o;
  }
};

struct BulkDropJob {
  static constexpr const char* kName = "cvx.bulkDrop";
  static constexpr Hooks kHooks = Hooks::kNone;
  std::string id;
  explicit BulkDropJob(const Napi::CallbackInfo& info) : id(ReadId(info[1])) {}
  Status Run(Store& s) {
    std::string dir;
    Status st = StagingPath(s, id, &dir);  // checks the id is a plain name first
    return st.ok() ? DropStaging(s, id) : st;
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }
};

}  // namespace

void RegisterBulk(Napi::Env env, Napi::Object exports) {
  ExportJob<BulkSpillJob>(env, exports, "bulkSpill");
  ExportJob<BulkLoadJob>(env, exports, "bulkLoad");
  ExportJob<BulkDropJob>(env, exports, "bulkDrop");
}

}  // namespace cvx
