// The Node-API side's shared pieces: turning a Status into the JS error (through the
// HotStoreError factory that lib/errors.ts registers, so errors are made in one place),
// reading arguments without ever trusting their types, and the type-tagged store handle.
#pragma once
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "status.h"
#include "store.h"
#include "writer.h"

namespace cvx {

// Small results (a point's vector, a short range's columns) are carved from a shared
// 64 KiB ArrayBuffer rather than each getting its own. V8 frees backing stores on a GC
// helper thread, and one free there per read contended with the reads' own allocations for
// glibc's arena lock: getSync went from about 14 to 10 us (docs/performance.md). The price,
// as with Buffer.allocUnsafe's pool: a result's `.buffer` is shared, so transferring it
// detaches its neighbours too (docs/api.md says so), and a kept result pins its slab.
class ResultSlab {
 public:
  static constexpr size_t kSlabBytes = 64 * 1024;
  static constexpr size_t kMaxPiece = kSlabBytes / 8;
  // `bytes` (at most kMaxPiece) at an 8-aligned *offset of the returned buffer.
  Napi::ArrayBuffer Carve(Napi::Env env, size_t bytes, size_t* offset);

 private:
  Napi::Reference<Napi::ArrayBuffer> slab_;
  size_t used_ = 0;
};

// Per-environment addon state (main thread and each worker thread get their own).
struct AddonData {
  Napi::FunctionReference error_factory;
  ResultSlab slab;
  // Every writer thread started in this env, for quiesceWriters() at process exit.
  std::vector<std::weak_ptr<Writer>> writers;
};

// Memory for a result, not initialised: the caller writes it. Small pieces come from the
// ResultSlab, larger ones are a Node Buffer (which, unlike a plain ArrayBuffer, skips the
// zero-fill, so the data is written once).
struct ResultBuffer {
  Napi::ArrayBuffer buffer;
  size_t offset;  // where the piece starts in `buffer`
  char* data;     // the same place, for writing
};
ResultBuffer NewResultBuffer(Napi::Env env, size_t bytes);
// A TypedArray of `count` elements of `type` over the start of `b`.
Napi::TypedArray ResultView(Napi::Env env, const ResultBuffer& b, napi_typedarray_type type, size_t count);

// A new TypedArray of `count` elements of `type` over a new ResultBuffer.
struct ResultArray {
  Napi::TypedArray array;
  void* data;
};
ResultArray NewResultArray(Napi::Env env, napi_typedarray_type type, size_t count);

Napi::Error MakeError(Napi::Env env, const Status& st);
[[noreturn]] void Throw(Napi::Env env, const Status& st);
[[noreturn]] void ThrowInvalid(Napi::Env env, const std::string& message);

uint64_t ReadU64(const Napi::Value& v, const char* name);
int64_t ReadI64(const Napi::Value& v, const char* name);
uint32_t ReadU32(const Napi::Value& v, const char* name);
bool ReadBool(const Napi::Value& v, const char* name);
// A key or value: a string (as UTF-8) or any TypedArray/Buffer's bytes.
std::string ReadBytes(const Napi::Value& v, const std::string& name);
// One of "default", "vectors", "timelines"; resolved to a handle only after Enter().
std::string ReadCfName(const Napi::Value& v, const char* name);
// Bytes as a JS string (UTF-8) or as a new Buffer.
Napi::Value BytesToJs(Napi::Env env, const std::string& bytes, bool as_string);
// Copies a Float32Array's elements into on-disk form, refusing empty and non-finite.
void ReadVector(const Napi::Value& v, const std::string& name, std::vector<char>* out);
// Checks n floats are finite; returns the index of the first that is not, or -1.
long FirstNonFinite(const float* data, size_t n);

// A column of 64-bit integers passed as a Float64Array (each a safe integer) or as a
// BigInt64Array/BigUint64Array. The batch paths use it so callers holding numbers never
// pay for BigInt conversion.
class IntColumn {
 public:
  IntColumn(const Napi::Value& v, bool is_signed, const char* name);
  size_t size() const { return n_; }
  // False when element i is not an integer of the column's domain.
  bool Unsigned(size_t i, uint64_t* out) const;
  bool Signed(size_t i, int64_t* out) const;

 private:
  const double* f64_ = nullptr;
  const uint64_t* u64_ = nullptr;
  const int64_t* i64_ = nullptr;
  size_t n_ = 0;
};

// Float data of a Float32Array argument, or a CVX_INVALID_ARGUMENT throw.
const float* FloatData(const Napi::Value& v, const char* name, size_t* length);

// What a JS store handle wraps. The handle owns it; close() only closes the Store, the box
// lives until the handle is collected, so a stale handle throws CVX_NOT_OPEN, never crashes.
struct StoreBox {
  // Shared with the iterator handles made from it, so a Store outlives every iterator
  // whatever order the garbage collector or env teardown finalizes them in.
  std::shared_ptr<Store> store;
  napi_env env = nullptr;
  bool cleanup_hook = false;
  // Runs the store's async writes (writer.h); null when it could not start (the pool then does).
  std::shared_ptr<Writer> writer;
};

Napi::Object WrapStore(Napi::Env env, std::unique_ptr<Store> store);
// Every close path (close, closeSync, the env cleanup hook): closes the store, waiting for the
// work admitted before, then ends its writer thread, whose writes are done by then and to
// which no new ones can come.
Status CloseStore(StoreBox& box);
// Checks the type tag; throws CVX_INVALID_ARGUMENT for anything that is not our handle.
StoreBox* UnwrapStore(const Napi::Value& handle);

}  // namespace cvx
