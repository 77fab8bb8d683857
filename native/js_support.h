// The Node-API side's shared pieces: turning a Status into the JS error (through the
// HotStoreError factory that lib/errors.ts registers, so errors are made in one place),
// reading arguments without ever trusting their types, the type-tagged store handle, and
// admission to a store as a scope (Admission).
#pragma once
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "js_results.h"
#include "snapshot.h"
#include "status.h"
#include "store.h"
#include "writer.h"

namespace cvx {

// Per-environment addon state (main thread and each worker thread get their own).
struct AddonData {
  Napi::FunctionReference error_factory;
  ResultSlab slab;
  // Every writer thread started in this env, for quiesceWriters() at process exit.
  std::vector<std::weak_ptr<Writer>> writers;
};

Napi::Error MakeError(Napi::Env env, const Status& st);
[[noreturn]] void Throw(Napi::Env env, const Status& st);
[[noreturn]] void ThrowInvalid(Napi::Env env, const std::string& message);

// One admitted operation (Store::Enter/Leave, store.h) as a scope: entering throws the
// store's error (CVX_NOT_OPEN once close() has begun), and the store is left when the scope
// ends, on every path, unless Release() handed the admission to an async job, which then
// leaves the store itself once its engine work is over (job.h).
class Admission {
 public:
  Admission(Napi::Env env, Store& store) : store_(&store) {
    Status st = store.Enter();
    if (!st.ok()) Throw(env, st);
  }
  ~Admission() {
    if (store_) store_->Leave();
  }
  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;
  // The store stays entered: from here on its Leave() is someone else's.
  void Release() { store_ = nullptr; }

 private:
  Store* store_;
};

// The largest integer a JS Number holds exactly (Number.MAX_SAFE_INTEGER).
constexpr int64_t kMaxSafeInt = 9007199254740991LL;

uint64_t ReadU64(const Napi::Value& v, const char* name);
int64_t ReadI64(const Napi::Value& v, const char* name);
uint32_t ReadU32(const Napi::Value& v, const char* name);
bool ReadBool(const Napi::Value& v, const char* name);
// A key or value: a string (as UTF-8) or any TypedArray/Buffer's bytes.
std::string ReadBytes(const Napi::Value& v, const std::string& name);
// A column family's name as CfIndex() (store.h) knows it: "default", "vectors" or
// "timelines". Resolved to a handle with Store::CfByName only after the store was entered.
std::string ReadCfName(const Napi::Value& v, const char* name);
// Bytes as a JS string (UTF-8) or as a new Buffer.
Napi::Value BytesToJs(Napi::Env env, const std::string& bytes, bool as_string);
// Copies a Float32Array's elements (on-disk form: little-endian f32), refusing empty ones,
// then checks the copy, the floats that will be written, for non-finite values.
void ReadVector(const Napi::Value& v, const std::string& name, std::vector<float>* out);
// Checks n floats are finite; returns the index of the first that is not, or -1.
long FirstNonFinite(const float* data, size_t n);
// The refusal of element `index` of the vector called `name` ("point.vector", …).
std::string NotFiniteMessage(const std::string& name, long index);

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

// Key i of an (entityIds, timestamps) column pair, or a CVX_INVALID_ARGUMENT throw naming
// `what`[i] (lib/ checks plain arrays itself; typed arrays reach the shim as they are).
// Inline: the batch readers call it once per key.
inline void ReadKeyAt(Napi::Env env, const IntColumn& ids, const IntColumn& tss, size_t i, const char* what,
                      uint64_t* entity, int64_t* ts) {
  auto at = [&] { return std::string(what) + "[" + std::to_string(i) + "]"; };
  if (!ids.Unsigned(i, entity)) ThrowInvalid(env, at() + ".entityId must be a non-negative safe integer");
  if (!tss.Signed(i, ts)) ThrowInvalid(env, at() + ".timestamp must be a safe integer");
}

// The (entityId, spaceId, timestamp) arguments that address one point: info[1..3].
struct PointAddress {
  uint64_t entity;
  uint32_t space;
  int64_t ts;
  explicit PointAddress(const Napi::CallbackInfo& info)
      : entity(ReadU64(info[1], "entityId")), space(ReadU32(info[2], "spaceId")), ts(ReadI64(info[3], "timestamp")) {}
};

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
// The same look, answering nullptr for anything that is not a store handle.
StoreBox* StoreBoxOf(const Napi::Value& handle);

// What an operation's first argument names: a store, or a read view of one (a snapshot
// handle, HotStore.snapshot(); js_snapshot.cc makes them).
struct ReadTarget {
  StoreBox* box = nullptr;  // the store handle's box; nullptr for a view
  Store* store = nullptr;
  std::shared_ptr<ReadSnapshot> view;  // nullptr for a store
  std::shared_ptr<Store> owner() const { return box ? box->store : view->shared_store(); }
};
// A store handle, or, when `views` (the operation is a read), a snapshot handle. A view passed
// to anything else throws CVX_READ_ONLY (views cannot write); a released one CVX_NOT_OPEN.
ReadTarget UnwrapTarget(const Napi::Value& handle, bool views);

}  // namespace cvx
