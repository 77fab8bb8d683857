// See js_support.h.
#include "js_support.h"

#include <algorithm>
#include <cmath>

#include "flags.h"
#include "js_register.h"

namespace cvx {
namespace {

constexpr double kMaxSafe = 9007199254740991.0;
const napi_type_tag kStoreTag = {0x6376785f686f7421ULL, 0x73746f72655f7631ULL};

void CleanupHook(void* arg) {
  auto* box = static_cast<StoreBox*>(arg);
  box->cleanup_hook = false;
  CloseStore(*box);
}

void FinalizeBox(napi_env env, void* data, void*) {
  auto* box = static_cast<StoreBox*>(data);
  if (box->cleanup_hook) napi_remove_env_cleanup_hook(env, CleanupHook, box);
  // No write is in flight: each keeps the handle alive until it completes.
  if (box->writer) box->writer->Stop();
  delete box;  // ~Store closes a store that was dropped without close()
}

}  // namespace

Napi::Error MakeError(Napi::Env env, const Status& st) {
  AddonData* data = env.GetInstanceData<AddonData>();
  Napi::String code = Napi::String::New(env, CodeName(st.code));
  Napi::String message = Napi::String::New(env, st.message);
  if (data && !data->error_factory.IsEmpty()) {
    Napi::Value made = data->error_factory.Call({code, message});
    if (made.IsObject()) return Napi::Error(env, made);
  }
  Napi::Error e = Napi::Error::New(env, st.message);
  e.Set("code", code);
  return e;
}

void Throw(Napi::Env env, const Status& st) { throw MakeError(env, st); }

void ThrowInvalid(Napi::Env env, const std::string& message) {
  Throw(env, Status::Make(Code::kInvalidArgument, message));
}

uint64_t ReadU64(const Napi::Value& v, const char* name) {
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (d >= 0 && d <= kMaxSafe && std::floor(d) == d) return static_cast<uint64_t>(d);
  } else if (v.IsBigInt()) {
    bool lossless = false;
    uint64_t u = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (lossless) return u;
  }
  ThrowInvalid(v.Env(), std::string(name) + " must be an unsigned 64-bit integer (safe number or bigint)");
}

int64_t ReadI64(const Napi::Value& v, const char* name) {
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::fabs(d) <= kMaxSafe && std::floor(d) == d) return static_cast<int64_t>(d);
  } else if (v.IsBigInt()) {
    bool lossless = false;
    int64_t i = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (lossless) return i;
  }
  ThrowInvalid(v.Env(), std::string(name) + " must be a signed 64-bit integer (safe number or bigint)");
}

uint32_t ReadU32(const Napi::Value& v, const char* name) {
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (d >= 0 && d <= 4294967295.0 && std::floor(d) == d) return static_cast<uint32_t>(d);
  }
  ThrowInvalid(v.Env(), std::string(name) + " must be an integer in [0, 2^32-1]");
}

bool ReadBool(const Napi::Value& v, const char* name) {
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value();
  ThrowInvalid(v.Env(), std::string(name) + " must be a boolean");
}

std::string ReadBytes(const Napi::Value& v, const std::string& name) {
  if (v.IsString()) return v.As<Napi::String>().Utf8Value();
  if (v.IsTypedArray()) {
    Napi::TypedArray a = v.As<Napi::TypedArray>();
    const char* base = static_cast<const char*>(a.ArrayBuffer().Data());
    return std::string(base ? base + a.ByteOffset() : "", a.ByteLength());
  }
  ThrowInvalid(v.Env(), name + " must be a string, Buffer or Uint8Array");
}

std::string ReadCfName(const Napi::Value& v, const char* name) {
  if (v.IsString()) {
    std::string cf = v.As<Napi::String>().Utf8Value();
    if (CfIndex(cf) >= 0) return cf;
  }
  ThrowInvalid(v.Env(), std::string(name) + " must be one of " + CfNameList());
}

Napi::Value BytesToJs(Napi::Env env, const std::string& bytes, bool as_string) {
  if (as_string) return Napi::String::New(env, bytes.data(), bytes.size());
  return Napi::Buffer<char>::Copy(env, bytes.data(), bytes.size());
}

long FirstNonFinite(const float* data, size_t n) {
  // Branch-free accumulation lets the compiler vectorise the common all-finite case.
  bool bad = false;
  for (size_t i = 0; i < n; ++i) bad |= !std::isfinite(data[i]);
  if (!bad) return -1;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(data[i])) return static_cast<long>(i);
  }
  return -1;
}

std::string NotFiniteMessage(const std::string& name, long index) {
  return name + "[" + std::to_string(index) + "] is not finite (NaN and Infinity are refused)";
}

void ReadVector(const Napi::Value& v, const std::string& name, std::vector<float>* out) {
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "on-disk vectors are little-endian f32");
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    ThrowInvalid(v.Env(), name + " must be a Float32Array");
  }
  Napi::Float32Array arr = v.As<Napi::Float32Array>();
  const size_t n = arr.ElementLength();
  if (n == 0) ThrowInvalid(v.Env(), name + " is empty (or its buffer was detached)");
  const float* data = arr.Data();
  out->assign(data, data + n);
  // The copy, not JS memory: JS cannot change what was checked before it is written.
  long bad = FirstNonFinite(out->data(), n);
  if (bad >= 0) {
    ThrowInvalid(v.Env(), NotFiniteMessage(name, bad));
  }
}

IntColumn::IntColumn(const Napi::Value& v, bool is_signed, const char* name) {
  if (v.IsTypedArray()) {
    Napi::TypedArray t = v.As<Napi::TypedArray>();
    const void* data = static_cast<const uint8_t*>(t.ArrayBuffer().Data()) + t.ByteOffset();
    n_ = t.ElementLength();
    switch (t.TypedArrayType()) {
      case napi_float64_array: f64_ = static_cast<const double*>(data); return;
      case napi_biguint64_array: if (!is_signed) { u64_ = static_cast<const uint64_t*>(data); return; } break;
      case napi_bigint64_array: if (is_signed) { i64_ = static_cast<const int64_t*>(data); return; } break;
      default: break;
    }
  }
  ThrowInvalid(v.Env(), std::string(name) + (is_signed ? " must be a Float64Array or BigInt64Array"
                                                       : " must be a Float64Array or BigUint64Array"));
}

bool IntColumn::Unsigned(size_t i, uint64_t* out) const {
  if (u64_) { *out = u64_[i]; return true; }
  const double d = f64_[i];
  if (!(d >= 0 && d <= kMaxSafe && std::floor(d) == d)) return false;
  *out = static_cast<uint64_t>(d);
  return true;
}

bool IntColumn::Signed(size_t i, int64_t* out) const {
  if (i64_) { *out = i64_[i]; return true; }
  const double d = f64_[i];
  if (!(std::fabs(d) <= kMaxSafe && std::floor(d) == d)) return false;
  *out = static_cast<int64_t>(d);
  return true;
}

const float* FloatData(const Napi::Value& v, const char* name, size_t* length) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    ThrowInvalid(v.Env(), std::string(name) + " must be a Float32Array");
  }
  Napi::Float32Array a = v.As<Napi::Float32Array>();
  *length = a.ElementLength();
  return a.Data();
}

Status CloseStore(StoreBox& box) {
  Status st = box.store->Close();
  if (box.writer) box.writer->Stop();
  return st;
}

Napi::Object WrapStore(Napi::Env env, std::unique_ptr<Store> store) {
  Napi::Object handle = Napi::Object::New(env);
  auto* box = new StoreBox{std::move(store), env, false, nullptr};
  napi_status st = napi_wrap(env, handle, box, FinalizeBox, nullptr, nullptr);
  if (st != napi_ok) {
    delete box;
    NAPI_THROW_IF_FAILED(env, st, handle);
  }
  NAPI_THROW_IF_FAILED(env, napi_type_tag_object(env, handle, &kStoreTag), handle);
  // Before the cleanup hook, so the hook runs before Node tears the writer's thread-safe
  // function down (writer.h). A read-only store has no writes to run.
  if (!box->store->options().read_only) box->writer = Writer::Start(env);
  if (box->writer) {
    auto& writers = env.GetInstanceData<AddonData>()->writers;
    writers.erase(std::remove_if(writers.begin(), writers.end(), [](const auto& w) { return w.expired(); }),
                  writers.end());
    writers.push_back(box->writer);
  }
  if (napi_add_env_cleanup_hook(env, CleanupHook, box) == napi_ok) box->cleanup_hook = true;
  return handle;
}

StoreBox* StoreBoxOf(const Napi::Value& handle) {
  Napi::Env env = handle.Env();
  bool tagged = false;
  if (handle.IsObject()) napi_check_object_type_tag(env, handle, &kStoreTag, &tagged);
  if (!tagged) return nullptr;
  void* p = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_unwrap(env, handle, &p), nullptr);
  return static_cast<StoreBox*>(p);
}

StoreBox* UnwrapStore(const Napi::Value& handle) {
  StoreBox* box = StoreBoxOf(handle);
  if (!box) ThrowInvalid(handle.Env(), "handle is not a cvx-storage store handle");
  return box;
}

uint32_t ReadFlags(const Napi::Value& v, uint32_t allowed, const char* name) {
  const uint32_t bits = ReadU32(v, name);
  if (bits & ~allowed) ThrowInvalid(v.Env(), std::string(name) + " has bits this call does not take");
  return bits;
}

void RegisterFlags(Napi::Env env, Napi::Object exports) {
  Napi::Object flags = Napi::Object::New(env);
#define CVX_FLAG_EXPORT(id, name, bit) flags.Set(name, Napi::Number::New(env, id));
  CVX_FLAGS(CVX_FLAG_EXPORT)
#undef CVX_FLAG_EXPORT
  flags.Freeze();
  exports.Set("flags", flags);
}

}  // namespace cvx
