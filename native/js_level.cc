// Exports behind the abstract-level adapter (lib/level.ts) and HotStore.entities(): raw
// get/getMany/write/clear on one column family, and iterator handles. An iterator handle
// is type-tagged and shares ownership of the Store; its Cursor is tracked by the Store so
// close() frees it before RocksDB closes, and each step is an admitted operation (a Job),
// so close() also waits for a step that is running.
#include "cursor.h"
#include "flags.h"
#include "job.h"
#include "js_register.h"
#include "raw.h"

namespace cvx {
namespace {

const napi_type_tag kIteratorTag = {0x6376785f69746572ULL, 0x61746f725f763031ULL};

struct IteratorBox {
  std::shared_ptr<Store> store;
  std::shared_ptr<ReadSnapshot> view;  // the read view it reads, kept for the iterator's life
  std::unique_ptr<Cursor> cursor;
};

void FinalizeIterator(napi_env, void* data, void*) {
  auto* box = static_cast<IteratorBox*>(data);
  box->store->ReleaseResource(box->cursor.get());
  delete box;
}

IteratorBox* UnwrapIterator(const Napi::Value& handle) {
  Napi::Env env = handle.Env();
  bool tagged = false;
  if (handle.IsObject()) napi_check_object_type_tag(env, handle, &kIteratorTag, &tagged);
  if (!tagged) ThrowInvalid(env, "iterator is not a cvx-storage iterator handle");
  void* p = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_unwrap(env, handle, &p), nullptr);
  return static_cast<IteratorBox*>(p);
}

std::optional<std::string> ReadBound(Napi::Object o, const char* key) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return std::nullopt;
  return ReadBytes(v, std::string("options.") + key);
}

CursorRange ReadRange(const Napi::Value& v) {
  CursorRange r;
  if (!v.IsObject()) ThrowInvalid(v.Env(), "options must be an object");
  Napi::Object o = v.As<Napi::Object>();
  r.gt = ReadBound(o, "gt");
  r.gte = ReadBound(o, "gte");
  r.lt = ReadBound(o, "lt");
  r.lte = ReadBound(o, "lte");
  Napi::Value rev = o.Get("reverse");
  r.reverse = rev.IsUndefined() ? false : ReadBool(rev, "options.reverse");
  return r;
}

// (store or read view, cf, range) → iterator handle. Synchronous: the snapshot must be taken before
// any write the caller makes after creating the iterator.
Napi::Value IteratorCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ReadTarget target = UnwrapTarget(info[0], true);
  std::string cf_name = ReadCfName(info[1], "columnFamily");
  CursorRange range = ReadRange(info[2]);
  Store& s = *target.store;
  Admission admission(env, s);
  rocksdb::ColumnFamilyHandle* cf = s.CfByName(cf_name);
  if (cf == s.system_cf()) range.hidden_prefix = kReservedPrefix;
  auto box = std::make_unique<IteratorBox>();
  box->store = target.owner();
  box->view = target.view;
  box->cursor = std::make_unique<Cursor>(s, cf, std::move(range), target.view ? target.view->get() : nullptr);
  Status st = s.Track(box->cursor.get());
  if (!st.ok()) Throw(env, st);  // ~Cursor releases what it took
  Napi::Object handle = Napi::Object::New(env);
  IteratorBox* raw = box.get();
  napi_status ns = napi_wrap(env, handle, raw, FinalizeIterator, nullptr, nullptr);
  if (ns != napi_ok) {
    s.ReleaseResource(raw->cursor.get());
    NAPI_THROW_IF_FAILED(env, ns, handle);
  }
  box.release();  // owned by the handle from here
  NAPI_THROW_IF_FAILED(env, napi_type_tag_object(env, handle, &kIteratorTag), handle);
  return handle;
}

IteratorBox* IteratorOf(const Napi::CallbackInfo& info) {
  IteratorBox* box = UnwrapIterator(info[1]);
  if (box->store.get() != UnwrapTarget(info[0], true).store) {
    ThrowInvalid(info.Env(), "iterator belongs to another store");
  }
  return box;
}

// (store or the view it was made from, iterator, size, maxBytes, flags: kKeys | kValues | kKeysAsString | kValuesAsString)
//   → [flat entries, ended]: [k0, v0, k1, v1, …], or only keys / only values.
struct IteratorNextJob : ViewRead {  // its cursor holds the view's snapshot itself
  static constexpr const char* kName = "cvx.iteratorNext";
  static constexpr Hooks kHooks = Hooks::kNone;
  Napi::ObjectReference keep;  // the iterator handle stays alive while the job is queued
  Cursor* cursor;
  size_t size, max_bytes;
  bool want_keys, want_values, keys_str, values_str;
  std::vector<std::string> keys, values;
  bool ended = false;

  explicit IteratorNextJob(const Napi::CallbackInfo& info) {
    IteratorBox* box = IteratorOf(info);
    keep = Napi::Persistent(info[1].As<Napi::Object>());
    cursor = box->cursor.get();
    size = ReadU32(info[2], "size");
    max_bytes = ReadU32(info[3], "maxBytes");
    const uint32_t flags = ReadFlags(info[4], kKeys | kValues | kKeysAsString | kValuesAsString, "flags");
    want_keys = flags & kKeys;
    want_values = flags & kValues;
    keys_str = flags & kKeysAsString;
    values_str = flags & kValuesAsString;
    if (size == 0) ThrowInvalid(info.Env(), "size must be at least 1");
  }
  Status Run(Store&) { return cursor->Next(size, max_bytes ? max_bytes : SIZE_MAX, want_keys, want_values, &keys, &values, &ended); }
  Napi::Value Result(Napi::Env env) {
    const size_t n = want_keys ? keys.size() : values.size();
    const size_t per = (want_keys ? 1 : 0) + (want_values ? 1 : 0);
    Napi::Array flat = Napi::Array::New(env, n * per);
    uint32_t j = 0;
    for (size_t i = 0; i < n; ++i) {
      if (want_keys) flat.Set(j++, BytesToJs(env, keys[i], keys_str));
      if (want_values) flat.Set(j++, BytesToJs(env, values[i], values_str));
    }
    Napi::Array out = Napi::Array::New(env, 2);
    out.Set(0u, flat);
    out.Set(1u, Napi::Boolean::New(env, ended));
    return out;
  }
};

// (store, iterator, target)
Napi::Value IteratorSeek(const Napi::CallbackInfo& info) {
  IteratorBox* box = IteratorOf(info);
  std::string target = ReadBytes(info[2], "target");
  Status st;
  {
    Admission admission(info.Env(), *box->store);
    st = box->cursor->Seek(target);
  }
  if (!st.ok()) Throw(info.Env(), st);
  return info.Env().Undefined();
}

// (iterator) Frees the RocksDB iterator and snapshot now. Idempotent; fine after close.
Napi::Value IteratorClose(const Napi::CallbackInfo& info) {
  IteratorBox* box = UnwrapIterator(info[0]);
  box->store->ReleaseResource(box->cursor.get());
  return info.Env().Undefined();
}

// (store, cf, key | keys[], flags: kValuesAsString) → value | undefined, or an array of them.
struct RawGetJob {
  static constexpr const char* kName = "cvx.rawGet";
  static constexpr Hooks kHooks = Hooks::kNone;
  std::string cf;
  bool many;
  bool as_string;
  std::vector<std::string> keys;
  std::vector<std::optional<std::string>> values;

  explicit RawGetJob(const Napi::CallbackInfo& info) {
    cf = ReadCfName(info[1], "columnFamily");
    many = info[2].IsArray();
    if (many) {
      Napi::Array a = info[2].As<Napi::Array>();
      keys.reserve(a.Length());
      for (uint32_t i = 0; i < a.Length(); ++i) keys.push_back(ReadBytes(a.Get(i), "keys[" + std::to_string(i) + "]"));
    } else {
      keys.push_back(ReadBytes(info[2], "key"));
    }
    as_string = ReadFlags(info[3], kValuesAsString, "flags") & kValuesAsString;
  }
  Status Run(Store& s) { return RawGetMany(s, s.CfByName(cf), keys, &values); }
  Napi::Value Result(Napi::Env env) {
    auto one = [&](size_t i) -> Napi::Value {
      return values[i] ? BytesToJs(env, *values[i], as_string) : env.Undefined();
    };
    if (!many) return one(0);
    Napi::Array out = Napi::Array::New(env, values.size());
    for (size_t i = 0; i < values.size(); ++i) out.Set(static_cast<uint32_t>(i), one(i));
    return out;
  }
};

// (store, cf, puts: boolean[], keys[], values[]) — one atomic WriteBatch; values[i] is
// ignored where puts[i] is false. Every key is checked before anything is written.
struct RawWriteJob {
  static constexpr const char* kName = "cvx.rawWrite";
  static constexpr Hooks kHooks = Hooks::kNone;
  std::string cf;
  std::vector<RawOp> ops;

  explicit RawWriteJob(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    cf = ReadCfName(info[1], "columnFamily");
    if (!info[2].IsArray() || !info[3].IsArray() || !info[4].IsArray()) {
      ThrowInvalid(env, "rawWrite expects arrays of kinds, keys and values");
    }
    Napi::Array puts = info[2].As<Napi::Array>(), keys = info[3].As<Napi::Array>(), vals = info[4].As<Napi::Array>();
    if (keys.Length() != puts.Length() || vals.Length() != puts.Length()) {
      ThrowInvalid(env, "rawWrite: kinds, keys and values must have the same length");
    }
    ops.resize(puts.Length());
    for (uint32_t i = 0; i < puts.Length(); ++i) {
      const std::string at = puts.Length() == 1 ? "" : "[" + std::to_string(i) + "]";
      ops[i].put = ReadBool(puts.Get(i), "kind");
      ops[i].key = ReadBytes(keys.Get(i), "key" + at);
      if (ops[i].put) ops[i].value = ReadBytes(vals.Get(i), "value" + at);
    }
  }
  Status Run(Store& s) {
    rocksdb::ColumnFamilyHandle* handle = s.CfByName(cf);
    for (size_t i = 0; i < ops.size(); ++i) {
      Status st = CheckRawWrite(s, handle, ops[i].key, ops.size() == 1 ? "key" : "operations[" + std::to_string(i) + "].key");
      if (!st.ok()) return st;
    }
    return RawWrite(s, handle, ops);
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }
};

// (store, cf, range, limit (0 = all))
struct RawClearJob {
  static constexpr const char* kName = "cvx.rawClear";
  static constexpr Hooks kHooks = Hooks::kNone;
  std::string cf;
  CursorRange range;
  uint64_t limit;

  explicit RawClearJob(const Napi::CallbackInfo& info)
      : cf(ReadCfName(info[1], "columnFamily")), range(ReadRange(info[2])), limit(ReadU64(info[3], "options.limit")) {}
  Status Run(Store& s) { return RawClear(s, s.CfByName(cf), range, limit); }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }
};

}  // namespace

void RegisterLevel(Napi::Env env, Napi::Object exports) {
  exports.Set("iterator", Napi::Function::New(env, IteratorCreate, "iterator"));
  ExportJob<IteratorNextJob>(env, exports, "iteratorNext");
  exports.Set("iteratorSeek", Napi::Function::New(env, IteratorSeek, "iteratorSeek"));
  exports.Set("iteratorClose", Napi::Function::New(env, IteratorClose, "iteratorClose"));
  ExportJob<RawGetJob>(env, exports, "rawGet");
  exports.Set("rawWrite", Napi::Function::New(env, CallAsync<RawWriteJob>, "rawWrite"));
  exports.Set("rawClear", Napi::Function::New(env, CallAsync<RawClearJob>, "rawClear"));
}

}  // namespace cvx
