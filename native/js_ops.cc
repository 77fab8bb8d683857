// The data operations as Jobs (see job.h): argument parsing on the main thread, engine
// call, result shaping. Each is exported twice, as fooSync and as foo returning a Promise.
#include <cmath>
#include <cstring>

#include "engine.h"
#include "job.h"
#include "js_ops.h"

namespace cvx {
namespace {

constexpr int64_t kMaxSafeInt = 9007199254740991LL;

struct PutJob {
  static constexpr const char* kName = "cvx.put";
  uint32_t space;
  std::vector<PointIn> points;

  // (handle, spaceId, entityId, timestamp, vector: Float32Array)
  explicit PutJob(const Napi::CallbackInfo& info) {
    space = ReadU32(info[1], "spaceId");
    PointIn p;
    p.entity = ReadU64(info[2], "point.entityId");
    p.ts = ReadI64(info[3], "point.timestamp");
    ReadVector(info[4], "point.vector", &p.value);
    points.push_back(std::move(p));
  }
  Status Run(Store& s) { return PutPoints(s, space, points, "point"); }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }
};

// Columnar batch: (handle, spaceId, entityIds: Float64Array|BigUint64Array,
// timestamps: Float64Array|BigInt64Array, vectors: Float32Array, dim)
struct PutManyJob {
  static constexpr const char* kName = "cvx.putMany";
  uint32_t space;
  std::vector<PointIn> points;

  explicit PutManyJob(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    space = ReadU32(info[1], "spaceId");
    const uint32_t dim = ReadU32(info[5], "dim");
    if (!info[2].IsTypedArray() || !info[3].IsTypedArray() || !info[4].IsTypedArray()) {
      ThrowInvalid(env, "putMany expects typed arrays for entityIds, timestamps and vectors");
    }
    Napi::TypedArray ids = info[2].As<Napi::TypedArray>();
    Napi::TypedArray tss = info[3].As<Napi::TypedArray>();
    Napi::TypedArray vec = info[4].As<Napi::TypedArray>();
    const size_t n = ids.ElementLength();
    if (tss.ElementLength() != n) ThrowInvalid(env, "timestamps must have one element per entityId");
    if (vec.TypedArrayType() != napi_float32_array) ThrowInvalid(env, "vectors must be a Float32Array");
    if (n > 0 && dim == 0) ThrowInvalid(env, "dim must be a positive integer");
    if (vec.ElementLength() != n * static_cast<size_t>(dim)) {
      ThrowInvalid(env, "vectors must hold exactly entityIds.length * dim floats");
    }
    const auto* id_f64 = ids.TypedArrayType() == napi_float64_array ? ids.As<Napi::Float64Array>().Data() : nullptr;
    const auto* id_u64 =
        ids.TypedArrayType() == napi_biguint64_array ? static_cast<const uint64_t*>(
            static_cast<const void*>(static_cast<const uint8_t*>(ids.ArrayBuffer().Data()) + ids.ByteOffset()))
                                                     : nullptr;
    const auto* ts_f64 = tss.TypedArrayType() == napi_float64_array ? tss.As<Napi::Float64Array>().Data() : nullptr;
    const auto* ts_i64 =
        tss.TypedArrayType() == napi_bigint64_array ? static_cast<const int64_t*>(
            static_cast<const void*>(static_cast<const uint8_t*>(tss.ArrayBuffer().Data()) + tss.ByteOffset()))
                                                    : nullptr;
    if (!id_f64 && !id_u64) ThrowInvalid(env, "entityIds must be a Float64Array or BigUint64Array");
    if (!ts_f64 && !ts_i64) ThrowInvalid(env, "timestamps must be a Float64Array or BigInt64Array");
    const float* data = vec.As<Napi::Float32Array>().Data();
    points.resize(n);
    for (size_t i = 0; i < n; ++i) {
      PointIn& p = points[i];
      if (id_f64) {
        double d = id_f64[i];
        if (!(d >= 0 && d <= kMaxSafeInt && std::floor(d) == d)) {
          ThrowInvalid(env, "points[" + std::to_string(i) + "].entityId must be a non-negative safe integer");
        }
        p.entity = static_cast<uint64_t>(d);
      } else {
        p.entity = id_u64[i];
      }
      if (ts_f64) {
        double d = ts_f64[i];
        if (!(std::fabs(d) <= kMaxSafeInt && std::floor(d) == d)) {
          ThrowInvalid(env, "points[" + std::to_string(i) + "].timestamp must be a safe integer");
        }
        p.ts = static_cast<int64_t>(d);
      } else {
        p.ts = ts_i64[i];
      }
      const float* v = data + i * dim;
      long bad = FirstNonFinite(v, dim);
      if (bad >= 0) {
        ThrowInvalid(env, "points[" + std::to_string(i) + "].vector[" + std::to_string(bad) +
                              "] is not finite (NaN and Infinity are refused)");
      }
      p.value.assign(reinterpret_cast<const char*>(v), dim * sizeof(float));
    }
  }
  Status Run(Store& s) { return PutPoints(s, space, points, "points"); }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }
};

struct GetJob {
  static constexpr const char* kName = "cvx.get";
  uint64_t entity;
  uint32_t space;
  int64_t ts;
  std::string value;
  bool found = false;

  // (handle, entityId, spaceId, timestamp)
  explicit GetJob(const Napi::CallbackInfo& info)
      : entity(ReadU64(info[1], "entityId")), space(ReadU32(info[2], "spaceId")), ts(ReadI64(info[3], "timestamp")) {}
  Status Run(Store& s) { return GetVector(s, entity, space, ts, &value, &found); }
  Napi::Value Result(Napi::Env env) {
    if (!found) return env.Undefined();
    Napi::Float32Array out = Napi::Float32Array::New(env, value.size() / 4);
    memcpy(out.Data(), value.data(), value.size());
    return out;
  }
};

struct DeleteJob {
  static constexpr const char* kName = "cvx.delete";
  uint64_t entity;
  uint32_t space;
  int64_t ts;
  bool removed = false;

  explicit DeleteJob(const Napi::CallbackInfo& info)
      : entity(ReadU64(info[1], "entityId")), space(ReadU32(info[2], "spaceId")), ts(ReadI64(info[3], "timestamp")) {}
  Status Run(Store& s) { return DeletePoint(s, entity, space, ts, &removed); }
  Napi::Value Result(Napi::Env env) { return Napi::Boolean::New(env, removed); }
};

struct RangeJob {
  static constexpr const char* kName = "cvx.range";
  RangeQuery q;
  bool ts_numbers;
  RangeResult result;

  // (handle, entityId, spaceId, start, end, limit (0 = none), reverse, timestampsAsNumbers)
  explicit RangeJob(const Napi::CallbackInfo& info) {
    q.entity = ReadU64(info[1], "entityId");
    q.space = ReadU32(info[2], "spaceId");
    q.start = ReadI64(info[3], "start");
    q.end = ReadI64(info[4], "end");
    q.limit = ReadU64(info[5], "options.limit");
    q.reverse = ReadBool(info[6], "options.reverse");
    ts_numbers = ReadBool(info[7], "timestampsAsNumbers");
    if (q.start > q.end) ThrowInvalid(info.Env(), "start must not be greater than end");
  }
  Status Run(Store& s) {
    Status st = RangeScan(s, q, &result);
    if (st.ok() && ts_numbers) {
      for (int64_t t : result.timestamps) {
        if (t > kMaxSafeInt || t < -kMaxSafeInt) {
          return Status::Make(Code::kUnsafeInteger, "range: stored timestamp " + std::to_string(t) +
                                                        " is outside the safe-integer range; open the store "
                                                        "with { bigint: true } to read it");
        }
      }
    }
    return st;
  }
  Napi::Value Result(Napi::Env env) {
    const size_t n = result.timestamps.size();
    Napi::Object out = Napi::Object::New(env);
    out.Set("count", Napi::Number::New(env, static_cast<double>(n)));
    out.Set("dim", Napi::Number::New(env, result.dim));
    if (ts_numbers) {
      Napi::Float64Array ts = Napi::Float64Array::New(env, n);
      for (size_t i = 0; i < n; ++i) ts[i] = static_cast<double>(result.timestamps[i]);
      out.Set("timestamps", ts);
    } else {
      Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, n * sizeof(int64_t));
      if (n) memcpy(buf.Data(), result.timestamps.data(), n * sizeof(int64_t));
      napi_value ts;
      NAPI_THROW_IF_FAILED(env, napi_create_typedarray(env, napi_bigint64_array, n, buf, 0, &ts), out);
      out.Set("timestamps", Napi::Value(env, ts));
    }
    Napi::Float32Array vec = Napi::Float32Array::New(env, result.vectors.size() / 4);
    if (!result.vectors.empty()) memcpy(vec.Data(), result.vectors.data(), result.vectors.size());
    out.Set("vectors", vec);
    return out;
  }
};

struct TimelineJob {
  static constexpr const char* kName = "cvx.getTimeline";
  uint64_t entity;
  uint32_t space;
  std::string record;
  bool found = false;

  explicit TimelineJob(const Napi::CallbackInfo& info)
      : entity(ReadU64(info[1], "entityId")), space(ReadU32(info[2], "spaceId")) {}
  Status Run(Store& s) { return GetTimelineRecord(s, entity, space, &record, &found); }
  Napi::Value Result(Napi::Env env) {
    if (!found) return env.Undefined();
    return Napi::Buffer<char>::Copy(env, record.data(), record.size());
  }
};

}  // namespace

void RegisterOps(Napi::Env env, Napi::Object exports) {
  exports.Set("putSync", Napi::Function::New(env, CallSync<PutJob>, "putSync"));
  exports.Set("put", Napi::Function::New(env, CallAsync<PutJob>, "put"));
  exports.Set("putManySync", Napi::Function::New(env, CallSync<PutManyJob>, "putManySync"));
  exports.Set("putMany", Napi::Function::New(env, CallAsync<PutManyJob>, "putMany"));
  exports.Set("getSync", Napi::Function::New(env, CallSync<GetJob>, "getSync"));
  exports.Set("get", Napi::Function::New(env, CallAsync<GetJob>, "get"));
  exports.Set("deleteSync", Napi::Function::New(env, CallSync<DeleteJob>, "deleteSync"));
  exports.Set("delete", Napi::Function::New(env, CallAsync<DeleteJob>, "delete"));
  exports.Set("rangeSync", Napi::Function::New(env, CallSync<RangeJob>, "rangeSync"));
  exports.Set("range", Napi::Function::New(env, CallAsync<RangeJob>, "range"));
  exports.Set("getTimelineSync", Napi::Function::New(env, CallSync<TimelineJob>, "getTimelineSync"));
  exports.Set("getTimeline", Napi::Function::New(env, CallAsync<TimelineJob>, "getTimeline"));
}

}  // namespace cvx
