// Store lifetime and introspection exports: open/close (sync and async), the error
// factory registration, and the RocksDB introspection that tests and stats() read
// (tickers, properties, flush).
#include <rocksdb/db.h>

#include "job.h"
#include "js_register.h"

namespace cvx {
namespace {

struct OpenArgs {
  std::string path;
  OpenOptions opts;
};

OpenArgs ReadOpenArgs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) ThrowInvalid(env, "path must be a string");
  OpenArgs a;
  a.path = info[0].As<Napi::String>().Utf8Value();
  if (info[1].IsObject()) {
    Napi::Object o = info[1].As<Napi::Object>();
    a.opts.create_if_missing = ReadBool(o.Get("createIfMissing"), "options.createIfMissing");
    a.opts.read_only = ReadBool(o.Get("readOnly"), "options.readOnly");
    a.opts.sync = ReadBool(o.Get("sync"), "options.sync");
    a.opts.keyframe_interval = ReadU32(o.Get("keyframeInterval"), "options.keyframeInterval");
    a.opts.salvage = ReadBool(o.Get("salvage"), "options.salvage");
    a.opts.follower = ReadBool(o.Get("follower"), "options.follower");
    Napi::Value dir = o.Get("followerDir");
    if (!dir.IsString()) ThrowInvalid(env, "options.followerDir must be a string");
    a.opts.follower_dir = dir.As<Napi::String>().Utf8Value();
    a.opts.wal_ttl_seconds = ReadU64(o.Get("walTtlSeconds"), "options.walTtlSeconds");
    a.opts.wal_size_limit_mb = ReadU64(o.Get("walSizeLimitMB"), "options.walSizeLimitMB");
  }
  return a;
}

Napi::Value OpenSync(const Napi::CallbackInfo& info) {
  OpenArgs a = ReadOpenArgs(info);
  std::unique_ptr<Store> store;
  Status st = Store::Open(a.path, a.opts, &store);
  if (!st.ok()) Throw(info.Env(), st);
  return WrapStore(info.Env(), std::move(store));
}

class OpenWorker : public Napi::AsyncWorker {
 public:
  OpenWorker(Napi::Env env, OpenArgs args)
      : Napi::AsyncWorker(env, "cvx.open"), deferred_(Napi::Promise::Deferred::New(env)), args_(std::move(args)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    status_ = Guarded([&] { return Store::Open(args_.path, args_.opts, &store_); });
  }
  void OnOK() override {
    if (!status_.ok()) {
      deferred_.Reject(MakeError(Env(), status_).Value());
      return;
    }
    try {
      deferred_.Resolve(WrapStore(Env(), std::move(store_)));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  OpenArgs args_;
  std::unique_ptr<Store> store_;
  Status status_;
};

Napi::Value Open(const Napi::CallbackInfo& info) {
  auto* w = new OpenWorker(info.Env(), ReadOpenArgs(info));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value CloseSync(const Napi::CallbackInfo& info) {
  Status st = CloseStore(*UnwrapStore(info[0]));
  if (!st.ok()) Throw(info.Env(), st);
  return info.Env().Undefined();
}

// Waits on the pool, not the main thread: libuv's queue is FIFO, so every job admitted
// before close() was dequeued before this one and the wait cannot starve them.
class CloseWorker : public Napi::AsyncWorker {
 public:
  CloseWorker(Napi::Env env, Napi::Object handle, StoreBox* box)
      : Napi::AsyncWorker(env, "cvx.close"), deferred_(Napi::Promise::Deferred::New(env)),
        handle_(Napi::Persistent(handle)), box_(box) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override { status_ = Guarded([&] { return CloseStore(*box_); }); }
  void OnOK() override {
    if (status_.ok()) deferred_.Resolve(Env().Undefined());
    else deferred_.Reject(MakeError(Env(), status_).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference handle_;  // keeps the box alive until the close completes
  StoreBox* box_;
  Status status_;
};

Napi::Value Close(const Napi::CallbackInfo& info) {
  StoreBox* box = UnwrapStore(info[0]);
  box->store->BeginClose();  // refuse new work from this moment, not from when the pool gets here
  auto* w = new CloseWorker(info.Env(), info[0].As<Napi::Object>(), box);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// A follower's catch-up (Store::CatchUp) → whether its view moved. Admitted like any operation,
// so close() waits for it, but outside the read gate, which the catch-up takes exclusively.
Napi::Value CatchUpSync(const Napi::CallbackInfo& info) {
  Store& s = *UnwrapStore(info[0])->store;
  Status st = s.Enter(false);
  bool moved = false;
  if (st.ok()) {
    st = Guarded([&] { return s.CatchUp(&moved); });
    s.Leave(false);
  }
  if (!st.ok()) Throw(info.Env(), st);
  return Napi::Boolean::New(info.Env(), moved);
}

class CatchUpWorker : public Napi::AsyncWorker {
 public:
  CatchUpWorker(Napi::Env env, Napi::Object handle, std::shared_ptr<Store> store)
      : Napi::AsyncWorker(env, "cvx.catchUp"), deferred_(Napi::Promise::Deferred::New(env)),
        handle_(Napi::Persistent(handle)), store_(std::move(store)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    status_ = Guarded([&] { return store_->CatchUp(&moved_); });
    store_->Leave(false);
  }
  void OnOK() override {
    if (status_.ok()) deferred_.Resolve(Napi::Boolean::New(Env(), moved_));
    else deferred_.Reject(MakeError(Env(), status_).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference handle_;  // keeps the store's handle alive while the catch-up runs
  std::shared_ptr<Store> store_;
  bool moved_ = false;
  Status status_;
};

Napi::Value CatchUp(const Napi::CallbackInfo& info) {
  StoreBox* box = UnwrapStore(info[0]);
  Status st = box->store->Enter(false);  // on the main thread: close() waits for this one
  if (!st.ok()) Throw(info.Env(), st);
  auto* w = new CatchUpWorker(info.Env(), info[0].As<Napi::Object>(), box->store);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// At process 'exit' (lib/binding.ts): lets every writer thread of this env finish the writes it
// was given and end, before the process's static destructors run (writer.h).
Napi::Value QuiesceWriters(const Napi::CallbackInfo& info) {
  for (const auto& weak : info.Env().GetInstanceData<AddonData>()->writers) {
    if (auto w = weak.lock()) w->Quiesce();
  }
  return info.Env().Undefined();
}

Napi::Value IsOpen(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), UnwrapStore(info[0])->store->IsOpen());
}

// Runs f(store) inside an admission, for the small synchronous introspection calls.
template <class F>
Napi::Value WithStore(const Napi::CallbackInfo& info, F&& f) {
  Store& s = *UnwrapStore(info[0])->store;
  Admission admission(info.Env(), s);
  return f(s);
}

Napi::Value Property(const Napi::CallbackInfo& info) {
  return WithStore(info, [&](Store& s) -> Napi::Value {
    rocksdb::ColumnFamilyHandle* cf = s.CfByName(ReadCfName(info[1], "columnFamily"));
    if (!info[2].IsString()) ThrowInvalid(info.Env(), "property must be a string");
    std::string value;
    if (!s.db()->GetProperty(cf, info[2].As<Napi::String>().Utf8Value(), &value)) return info.Env().Undefined();
    return Napi::String::New(info.Env(), value);
  });
}

Napi::Value Tickers(const Napi::CallbackInfo& info) {
  return WithStore(info, [&](Store& s) -> Napi::Value {
    Napi::Object out = Napi::Object::New(info.Env());
    for (const auto& [name, count] : s.Tickers()) out.Set(name, Napi::Number::New(info.Env(), double(count)));
    return out;
  });
}

Napi::Value Flush(const Napi::CallbackInfo& info) {
  return WithStore(info, [&](Store& s) -> Napi::Value {
    Status st = s.ResumeBeforeFlush("flush");
    if (!st.ok()) Throw(info.Env(), st);
    rocksdb::FlushOptions fo;
    fo.wait = true;
    st = Status::FromRocks(
        s.db()->Flush(fo, {s.system_cf(), s.vectors_cf(), s.timelines_cf()}), "flush");
    if (!st.ok()) Throw(info.Env(), st);
    return info.Env().Undefined();
  });
}

Napi::Value SetErrorFactory(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) ThrowInvalid(info.Env(), "error factory must be a function");
  AddonData* data = info.Env().GetInstanceData<AddonData>();
  data->error_factory = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

}  // namespace

void RegisterLifetime(Napi::Env env, Napi::Object exports) {
  exports.Set("openSync", Napi::Function::New(env, OpenSync, "openSync"));
  exports.Set("open", Napi::Function::New(env, Open, "open"));
  exports.Set("closeSync", Napi::Function::New(env, CloseSync, "closeSync"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("isOpen", Napi::Function::New(env, IsOpen, "isOpen"));
  exports.Set("catchUpSync", Napi::Function::New(env, CatchUpSync, "catchUpSync"));
  exports.Set("catchUp", Napi::Function::New(env, CatchUp, "catchUp"));
  exports.Set("property", Napi::Function::New(env, Property, "property"));
  exports.Set("tickers", Napi::Function::New(env, Tickers, "tickers"));
  exports.Set("flush", Napi::Function::New(env, Flush, "flush"));
  exports.Set("setErrorFactory", Napi::Function::New(env, SetErrorFactory, "setErrorFactory"));
  exports.Set("quiesceWriters", Napi::Function::New(env, QuiesceWriters, "quiesceWriters"));
}

}  // namespace cvx
