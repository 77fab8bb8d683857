// The write operations as Jobs (see job.h): put, putMany, the coalesced putGroup, delete and
// deleteRange. Each reads its arguments on the main thread into memory of its own (the
// vectors copied, then checked for finiteness on that copy) and runs on the store's writer
// thread when async (Hooks::kWrite). Exported as fooSync and foo (a Promise), putGroup async
// only.
#include <string>
#include <vector>

#include "engine.h"
#include "job.h"
#include "js_register.h"

namespace cvx {
namespace {

// The write jobs keep their own copy of the vectors, since JS may change its arrays once the
// call returns, in a std::vector: moving the job to the pool must not move the floats the
// points' slices point to (a std::string's small-string buffer would move). The copy is what
// the finiteness checks read, so what is checked is what is written.
using VectorCopy = std::vector<float>;

// Bytes [lo, hi) floats of `copy`, as the on-disk vector a PointIn carries.
rocksdb::Slice FloatSlice(const VectorCopy& copy, size_t lo, size_t hi) {
  return rocksdb::Slice(reinterpret_cast<const char*>(copy.data() + lo), (hi - lo) * sizeof(float));
}

struct PutJob {
  static constexpr const char* kName = "cvx.put";
  static constexpr Hooks kHooks = Hooks::kWrite;
  uint32_t space;
  VectorCopy owned;
  std::vector<PointIn> points;

  // (handle, spaceId, entityId, timestamp, vector: Float32Array)
  explicit PutJob(const Napi::CallbackInfo& info) {
    space = ReadU32(info[1], "spaceId");
    PointIn p;
    p.entity = ReadU64(info[2], "point.entityId");
    p.ts = ReadI64(info[3], "point.timestamp");
    ReadVector(info[4], "point.vector", &owned);
    p.value = FloatSlice(owned, 0, owned.size());
    points.push_back(p);
  }
  Status Run(Store& s) { return PutPoints(s, space, points, "point"); }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }
};

// Columnar batch: (handle, spaceId, entityIds: Float64Array|BigUint64Array,
// timestamps: Float64Array|BigInt64Array, vectors: Float32Array, dim)
struct PutManyJob {
  static constexpr const char* kName = "cvx.putMany";
  static constexpr Hooks kHooks = Hooks::kWrite;
  uint32_t space;
  VectorCopy owned;
  std::vector<PointIn> points;

  explicit PutManyJob(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    space = ReadU32(info[1], "spaceId");
    IntColumn ids(info[2], false, "entityIds");
    IntColumn tss(info[3], true, "timestamps");
    size_t floats = 0;
    const float* data = FloatData(info[4], "vectors", &floats);
    const uint32_t dim = ReadU32(info[5], "dim");
    const size_t n = ids.size();
    if (tss.size() != n) ThrowInvalid(env, "timestamps must have one element per entityId");
    if (n > 0 && dim == 0) ThrowInvalid(env, "dim must be a positive integer");
    size_t total = 0;
    if (__builtin_mul_overflow(n, static_cast<size_t>(dim), &total) || floats != total) {
      ThrowInvalid(env, "vectors must hold exactly entityIds.length * dim floats");
    }
    owned.assign(data, data + floats);
    points.resize(n);
    for (size_t i = 0; i < n; ++i) {
      PointIn& p = points[i];
      ReadKeyAt(env, ids, tss, i, "points", &p.entity, &p.ts);
      p.value = FloatSlice(owned, i * dim, (i + 1) * dim);
      long bad = FirstNonFinite(owned.data() + i * dim, dim);
      if (bad >= 0) ThrowInvalid(env, NotFiniteMessage("points[" + std::to_string(i) + "].vector", bad));
    }
  }
  Status Run(Store& s) { return PutPoints(s, space, points, "points"); }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }
};

// Independent puts coalesced by lib/ into one crossing and one WriteBatch:
// (handle, spaces: Uint32Array, entityIds, timestamps, vectors: Float32Array,
//  offsets: Uint32Array of n+1 float offsets into vectors). Resolves to an array holding,
// per put, undefined when written or the error that refused it.
struct PutGroupJob {
  static constexpr const char* kName = "cvx.putGroup";
  static constexpr Hooks kHooks = Hooks::kWrite;
  VectorCopy owned;
  std::vector<GroupPut> puts;
  std::vector<Status> refused;  // per put, set when refused before reaching the engine
  std::vector<size_t> engine_index;
  std::vector<Status> results;

  explicit PutGroupJob(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array ||
        !info[5].IsTypedArray() || info[5].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
      ThrowInvalid(env, "putGroup expects Uint32Array spaces and offsets");
    }
    Napi::Uint32Array spaces = info[1].As<Napi::Uint32Array>();
    Napi::Uint32Array offsets = info[5].As<Napi::Uint32Array>();
    IntColumn ids(info[2], false, "entityIds");
    IntColumn tss(info[3], true, "timestamps");
    size_t floats = 0;
    const float* data = FloatData(info[4], "vectors", &floats);
    const size_t n = spaces.ElementLength();
    if (ids.size() != n || tss.size() != n || offsets.ElementLength() != n + 1 || offsets[n] != floats) {
      ThrowInvalid(env, "putGroup columns disagree in length");
    }
    owned.assign(data, data + floats);
    refused.assign(n, Status::Ok());
    puts.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      GroupPut g;
      g.space = spaces[i];
      const uint32_t lo = offsets[i], hi = offsets[i + 1];
      long bad = -1;
      if (hi <= lo || hi > floats || !ids.Unsigned(i, &g.point.entity) || !tss.Signed(i, &g.point.ts)) {
        refused[i] = Status::Make(Code::kInvalidArgument, "point is malformed");
      } else if ((bad = FirstNonFinite(owned.data() + lo, hi - lo)) >= 0) {
        refused[i] = Status::Make(Code::kInvalidArgument, NotFiniteMessage("point.vector", bad));
      } else {
        g.point.value = FloatSlice(owned, lo, hi);
        engine_index.push_back(puts.size());
        puts.push_back(g);
        continue;
      }
      engine_index.push_back(SIZE_MAX);
    }
  }
  Status Run(Store& s) { return PutGroup(s, puts, &results); }
  Napi::Value Result(Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, refused.size());
    for (size_t i = 0; i < refused.size(); ++i) {
      const Status& st = engine_index[i] == SIZE_MAX ? refused[i] : results[engine_index[i]];
      out.Set(static_cast<uint32_t>(i), st.ok() ? env.Undefined() : MakeError(env, st).Value());
    }
    return out;
  }
};

struct DeleteJob {
  static constexpr const char* kName = "cvx.delete";
  static constexpr Hooks kHooks = Hooks::kWrite;
  PointAddress at;
  bool removed = false;

  explicit DeleteJob(const Napi::CallbackInfo& info) : at(info) {}
  Status Run(Store& s) { return DeletePoint(s, at.entity, at.space, at.ts, &removed); }
  Napi::Value Result(Napi::Env env) { return Napi::Boolean::New(env, removed); }
};

// Retention: (store, entityId, spaceId, start, end) → number of points removed. lib/ refuses
// start > end; the engine treats such a window as empty.
struct DeleteRangeJob {
  static constexpr const char* kName = "cvx.deleteRange";
  static constexpr Hooks kHooks = Hooks::kWrite;
  uint64_t entity;
  uint32_t space;
  int64_t start, end;
  uint64_t removed = 0;
  explicit DeleteRangeJob(const Napi::CallbackInfo& info)
      : entity(ReadU64(info[1], "entityId")), space(ReadU32(info[2], "spaceId")),
        start(ReadI64(info[3], "start")), end(ReadI64(info[4], "end")) {}
  Status Run(Store& s) { return DeletePointRange(s, entity, space, start, end, &removed); }
  Napi::Value Result(Napi::Env env) { return Napi::Number::New(env, static_cast<double>(removed)); }
};

}  // namespace

void RegisterWrites(Napi::Env env, Napi::Object exports) {
  ExportJob<PutJob>(env, exports, "put");
  ExportJob<PutManyJob>(env, exports, "putMany");
  exports.Set("putGroup", Napi::Function::New(env, CallAsync<PutGroupJob>, "putGroup"));
  ExportJob<DeleteJob>(env, exports, "delete");
  ExportJob<DeleteRangeJob>(env, exports, "deleteRange");
}

}  // namespace cvx
