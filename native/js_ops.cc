// The data operations as Jobs (see job.h): argument parsing on the main thread, engine
// call, result shaping. Each is exported twice, as fooSync and as foo returning a Promise.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include "engine.h"
#include "job.h"
#include "js_ops.h"

namespace cvx {
namespace {

constexpr int64_t kMaxSafeInt = 9007199254740991LL;
// A Float32Array holding a copy of `bytes` (raw little-endian f32).
Napi::TypedArray FloatsToJs(Napi::Env env, rocksdb::Slice bytes) {
  ResultArray out = NewResultArray(env, napi_float32_array, bytes.size() / 4);
  if (!bytes.empty()) memcpy(out.data, bytes.data(), bytes.size());
  return out.array;
}

// True when a result of `size` bytes should not keep a buffer of `capacity`: it is copied
// into one of its own size instead, so a kept result never pins much more than itself.
bool MuchLarger(size_t capacity, size_t size) { return capacity > 2 * size + ResultPool::kMinKept; }

// An async result's vectors. Large ones become an external ArrayBuffer over the scan's own
// memory, which returns to the store's ResultPool when JS collects it: no copy, and no fresh
// pages. Only async completions may do this: Node runs such finalizers from the event loop,
// which a synchronous loop of reads never turns; sync scans write into JS memory instead
// (JsVectorSink).
Napi::Value PooledFloatsToJs(Napi::Env env, PooledBytes&& vectors) {
  const size_t size = vectors.bytes.size();
  // A buffer much larger than its result (a pooled one from a longer scan) is not handed
  // over: JS would see `size` bytes while the whole capacity stayed pinned.
  if (size <= ResultSlab::kMaxPiece || MuchLarger(vectors.bytes.capacity(), size)) {
    return FloatsToJs(env, rocksdb::Slice(vectors.bytes));
  }
  auto* held = new PooledBytes(std::move(vectors));
  auto finalize = [](napi_env, void*, void* hint) { delete static_cast<PooledBytes*>(hint); };
  napi_value buffer, array;
  if (napi_create_external_arraybuffer(env, held->bytes.data(), held->bytes.size(), finalize, held, &buffer) != napi_ok) {
    // A runtime that refuses external buffers: copy after all.
    Napi::Value copy = FloatsToJs(env, rocksdb::Slice(held->bytes));
    delete held;
    return copy;
  }
  NAPI_THROW_IF_FAILED(env, napi_create_typedarray(env, napi_float32_array, held->bytes.size() / 4, buffer, 0, &array), Napi::Value());
  return Napi::Value(env, array);
}

// The write jobs keep their own copy of the vectors, since JS may change its arrays once the
// call returns, in a std::vector: moving the job to the pool must not move the bytes the
// points' slices point to (a std::string's small-string buffer would move).
using VectorBytes = std::vector<char>;

struct PutJob {
  static constexpr const char* kName = "cvx.put";
  static constexpr bool kWrite = true;
  uint32_t space;
  VectorBytes owned;
  std::vector<PointIn> points;

  // (handle, spaceId, entityId, timestamp, vector: Float32Array)
  explicit PutJob(const Napi::CallbackInfo& info) {
    space = ReadU32(info[1], "spaceId");
    PointIn p;
    p.entity = ReadU64(info[2], "point.entityId");
    p.ts = ReadI64(info[3], "point.timestamp");
    ReadVector(info[4], "point.vector", &owned);
    p.value = rocksdb::Slice(owned.data(), owned.size());
    points.push_back(p);
  }
  Status Run(Store& s) { return PutPoints(s, space, points, "point"); }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }
};

// Key i of an (entityIds, timestamps) column pair, or a CVX_INVALID_ARGUMENT throw naming
// `what`[i] (lib/ checks plain arrays itself; typed arrays reach the shim as they are).
void ReadKeyAt(Napi::Env env, const IntColumn& ids, const IntColumn& tss, size_t i, const char* what, uint64_t* entity,
               int64_t* ts) {
  auto at = [&] { return std::string(what) + "[" + std::to_string(i) + "]"; };
  if (!ids.Unsigned(i, entity)) ThrowInvalid(env, at() + ".entityId must be a non-negative safe integer");
  if (!tss.Signed(i, ts)) ThrowInvalid(env, at() + ".timestamp must be a safe integer");
}

// Columnar batch: (handle, spaceId, entityIds: Float64Array|BigUint64Array,
// timestamps: Float64Array|BigInt64Array, vectors: Float32Array, dim)
struct PutManyJob {
  static constexpr const char* kName = "cvx.putMany";
  static constexpr bool kWrite = true;
  uint32_t space;
  VectorBytes owned;
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
    const char* bytes = reinterpret_cast<const char*>(data);
    owned.assign(bytes, bytes + floats * sizeof(float));
    const size_t stride = dim * sizeof(float);
    auto at = [](size_t i) { return "points[" + std::to_string(i) + "]"; };  // only for errors
    points.resize(n);
    for (size_t i = 0; i < n; ++i) {
      PointIn& p = points[i];
      ReadKeyAt(env, ids, tss, i, "points", &p.entity, &p.ts);
      p.value = rocksdb::Slice(owned.data() + i * stride, stride);
      long bad = FirstNonFinite(data + i * dim, dim);
      if (bad >= 0) {
        ThrowInvalid(env, at(i) + ".vector[" + std::to_string(bad) + "] is not finite (NaN and Infinity are refused)");
      }
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
  static constexpr bool kWrite = true;
  VectorBytes owned;
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
    const char* bytes = reinterpret_cast<const char*>(data);
    owned.assign(bytes, bytes + floats * sizeof(float));
    refused.assign(n, Status::Ok());
    puts.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      GroupPut g;
      g.space = spaces[i];
      const uint32_t lo = offsets[i], hi = offsets[i + 1];
      long bad = hi > lo ? FirstNonFinite(data + lo, hi - lo) : 0;
      if (hi <= lo || hi > floats || !ids.Unsigned(i, &g.point.entity) || !tss.Signed(i, &g.point.ts)) {
        refused[i] = Status::Make(Code::kInvalidArgument, "point is malformed");
      } else if (bad >= 0) {
        refused[i] = Status::Make(Code::kInvalidArgument, "point.vector[" + std::to_string(bad) +
                                                              "] is not finite (NaN and Infinity are refused)");
      } else {
        g.point.value = rocksdb::Slice(owned.data() + lo * sizeof(float), (hi - lo) * sizeof(float));
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

// The (entityId, spaceId, timestamp) arguments that address one point: info[1..3].
struct PointAddress {
  uint64_t entity;
  uint32_t space;
  int64_t ts;
  explicit PointAddress(const Napi::CallbackInfo& info)
      : entity(ReadU64(info[1], "entityId")), space(ReadU32(info[2], "spaceId")), ts(ReadI64(info[3], "timestamp")) {}
};

struct GetJob {
  static constexpr const char* kName = "cvx.get";
  PointAddress at;
  rocksdb::PinnableSlice pinned;
  std::string owned;  // the value, once detached from RocksDB for an async completion
  bool detached = false;
  bool found = false;

  explicit GetJob(const Napi::CallbackInfo& info) : at(info) {}
  Status Run(Store& s) { return GetVector(s, at.entity, at.space, at.ts, &pinned, &found); }
  // Async gets of points in a memtable or the block cache (recent writes, hot keys) need no I/O.
  Status TryInline(Store& s, bool* answered) {
    return GetVectorCached(s, at.entity, at.space, at.ts, &pinned, &found, answered);
  }
  // Async only: the completion runs after the store was left, so the pin must not survive.
  void Detach() {
    owned.assign(pinned.data(), pinned.size());
    Unpin();
    detached = true;
  }
  void Unpin() { pinned.Reset(); }
  Napi::Value Result(Napi::Env env) {
    if (!found) return env.Undefined();
    return FloatsToJs(env, detached ? rocksdb::Slice(owned) : rocksdb::Slice(pinned));
  }
};

struct DeleteJob {
  static constexpr const char* kName = "cvx.delete";
  static constexpr bool kWrite = true;
  PointAddress at;
  bool removed = false;

  explicit DeleteJob(const Napi::CallbackInfo& info) : at(info) {}
  Status Run(Store& s) { return DeletePoint(s, at.entity, at.space, at.ts, &removed); }
  Napi::Value Result(Napi::Env env) { return Napi::Boolean::New(env, removed); }
};

// A sync range's sink: the scan writes straight into the memory of the Float32Array it
// returns. The first allocation is the expected size, up to kUpfront (the expectation can be
// far too high); a scan that outgrows it jumps to the whole expectation (pages never written
// cost nothing), and one that outgrows even that doubles. A result much smaller than its
// buffer is copied into one of its own size at the end (MuchLarger).
class JsVectorSink : public VectorSink {
 public:
  static constexpr size_t kUpfront = size_t{4} << 20;

  explicit JsVectorSink(Napi::Env env) : env_(env) {}
  void Expect(size_t bytes) override {
    expected_ = bytes;
    Grow(std::min(bytes, kUpfront));
  }
  bool Append(const char* data, size_t size) override {
    const size_t need = used_ + size;
    if (need > capacity_) Grow(need <= expected_ ? expected_ : std::max(need, 2 * capacity_));
    memcpy(memory_.data + used_, data, size);
    used_ = need;
    return true;
  }
  Napi::Value Floats() {
    if (used_ == 0 || MuchLarger(capacity_, used_)) {
      return FloatsToJs(env_, rocksdb::Slice(memory_.data, used_));
    }
    // The unwritten tail is visible through `.buffer`: it must not show old heap contents.
    memset(memory_.data + used_, 0, capacity_ - used_);
    return ResultView(env_, memory_, napi_float32_array, used_ / 4);
  }

 private:
  void Grow(size_t bytes) {
    ResultBuffer bigger = NewResultBuffer(env_, bytes);
    if (used_) memcpy(bigger.data, memory_.data, used_);
    memory_ = bigger;
    capacity_ = bytes;
  }

  Napi::Env env_;
  ResultBuffer memory_{Napi::ArrayBuffer(), 0, nullptr};
  size_t capacity_ = 0, used_ = 0, expected_ = 0;
};

// options.into of a sync read (rangeColumnsSync, getManySync): where the caller's Float32Array's
// bytes are. Only sync calls may write there (RunSync): a pool thread must not write into memory
// that JS could transfer or detach meanwhile, so Run() refuses a job that has one.
struct IntoBuffer {
  char* data = nullptr;
  size_t bytes = 0;
  bool given = false;
  // Reads info[index] when present: undefined, or a Float32Array.
  void Read(const Napi::CallbackInfo& info, size_t index) {
    if (info.Length() <= index || info[index].IsUndefined()) return;
    size_t floats = 0;
    data = const_cast<char*>(reinterpret_cast<const char*>(FloatData(info[index], "options.into", &floats)));
    bytes = floats * sizeof(float);
    given = true;
  }
  Status RefusedAsync() const {
    return Status::Make(Code::kInvalidArgument, "options.into is taken by rangeColumnsSync and getManySync only");
  }
};

// A sync range's sink when the caller passed options.into: the scan writes into the caller's
// Float32Array, so a caller that reuses one buffer gets no fresh memory per call, which is
// most of what a range costs a Node process beyond the engine (docs/performance.md, "What a
// fresh result costs").
class IntoSink : public VectorSink {
 public:
  IntoSink(char* data, size_t capacity) : data_(data), capacity_(capacity) {}
  void Expect(size_t) override {}
  bool Append(const char* data, size_t size) override {
    if (size > capacity_ - used_) {
      full_ = true;
      return false;
    }
    memcpy(data_ + used_, data, size);
    used_ += size;
    return true;
  }
  // True once an Append found no room: the scan that stopped is the caller's to explain.
  bool full() const { return full_; }

 private:
  char* data_;
  size_t capacity_, used_ = 0;
  bool full_ = false;
};

struct RangeJob {
  static constexpr const char* kName = "cvx.range";
  RangeQuery q;
  bool ts_numbers;
  RangeResult result;
  PooledSink pooled;                  // where an async scan writes
  std::optional<JsVectorSink> in_js;  // where a sync scan writes
  IntoBuffer into;

  // (handle, entityId, spaceId, start, end, limit (0 = none), reverse, timestampsAsNumbers[, into])
  explicit RangeJob(const Napi::CallbackInfo& info) {
    q.entity = ReadU64(info[1], "entityId");
    q.space = ReadU32(info[2], "spaceId");
    q.start = ReadI64(info[3], "start");
    q.end = ReadI64(info[4], "end");
    q.limit = ReadU64(info[5], "options.limit");
    q.reverse = ReadBool(info[6], "options.reverse");
    ts_numbers = ReadBool(info[7], "timestampsAsNumbers");
    if (q.start > q.end) ThrowInvalid(info.Env(), "start must not be greater than end");
    into.Read(info, 8);
  }
  Status Run(Store& s) {
    if (into.given) return into.RefusedAsync();
    pooled.bytes.pool = s.result_pool();
    pooled.bytes.bytes = s.result_pool()->Take();
    return Scan(s, &pooled);
  }
  Status RunSync(Napi::Env env, Store& s) {
    if (!into.given) {
      in_js.emplace(env);
      return Scan(s, &*in_js);
    }
    IntoSink sink(into.data, into.bytes);
    Status st = Scan(s, &sink);
    if (sink.full()) {
      return Status::Make(Code::kInvalidArgument,
                          "options.into has room for " + std::to_string(into.bytes / sizeof(float)) +
                              " floats, fewer than the range holds (" + std::to_string(result.timestamps.size()) +
                              " vectors of dim " + std::to_string(result.dim) +
                              " fit): pass a larger Float32Array or options.limit");
    }
    return st;
  }
  Napi::Value Result(Napi::Env env) {
    const size_t n = result.timestamps.size();
    Napi::Object out = Napi::Object::New(env);
    out.Set("count", Napi::Number::New(env, static_cast<double>(n)));
    out.Set("dim", Napi::Number::New(env, result.dim));
    ResultArray ts = NewResultArray(env, ts_numbers ? napi_float64_array : napi_bigint64_array, n);
    if (ts_numbers) {
      double* d = static_cast<double*>(ts.data);
      for (size_t i = 0; i < n; ++i) d[i] = static_cast<double>(result.timestamps[i]);
    } else if (n) {
      memcpy(ts.data, result.timestamps.data(), n * sizeof(int64_t));
    }
    out.Set("timestamps", ts.array);
    // With options.into the vectors are the caller's own array: TypeScript returns a view of it.
    if (!into.given) out.Set("vectors", in_js ? in_js->Floats() : PooledFloatsToJs(env, std::move(pooled.bytes)));
    return out;
  }

 private:
  Status Scan(Store& s, VectorSink* sink) {
    Status st = RangeScan(s, q, sink, &result);
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
};

// (handle, spaceId, entityIds: Float64Array|BigUint64Array, timestamps: Float64Array|BigInt64Array
// [, into: Float32Array, sync only]). Resolves to an array with, per key, its vector (a
// Float32Array) or undefined. Sync and async alike scan into the store's pooled memory, which
// stays in the pool, and each vector is then copied into a small result as get's is: one fresh
// multi-megabyte buffer per call cost a page fault per 4 KiB on this project's VM and made a
// batch slower per key than single gets. With `into`, key i's vector is copied to element
// i * dim of the caller's array instead, and the answer is { dim, found: Uint8Array }.
struct GetManyJob {
  static constexpr const char* kName = "cvx.getMany";
  uint32_t space;
  std::vector<PointKey> keys;
  std::vector<uint8_t> found;
  uint32_t dim = 0;
  PooledSink pooled;
  IntoBuffer into;

  explicit GetManyJob(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    space = ReadU32(info[1], "spaceId");
    IntColumn ids(info[2], false, "entityIds");
    IntColumn tss(info[3], true, "timestamps");
    if (tss.size() != ids.size()) ThrowInvalid(env, "timestamps must have one element per entityId");
    keys.resize(ids.size());
    for (size_t i = 0; i < keys.size(); ++i) ReadKeyAt(env, ids, tss, i, "keys", &keys[i].entity, &keys[i].ts);
    into.Read(info, 4);
  }
  Status Run(Store& s) {
    if (into.given) return into.RefusedAsync();
    return Read(s);
  }
  Status RunSync(Napi::Env, Store& s) {
    Status st = Read(s);
    if (!st.ok() || !into.given) return st;
    const size_t bytes = dim * sizeof(float);
    if (bytes && keys.size() > into.bytes / bytes) {
      return Status::Make(Code::kInvalidArgument, "options.into has room for " + std::to_string(into.bytes / sizeof(float)) +
                                                      " floats, fewer than " + std::to_string(keys.size()) +
                                                      " keys of dim " + std::to_string(dim) +
                                                      ": pass a Float32Array of keys.length * dim");
    }
    size_t k = 0;
    for (size_t i = 0; i < found.size(); ++i) {
      if (found[i]) memcpy(into.data + i * bytes, pooled.bytes.bytes.data() + k++ * bytes, bytes);
    }
    return st;
  }
  Napi::Value Result(Napi::Env env) {
    if (into.given) {
      Napi::Object out = Napi::Object::New(env);
      out.Set("dim", Napi::Number::New(env, dim));
      ResultArray mask = NewResultArray(env, napi_uint8_array, found.size());
      if (!found.empty()) memcpy(mask.data, found.data(), found.size());
      out.Set("found", mask.array);
      return out;
    }
    Napi::Array out = Napi::Array::New(env, found.size());
    const size_t bytes = dim * sizeof(float);
    size_t k = 0;
    for (size_t i = 0; i < found.size(); ++i) {
      if (!found[i]) continue;
      out.Set(static_cast<uint32_t>(i), FloatsToJs(env, rocksdb::Slice(pooled.bytes.bytes.data() + k++ * bytes, bytes)));
    }
    return out;
  }

 private:
  Status Read(Store& s) {
    pooled.bytes.pool = s.result_pool();
    pooled.bytes.bytes = s.result_pool()->Take();
    return GetVectors(s, space, keys, &pooled, &found, &dim);
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
  ExportJob<PutJob>(env, exports, "put");
  ExportJob<PutManyJob>(env, exports, "putMany");
  exports.Set("putGroup", Napi::Function::New(env, CallAsync<PutGroupJob>, "putGroup"));
  ExportJob<GetJob>(env, exports, "get");
  ExportJob<GetManyJob>(env, exports, "getMany");
  ExportJob<DeleteJob>(env, exports, "delete");
  ExportJob<RangeJob>(env, exports, "range");
  ExportJob<TimelineJob>(env, exports, "getTimeline");
}

}  // namespace cvx
