// The as-of reads as Jobs (see job.h): getAsOf (one entity; getLatest is getAsOf at the top of
// the i64 domain) and getManyAsOf (many entities of one space in one crossing, answered as
// columns). Arguments are read on the main thread; sync calls shape their answers in JS memory
// (getAsOf from the pinned value in Result, getManyAsOf written in place by RunSync), async ones
// from copied-out or pooled memory the completion hands to JS (js_results.h). Exported as
// fooSync and foo (a Promise).
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine.h"
#include "job.h"
#include "js_register.h"

namespace cvx {
namespace {

// The timestamp slot of a sync as-of read: a BigInt64Array of at least one element, element 0
// written. Throws CVX_INVALID_ARGUMENT for anything else. One Node-API call.
int64_t* ReadTimestampSlot(const Napi::Value& v) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(v.Env(), v, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_bigint64_array || length < 1) {
    ThrowInvalid(v.Env(), "timestampSlot must be a BigInt64Array of at least one element");
  }
  return static_cast<int64_t*>(data);
}

// (handle, entityId, spaceId, at[, minTs[, timestampSlot]]): the point with the greatest
// timestamp in [minTs, at] (minTs: the i64 minimum when absent), or undefined. As
// { timestamp, vector }, the timestamp a Number when it is a safe integer, else a BigInt (lib/
// converts or refuses it as the store's integer mode says); or, for a sync call given a
// timestampSlot (lib/'s BigInt64Array, read right after the call), as the bare vector with the
// timestamp written to slot[0]: making that object was a sixth of a short history's read
// (docs/performance.md, "As-of reads"). Async calls ignore the slot (Detach): their answer is
// shaped later, after other JS may have run. One SeekForPrev; the vector is pinned by the
// iterator until Result (sync) or copied out on the pool (async), as get's is.
struct AsOfJob : ViewRead {
  static constexpr const char* kName = "cvx.getAsOf";
  static constexpr Hooks kHooks = Hooks::kPins;
  uint64_t entity;
  uint32_t space;
  int64_t at;
  int64_t min_ts = INT64_MIN;
  std::unique_ptr<rocksdb::Iterator> it;
  rocksdb::Slice value;
  std::string owned;
  bool detached = false;
  bool found = false;
  int64_t ts = 0;
  int64_t* ts_slot = nullptr;

  explicit AsOfJob(const Napi::CallbackInfo& info)
      : entity(ReadU64(info[1], "entityId")), space(ReadU32(info[2], "spaceId")), at(ReadI64(info[3], "t")) {
    if (info.Length() > 4 && !info[4].IsUndefined()) min_ts = ReadI64(info[4], "minTimestamp");
    if (info.Length() > 5 && !info[5].IsUndefined()) ts_slot = ReadTimestampSlot(info[5]);
  }
  Status Run(Store& s) {
    Status st;
    it = SeekAsOf(s, entity, space, at, min_ts, &ts, &value, &st, snapshot);
    found = it != nullptr;
    return st;
  }
  // Async only: the completion runs after the store was left, so the pin must not survive.
  void Detach() {
    if (found) owned.assign(value.data(), value.size());
    detached = true;
    ts_slot = nullptr;
  }
  void Unpin() {
    value = rocksdb::Slice();
    it.reset();
  }
  Napi::Value Result(Napi::Env env) {
    if (!found) return env.Undefined();
    if (ts_slot) {
      *ts_slot = ts;
      return FloatsToJs(env, value);
    }
    Napi::Object out = Napi::Object::New(env);
    if (ts <= kMaxSafeInt && ts >= -kMaxSafeInt) {
      out.Set("timestamp", Napi::Number::New(env, static_cast<double>(ts)));
    } else {
      out.Set("timestamp", Napi::BigInt::New(env, ts));
    }
    out.Set("vector", FloatsToJs(env, detached ? rocksdb::Slice(owned) : value));
    return out;
  }
};

// The bottom of an as-of window: t − tolerance, saturated at the i64 minimum (the window then
// starts at the bottom of the domain); the minimum itself without a tolerance (tolerance < 0).
int64_t WindowLow(int64_t at, int64_t tolerance) {
  if (tolerance < 0 || at < INT64_MIN + tolerance) return INT64_MIN;
  return at - tolerance;
}

// (handle, spaceId, entityIds: Float64Array|BigUint64Array, t: one timestamp (Number|BigInt) or a
// Float64Array|BigInt64Array of one per entity, tolerance: Number|BigInt|undefined
// [, into: Float32Array, sync only]). Entity i's window is [t_i − tolerance, t_i] (WindowLow).
// Answers { count, dim, found: Uint8Array, timestamps: BigInt64Array, vectors: Float32Array },
// row i of vectors at element i·dim, zeros and timestamp 0 where not found; with `into` there is
// no `vectors` (TypeScript answers a view of into). A sync call makes its JS arrays first and the
// engine writes into them (or into the caller's `into`): no copy of the matrix. An async one
// writes into pooled memory, which Result hands over (PooledFloatsToJs) as getMany's does.
struct ManyAsOfJob : ViewRead {
  static constexpr const char* kName = "cvx.getManyAsOf";
  static constexpr Hooks kHooks = Hooks::kRunSync;
  uint32_t space;
  std::vector<AsOfKey> keys;
  uint32_t dim = 0;
  IntoBuffer into;
  // The async answer, made on the pool.
  std::vector<uint8_t> found;
  std::vector<int64_t> timestamps;
  PooledBytes vectors;
  // The sync answer, JS memory the engine wrote in place.
  std::optional<ResultArray> js_found, js_timestamps, js_vectors;

  explicit ManyAsOfJob(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    space = ReadU32(info[1], "spaceId");
    IntColumn ids(info[2], false, "entityIds");
    int64_t tolerance = -1;
    if (info.Length() > 4 && !info[4].IsUndefined()) {
      tolerance = ReadI64(info[4], "options.tolerance");
      if (tolerance < 0) ThrowInvalid(env, "options.tolerance must be an integer in [0, 2^63-1]");
    }
    const size_t n = ids.size();
    keys.resize(n);
    std::optional<IntColumn> ts;
    int64_t at = 0;
    if (info[3].IsTypedArray()) {
      ts.emplace(info[3], true, "t");
      if (ts->size() != n) ThrowInvalid(env, "t must have " + std::to_string(n) + " elements, one per entityId");
    } else {
      at = ReadI64(info[3], "t");
    }
    for (size_t i = 0; i < n; ++i) {
      const auto at_i = [&] { return "[" + std::to_string(i) + "]"; };
      if (!ids.Unsigned(i, &keys[i].entity)) ThrowInvalid(env, "entityIds" + at_i() + " must be a non-negative safe integer");
      if (ts && !ts->Signed(i, &at)) ThrowInvalid(env, "t" + at_i() + " must be a safe integer");
      keys[i].at = at;
      keys[i].min_ts = WindowLow(at, tolerance);
    }
    into.Read(info, 5);
  }
  Status Run(Store& s) {
    if (into.given) return into.RefusedAsync();
    const size_t n = keys.size();
    dim = s.SpaceDim(space);
    found.resize(n);
    timestamps.resize(n);
    vectors.pool = s.result_pool();
    vectors.bytes = s.result_pool()->Take();
    vectors.bytes.resize(n * dim * sizeof(float));
    const AsOfRows rows{found.data(), timestamps.data(), vectors.bytes.data()};
    return GetManyAsOf(s, space, keys, dim, rows, snapshot);
  }
  Status RunSync(Napi::Env env, Store& s) {
    const size_t n = keys.size();
    dim = s.SpaceDim(space);
    const size_t floats = n * dim;
    if (into.given && floats > into.bytes / sizeof(float)) {
      return Status::Make(Code::kInvalidArgument, "options.into has room for " + std::to_string(into.bytes / sizeof(float)) +
                                                      " floats, fewer than " + std::to_string(n) + " entities of dim " +
                                                      std::to_string(dim) + ": pass a Float32Array of entityIds.length * dim");
    }
    Status st = TryNewResultArray(env, napi_uint8_array, n, &js_found.emplace());
    if (st.ok()) st = TryNewResultArray(env, napi_bigint64_array, n, &js_timestamps.emplace());
    if (st.ok() && !into.given) st = TryNewResultArray(env, napi_float32_array, floats, &js_vectors.emplace());
    if (!st.ok()) return st;
    AsOfRows rows{static_cast<uint8_t*>(js_found->data), static_cast<int64_t*>(js_timestamps->data),
                  into.given ? into.data : static_cast<char*>(js_vectors->data)};
    return GetManyAsOf(s, space, keys, dim, rows, snapshot);
  }
  Napi::Value Result(Napi::Env env) {
    const size_t n = keys.size();
    Napi::Object out = Napi::Object::New(env);
    out.Set("count", Napi::Number::New(env, static_cast<double>(n)));
    out.Set("dim", Napi::Number::New(env, dim));
    if (js_found) {  // a sync call: the answer is already in JS memory
      out.Set("found", js_found->array);
      out.Set("timestamps", js_timestamps->array);
      if (js_vectors) out.Set("vectors", js_vectors->array);
      return out;
    }
    ResultArray f = NewResultArray(env, napi_uint8_array, n);
    ResultArray t = NewResultArray(env, napi_bigint64_array, n);
    if (n) {
      memcpy(f.data, found.data(), n);
      memcpy(t.data, timestamps.data(), n * sizeof(int64_t));
    }
    out.Set("found", f.array);
    out.Set("timestamps", t.array);
    out.Set("vectors", PooledFloatsToJs(env, std::move(vectors)));
    return out;
  }
};

}  // namespace

void RegisterAsOf(Napi::Env env, Napi::Object exports) {
  ExportJob<AsOfJob>(env, exports, "getAsOf");
  ExportJob<ManyAsOfJob>(env, exports, "getManyAsOf");
}

}  // namespace cvx
