// Memory for the answers the data operations hand to JS: the shared slab small results are
// carved from, result buffers and TypedArrays over them, copies of engine bytes into JS, the
// pooled memory an async scan hands over, and the sinks a sync scan writes into (a fresh JS
// array, or the caller's own options.into). The small helpers every read calls (FloatsToJs,
// MuchLarger) and the sinks are defined here so each read job's file can inline them.
#pragma once
#include <napi.h>

#include <algorithm>
#include <cstring>

#include "engine.h"
#include "result_pool.h"
#include "status.h"

namespace cvx {

// Small results (a point's vector, a short range's columns) are carved from a shared
// 64 KiB ArrayBuffer rather than each getting its own. V8 frees backing stores on a GC
// helper thread, and one free there per read contended with the reads' own allocations for
// glibc's arena lock: getSync went from about 14 to 10 us (docs/performance.md). The price,
// as with Buffer.allocUnsafe's pool: a result's `.buffer` is shared, so transferring it
// detaches its neighbours too (docs/api.md says so), and a kept result pins its slab.
// One per environment, in AddonData (js_support.h).
//
// It also holds the two JS functions all result memory is made with, taken from the global
// object when the addon loads (CaptureAllocators): the ArrayBuffer constructor and Node's
// Buffer.allocUnsafeSlow. Node-API's own napi_create_arraybuffer and napi_create_buffer end in
// V8 calls that abort the whole process when the memory cannot be had (V8's
// FatalProcessOutOfMemory: "v8::ArrayBuffer::NewBackingStore Allocation failed"), while the
// same allocation made by JS throws a RangeError, which becomes CVX_IO.
class ResultSlab {
 public:
  static constexpr size_t kSlabBytes = 64 * 1024;
  static constexpr size_t kMaxPiece = kSlabBytes / 8;
  void CaptureAllocators(Napi::Env env);
  // `bytes` (at most kMaxPiece) at an 8-aligned *offset of *out; CVX_IO when no new slab can be had.
  Status Carve(Napi::Env env, size_t bytes, Napi::ArrayBuffer* out, size_t* offset);
  // A Node Buffer of `bytes`, not zero-filled; CVX_IO when the memory cannot be had.
  Status NewBuffer(Napi::Env env, size_t bytes, Napi::Buffer<uint8_t>* out);

 private:
  Napi::Reference<Napi::ArrayBuffer> slab_;
  size_t used_ = 0;
  Napi::FunctionReference array_buffer_, alloc_unsafe_slow_;
};

// Memory for a result, not initialised: the caller writes it. Small pieces come from the
// ResultSlab, larger ones are a Node Buffer (which, unlike a plain ArrayBuffer, skips the
// zero-fill, so the data is written once).
struct ResultBuffer {
  Napi::ArrayBuffer buffer;
  size_t offset;  // where the piece starts in `buffer`
  char* data;     // the same place, for writing
};
// CVX_IO ("out of memory …") when the memory cannot be had: the process never aborts.
Status TryNewResultBuffer(Napi::Env env, size_t bytes, ResultBuffer* out);
// The same, throwing the CVX_IO error (for Result(), which runs where a throw is the answer).
ResultBuffer NewResultBuffer(Napi::Env env, size_t bytes);
// A TypedArray of `count` elements of `type` over the start of `b`.
Napi::TypedArray ResultView(Napi::Env env, const ResultBuffer& b, napi_typedarray_type type, size_t count);

// A new TypedArray of `count` elements of `type` over a new ResultBuffer.
struct ResultArray {
  Napi::TypedArray array;
  void* data;
};
ResultArray NewResultArray(Napi::Env env, napi_typedarray_type type, size_t count);
// The same without throwing: CVX_IO when the memory cannot be had (for RunSync, whose answer is
// a status).
Status TryNewResultArray(Napi::Env env, napi_typedarray_type type, size_t count, ResultArray* out);

// A Float32Array holding a copy of `bytes` (raw little-endian f32).
inline Napi::TypedArray FloatsToJs(Napi::Env env, rocksdb::Slice bytes) {
  ResultArray out = NewResultArray(env, napi_float32_array, bytes.size() / 4);
  if (!bytes.empty()) memcpy(out.data, bytes.data(), bytes.size());
  return out.array;
}

// True when a result of `size` bytes should not keep a buffer of `capacity`: it is copied
// into one of its own size instead, so a kept result never pins much more than itself.
inline bool MuchLarger(size_t capacity, size_t size) { return capacity > 2 * size + ResultPool::kMinKept; }

// An async result's vectors. Large ones become an external ArrayBuffer over the scan's own
// memory, which returns to the store's ResultPool when JS collects it: no copy, and no fresh
// pages. Only async completions may do this: Node runs such finalizers from the event loop,
// which a synchronous loop of reads never turns; sync scans write into JS memory instead
// (JsVectorSink).
Napi::Value PooledFloatsToJs(Napi::Env env, PooledBytes&& vectors);

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
    if (need > capacity_ && !Grow(need <= expected_ ? expected_ : std::max(need, 2 * capacity_))) return false;
    memcpy(memory_.data + used_, data, size);
    used_ = need;
    return true;
  }
  // Not ok once memory for the result could not be had: the scan stopped, and this status,
  // CVX_IO, is the call's answer (RunSync), not the scan's.
  const Status& status() const { return status_; }
  Napi::Value Floats() {
    if (used_ == 0 || MuchLarger(capacity_, used_)) {
      return FloatsToJs(env_, rocksdb::Slice(memory_.data, used_));
    }
    // The unwritten tail is visible through `.buffer`: it must not show old heap contents.
    memset(memory_.data + used_, 0, capacity_ - used_);
    return ResultView(env_, memory_, napi_float32_array, used_ / 4);
  }

 private:
  bool Grow(size_t bytes) {
    if (!status_.ok()) return false;
    ResultBuffer bigger{Napi::ArrayBuffer(), 0, nullptr};
    status_ = TryNewResultBuffer(env_, bytes, &bigger);
    if (!status_.ok()) return false;
    if (used_) memcpy(bigger.data, memory_.data, used_);
    memory_ = bigger;
    capacity_ = bytes;
    return true;
  }

  Napi::Env env_;
  ResultBuffer memory_{Napi::ArrayBuffer(), 0, nullptr};
  size_t capacity_ = 0, used_ = 0, expected_ = 0;
  Status status_;
};

// options.into of a sync read (rangeColumnsSync, getManySync): where the caller's Float32Array's
// bytes are. Only sync calls may write there (RunSync): a pool thread must not write into memory
// that JS could transfer or detach meanwhile, so Run() refuses a job that has one.
struct IntoBuffer {
  char* data = nullptr;
  size_t bytes = 0;
  bool given = false;
  // Reads info[index] when present: undefined, or a Float32Array.
  void Read(const Napi::CallbackInfo& info, size_t index);
  Status RefusedAsync() const {
    return Status::Make(Code::kInvalidArgument, "options.into is taken by rangeColumnsSync, getManySync and getManyAsOfSync only");
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

}  // namespace cvx
