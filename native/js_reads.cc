// The read operations as Jobs (see job.h): get, getMany (both answered on the calling thread
// from memory or the page cache when they can, never waiting for the disk; getMany only for
// small groups), range and getTimeline; the as-of reads are in js_as_of.cc. Arguments are read
// on the main thread; sync reads write their answers straight into JS memory (RunSync or, for the
// pinning get, Result), async ones into pooled or copied-out memory that the completion hands
// to JS (js_results.h). Exported as fooSync and foo (a Promise).
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>

#include "engine.h"
#include "flags.h"
#include "job.h"
#include "js_register.h"
#include "nowait_fs.h"

namespace cvx {
namespace {

struct GetJob : ViewRead {
  static constexpr const char* kName = "cvx.get";
  static constexpr Hooks kHooks = Hooks::kPins | Hooks::kTryInline;
  PointAddress at;
  rocksdb::PinnableSlice pinned;
  std::string owned;  // the value, once detached from RocksDB for an async completion
  bool detached = false;
  bool found = false;

  explicit GetJob(const Napi::CallbackInfo& info) : at(info) {}
  Status Run(Store& s) { return GetVector(s, at.entity, at.space, at.ts, &pinned, &found, snapshot); }
  // Async gets of points in a memtable or the block cache (recent writes, hot keys) need no I/O.
  Status TryInline(Store& s, bool* answered) {
    return GetVectorCached(s, at.entity, at.space, at.ts, &pinned, &found, answered, snapshot);
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

struct RangeJob : ViewRead {
  static constexpr const char* kName = "cvx.range";
  static constexpr Hooks kHooks = Hooks::kRunSync;
  RangeQuery q;
  bool ts_numbers;
  RangeResult result;
  PooledSink pooled;                  // where an async scan writes
  std::optional<JsVectorSink> in_js;  // where a sync scan writes
  IntoBuffer into;

  // (handle, entityId, spaceId, start, end, limit (0 = none), flags: kReverse | kTimestampsAsNumbers
  // [, into]). lib/ refuses start > end; RangeScan answers such a window as empty.
  explicit RangeJob(const Napi::CallbackInfo& info) {
    q.entity = ReadU64(info[1], "entityId");
    q.space = ReadU32(info[2], "spaceId");
    q.start = ReadI64(info[3], "start");
    q.end = ReadI64(info[4], "end");
    q.limit = ReadU64(info[5], "options.limit");
    const uint32_t flags = ReadFlags(info[6], kReverse | kTimestampsAsNumbers, "flags");
    q.reverse = flags & kReverse;
    ts_numbers = flags & kTimestampsAsNumbers;
    into.Read(info, 7);
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
      Status st = Scan(s, &*in_js);
      // A scan stopped for want of memory answers that (CVX_IO), not the stop it caused.
      return in_js->status().ok() ? st : in_js->status();
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
    q.snapshot = snapshot;
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
struct GetManyJob : ViewRead {
  static constexpr const char* kName = "cvx.getMany";
  static constexpr Hooks kHooks = Hooks::kRunSync | Hooks::kTryInline;
  // The most keys an async call reads on the calling thread first (TryInline). A small group (the
  // gets of one request, coalesced, lib/get_coalescer.ts) is answered without the pool when its
  // blocks are in memory; a large one goes to the pool at once, where threads read groups in
  // parallel and the event loop stays free meanwhile.
  static constexpr size_t kInlineKeys = 16;
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
  // The whole MultiGet on the calling thread, with no table read waiting for the disk
  // (nowait_fs.h); if one would, nothing is answered here and Run reads every key again.
  Status TryInline(Store& s, bool* answered) {
    if (into.given || keys.size() > kInlineKeys) return Status::Ok();
    NoWaitScope nowait;
    Status st = Read(s);
    if (nowait.would_block()) return Status::Ok();
    *answered = true;
    return st;
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
    if (pooled.bytes.pool) {
      pooled.bytes.bytes.clear();  // a second read, after a TryInline that would have waited
    } else {
      pooled.bytes.pool = s.result_pool();
      pooled.bytes.bytes = s.result_pool()->Take();
    }
    return GetVectors(s, space, keys, &pooled, &found, &dim, snapshot);
  }
};

struct TimelineJob : ViewRead {
  static constexpr const char* kName = "cvx.getTimeline";
  static constexpr Hooks kHooks = Hooks::kNone;
  uint64_t entity;
  uint32_t space;
  std::string record;
  bool found = false;

  explicit TimelineJob(const Napi::CallbackInfo& info)
      : entity(ReadU64(info[1], "entityId")), space(ReadU32(info[2], "spaceId")) {}
  Status Run(Store& s) { return GetTimelineRecord(s, entity, space, &record, &found, snapshot); }
  Napi::Value Result(Napi::Env env) {
    if (!found) return env.Undefined();
    return Napi::Buffer<char>::Copy(env, record.data(), record.size());
  }
};

}  // namespace

void RegisterReads(Napi::Env env, Napi::Object exports) {
  ExportJob<GetJob>(env, exports, "get");
  ExportJob<GetManyJob>(env, exports, "getMany");
  ExportJob<RangeJob>(env, exports, "range");
  ExportJob<TimelineJob>(env, exports, "getTimeline");
}

}  // namespace cvx
