// How every operation crosses the boundary, once. A Job is built on the main thread from
// the JS arguments (copying what it needs, so no JS memory is touched later), Run() does the
// engine work, Result() shapes the answer. CallSync runs it inline; CallAsync runs it as a
// libuv pool job:
//   main thread: parse args → Store::Enter() → queue
//   pool thread: Run() (no Node-API; C++ exceptions become a status) → Store::Leave()  [finally]
//   main thread: resolve with Result() or reject with the error made from the status
// Leaving the store inside Execute, not in the completion callback, is what lets close()
// and the env cleanup hook wait on a condition variable without needing the event loop.
#pragma once
#include <napi.h>

#include <exception>
#include <memory>
#include <type_traits>
#include <string>
#include <utility>

#include "js_support.h"

namespace cvx {

// Runs an engine step, turning any C++ exception into a status (never into a crash).
template <class Step>
Status Guarded(Step&& step) {
  try {
    return step();
  } catch (const std::bad_alloc&) {
    return Status::Make(Code::kIo, "out of memory");
  } catch (const std::exception& e) {
    return Status::Make(Code::kIo, std::string("internal error: ") + e.what());
  } catch (...) {
    return Status::Make(Code::kIo, "internal error");
  }
}

template <class Job>
Status RunGuarded(Job& job, Store& store) {
  return Guarded([&] { return job.Run(store); });
}

// Settles an async call's promise: rejected with the status's error, or resolved with the
// job's result (rejected instead if shaping it throws).
template <class Job>
void Settle(Napi::Env env, const Napi::Promise::Deferred& deferred, const Status& st, Job& job) {
  if (!st.ok()) {
    deferred.Reject(MakeError(env, st).Value());
    return;
  }
  try {
    deferred.Resolve(job.Result(env));
  } catch (const Napi::Error& e) {
    deferred.Reject(e.Value());
  }
}

// A Job may hold data pinned inside RocksDB (no copy) and copy it out in Detach(), which
// the async path calls before leaving the store; sync calls shape the result from the pin
// while still inside the store, so a concurrent close cannot free what it points to. Such a
// Job also has Unpin(), which every path calls before it leaves the store.
template <class Job, class = void>
struct HasDetach : std::false_type {};
template <class Job>
struct HasDetach<Job, std::void_t<decltype(std::declval<Job&>().Detach())>> : std::true_type {};

// Leaves the store when destroyed (unless dismissed), releasing the job's pin first: once
// the store is left, a close() on another thread may free what the pin points into.
template <class Job>
struct Admitted {
  Store* store;
  Job& job;
  ~Admitted() {
    if (!store) return;
    if constexpr (HasDetach<Job>::value) job.Unpin();
    store->Leave();
  }
};

// A Job may answer an async call on the calling thread when it can do so from memory alone:
// TryInline() sets *answered when it did (its status is then the call's), and the promise
// settles without the pool round trip (tens of microseconds here). It must never wait on the disk, or it would
// block the event loop; Result() is shaped while still inside the store, as for sync calls.
template <class Job, class = void>
struct HasTryInline : std::false_type {};
template <class Job>
struct HasTryInline<Job, std::void_t<decltype(std::declval<Job&>().TryInline(std::declval<Store&>(),
                                                                               std::declval<bool*>()))>>
    : std::true_type {};

// A Job may have a RunSync(env, store) that CallSync uses instead of Run(): on the main
// thread it may make JS memory and write its result there directly (a range scans straight
// into the Float32Array it returns).
template <class Job, class = void>
struct HasRunSync : std::false_type {};
template <class Job>
struct HasRunSync<Job, std::void_t<decltype(std::declval<Job&>().RunSync(std::declval<Napi::Env>(),
                                                                           std::declval<Store&>()))>>
    : std::true_type {};

template <class Job>
Napi::Value CallSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Store& store = *UnwrapStore(info[0])->store;
  Job job(info);
  Status st = store.Enter();
  if (!st.ok()) Throw(env, st);
  Admitted<Job> admitted{&store, job};
  if constexpr (HasRunSync<Job>::value) {
    st = Guarded([&] { return job.RunSync(env, store); });
  } else {
    st = RunGuarded(job, store);
  }
  if (!st.ok()) Throw(env, st);
  return job.Result(env);
}

// The async runners' engine step (pool or writer thread): run, copy out or drop any pin,
// leave the store. Leaving here rather than in the completion lets close() wait without the
// event loop.
template <class Job>
Status RunAndLeave(Job& job, Store& store) {
  Status st = RunGuarded(job, store);
  if constexpr (HasDetach<Job>::value) {
    if (st.ok()) job.Detach();
    else job.Unpin();  // a failed run may have pinned before it failed
  }
  store.Leave();
  return st;
}

template <class Job>
class JobWorker : public Napi::AsyncWorker {
 public:
  JobWorker(Napi::Env env, Napi::Object handle, Store* store, Job&& job)
      : Napi::AsyncWorker(env, Job::kName), deferred_(Napi::Promise::Deferred::New(env)),
        handle_(Napi::Persistent(handle)), store_(store), job_(std::move(job)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override { status_ = RunAndLeave(job_, *store_); }

  void OnOK() override { Settle(Env(), deferred_, status_, job_); }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference handle_;  // keeps the store alive while the job is in flight
  Store* store_;
  Job job_;
  Status status_;
};

// A write Job (static constexpr bool kWrite = true) runs on its store's writer thread
// (writer.h) instead of the pool: same lifecycle, one thread per store, in issue order.
template <class Job, class = void>
struct IsWrite : std::false_type {};
template <class Job>
struct IsWrite<Job, std::enable_if_t<Job::kWrite>> : std::true_type {};

template <class Job>
class WriterJob : public WriteTask {
 public:
  WriterJob(Napi::Env env, Napi::Object handle, Store* store, Job&& job)
      : deferred_(Napi::Promise::Deferred::New(env)), store_(store), job_(std::move(job)) {
    // Keeps the store's handle alive until Complete(). A raw reference, deleted only there: a
    // task whose env is gone is freed without any Node-API call (writer.h).
    NAPI_THROW_IF_FAILED_VOID(env, napi_create_reference(env, handle, 1, &handle_));
  }
  Napi::Promise Promise() const { return deferred_.Promise(); }
  void Execute() override { status_ = RunAndLeave(job_, *store_); }
  void Complete(Napi::Env env) override {
    napi_delete_reference(env, handle_);
    try {
      Settle(env, deferred_, status_, job_);
    } catch (...) {
      // Making the error itself failed (the JS error factory threw): the caller must not wait forever.
      deferred_.Reject(Napi::Error::New(env, "cvx-storage: internal error settling a write").Value());
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  napi_ref handle_ = nullptr;
  Store* store_;
  Job job_;
  Status status_;
};

template <class Job>
Napi::Value CallAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object handle = info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
  StoreBox* box = UnwrapStore(info[0]);
  Store* store = box->store.get();
  Job job(info);
  Status st = store->Enter();
  if (!st.ok()) Throw(env, st);
  if constexpr (HasTryInline<Job>::value) {
    Admitted<Job> admitted{store, job};
    bool answered = false;
    const Status inline_st = Guarded([&] { return job.TryInline(*store, &answered); });
    if (answered || !inline_st.ok()) {  // an exception is an answer too
      Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
      Settle(env, deferred, inline_st, job);
      return deferred.Promise();
    }
    admitted.store = nullptr;  // still entered: the pool job leaves, after Detach()
    if constexpr (HasDetach<Job>::value) job.Unpin();  // nothing of the memory-only attempt is kept
  }
  try {
    if constexpr (IsWrite<Job>::value) {
      if (box->writer) {
        auto task = std::make_unique<WriterJob<Job>>(env, handle, store, std::move(job));
        Napi::Promise promise = task->Promise();
        box->writer->Post(env, std::move(task));
        return promise;
      }
    }
    auto* worker = new JobWorker<Job>(env, handle, store, std::move(job));
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  } catch (...) {
    store->Leave();
    throw;
  }
}

// Exports a Job as `name` (returns a Promise) and `nameSync`, the two forms every data
// operation has.
template <class Job>
void ExportJob(Napi::Env env, Napi::Object exports, const std::string& name) {
  exports.Set(name, Napi::Function::New(env, CallAsync<Job>, name));
  exports.Set(name + "Sync", Napi::Function::New(env, CallSync<Job>, name + "Sync"));
}

}  // namespace cvx
