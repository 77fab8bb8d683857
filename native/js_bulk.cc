// bulkLoad's native calls (lib/bulk_load.ts drives them; bulk_load.h says how a load runs):
//   bulkAppend(id, entityIds, timestamps, vectors, dim, memoryBytes) → bool
//       main thread: copies a piece of points into the load's session (bulk_session.h), checking
//       each vector finite on the copy; false, copying nothing, when the piece does not fit
//   bulkSpill(handle, id, run)          the session's points as sorted run `run`, on the pool
//   bulkLoad(handle, spaceId, id, runs) merge + ingest on the writer thread (ordered with the
//                                       writes) → { loaded, overwritten }
//   bulkDrop(id)                        gives a load up: its session and staging directory
#include <string>
#include <vector>

#include "bulk_load.h"
#include "bulk_session.h"
#include "job.h"
#include "js_register.h"

namespace cvx {
namespace {

std::string ReadId(const Napi::Value& v) {
  if (!v.IsString()) ThrowInvalid(v.Env(), "id must be a string");
  return v.As<Napi::String>().Utf8Value();
}

// The session a run or the final step takes over: it must exist and not be held already.
std::shared_ptr<BulkSession> TakeSession(Napi::Env env, const std::string& id) {
  std::shared_ptr<BulkSession> s = FindSession(id, false, 0, 0);
  if (!s) ThrowInvalid(env, "bulkLoad: no points were given to load " + id);
  if (s->busy.exchange(true)) ThrowInvalid(env, "bulkLoad: load " + id + " is busy");
  return s;
}

void AppendPoints(Napi::Env env, BulkSession* s, IntColumn& ids, IntColumn& tss, const float* data, uint32_t dim,
                  size_t n, size_t before);

Napi::Value Append(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string id = ReadId(info[0]);
  IntColumn ids(info[1], false, "entityIds");
  IntColumn tss(info[2], true, "timestamps");
  size_t floats = 0;
  const float* data = FloatData(info[3], "vectors", &floats);
  const uint32_t dim = ReadU32(info[4], "dim");
  const double memory = info[5].IsNumber() ? info[5].As<Napi::Number>().DoubleValue() : 0;
  const size_t n = ids.size();
  if (tss.size() != n) ThrowInvalid(env, "timestamps must have one element per entityId");
  if (dim == 0) ThrowInvalid(env, "dim must be a positive integer");
  size_t total = 0;
  if (__builtin_mul_overflow(n, static_cast<size_t>(dim), &total) || floats != total) {
    ThrowInvalid(env, "vectors must hold exactly entityIds.length * dim floats");
  }
  if (!(memory >= 1 && memory <= 9007199254740991.0)) ThrowInvalid(env, "memoryBytes must be a positive safe integer");
  std::shared_ptr<BulkSession> s = FindSession(id, true, dim, static_cast<size_t>(memory));
  if (!s) Throw(env, Status::Make(Code::kIo, "bulkLoad: out of memory reserving the load's buffer"));
  if (s->dim() != dim) ThrowInvalid(env, "dim differs from the load's first points");
  if (s->busy) ThrowInvalid(env, "bulkLoad: load " + id + " is busy");
  if (n > s->room()) return Napi::Boolean::New(env, false);
  const size_t before = s->size();
  try {
    AppendPoints(env, s.get(), ids, tss, data, dim, n, before);
  } catch (const std::bad_alloc&) {  // the keys' growth: a coded error, never std::terminate
    s->Truncate(before);
    Throw(env, Status::Make(Code::kIo, "bulkLoad: out of memory holding the load's points (lower options.memoryBytes)"));
  }
  return Napi::Boolean::New(env, true);
}

// Copies the piece's points into `s`, checking each; a refused point takes the whole piece back.
void AppendPoints(Napi::Env env, BulkSession* s, IntColumn& ids, IntColumn& tss, const float* data, uint32_t dim,
                  size_t n, size_t before) {
  for (size_t i = 0; i < n; ++i) {
    uint64_t entity;
    int64_t ts;
    if (!ids.Unsigned(i, &entity) || !tss.Signed(i, &ts)) {
      s->Truncate(before);
      ThrowInvalid(env, "points[" + std::to_string(i) + "] has a malformed entityId or timestamp");
    }
    const float* copied = s->Add(entity, ts, data + i * dim);
    long bad = FirstNonFinite(copied, dim);  // on the copy: what is checked is what is written
    if (bad >= 0) {
      s->Truncate(before);
      ThrowInvalid(env, NotFiniteMessage("points[" + std::to_string(i) + "].vector", bad));
    }
  }
}

Napi::Value Drop(const Napi::CallbackInfo& info) {
  const std::string id = ReadId(info[0]);
  std::shared_ptr<BulkSession> s = FindSession(id, false, 0, 0);
  DropSession(id);
  if (s && !s->dir.empty() && !s->busy) DropStaging(s->dir);  // a busy run removes nothing it writes to
  return info.Env().Undefined();
}

struct BulkSpillJob {
  static constexpr const char* kName = "cvx.bulkSpill";
  static constexpr Hooks kHooks = Hooks::kNone;  // on the pool: a run is no write yet
  std::string id;
  uint32_t run;
  std::shared_ptr<BulkSession> session;
  BulkSpillJob(const Napi::CallbackInfo& info) : id(ReadId(info[1])), run(ReadU32(info[2], "run")) {
    session = TakeSession(info.Env(), id);
  }
  ~BulkSpillJob() {
    if (session) session->busy = false;
  }
  Status Run(Store& s) {
    BulkChunk chunk;
    session->Fill(&chunk);
    std::string dir;
    Status st = SpillRun(s, id, run, &chunk, &dir);
    session->dir = dir;
    session->Clear();
    return st;
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }
};

struct BulkLoadJob {
  static constexpr const char* kName = "cvx.bulkLoad";
  static constexpr Hooks kHooks = Hooks::kWrite;  // ordered with the other writes
  uint32_t space;
  std::string id;
  uint32_t runs;
  std::shared_ptr<BulkSession> session;
  BulkResult result;
  BulkLoadJob(const Napi::CallbackInfo& info)
      : space(ReadU32(info[1], "spaceId")), id(ReadId(info[2])), runs(ReadU32(info[3], "runs")) {
    session = TakeSession(info.Env(), id);
    DropSession(id);  // this job holds it now; its memory goes with the job
  }
  Status Run(Store& s) {
    BulkChunk tail;
    session->Fill(&tail);
    return BulkLoad(s, space, session->dim(), id, runs, &tail, &result);
  }
  Napi::Value Result(Napi::Env env) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("loaded", Napi::Number::New(env, static_cast<double>(result.loaded)));
    o.Set("overwritten", Napi::Number::New(env, static_cast<double>(result.overwritten)));
    return o;
  }
};

}  // namespace

void RegisterBulk(Napi::Env env, Napi::Object exports) {
  exports.Set("bulkAppend", Napi::Function::New(env, Append, "bulkAppend"));
  exports.Set("bulkDrop", Napi::Function::New(env, Drop, "bulkDrop"));
  ExportJob<BulkSpillJob>(env, exports, "bulkSpill");
  ExportJob<BulkLoadJob>(env, exports, "bulkLoad");
}

}  // namespace cvx
