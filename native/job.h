// How every operation crosses the boundary, once. A Job is built on the main thread from
// the JS arguments (copying what it needs, so no JS memory is touched later), Run() does the
// engine work, Result() shapes the answer. CallSync runs it inline; CallAsync runs it as a
// libuv pool job:
//   main thread: parse args → Store::Enter() (an Admission, js_support.h) → queue
//   pool thread: Run() (no Node-API; C++ exceptions become a status) → Store::Leave()  [finally]
//   main thread: resolve with Result() or reject with the error made from the status
// Leaving the store inside Execute, not in the completion callback, is what lets close()
// and the env cleanup hook wait on a condition variable without needing the event loop.
#pragma once
#include <napi.h>

#include <exception>
#include <memory>
#include <string>
#include <type_traits>
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

// A read that may run on a read view (HotStore.snapshot(), snapshot.h). A read Job derives from
// it and passes `snapshot` to the engine; the runners set it, and keep the view's RocksDB
// snapshot alive for as long as the Job lives, before the Job runs. nullptr reads the latest
// state. The runners refuse a view's handle for any Job that does not derive from it.
struct ViewRead {
  const rocksdb::Snapshot* snapshot = nullptr;
  std::shared_ptr<ReadSnapshot> view;
};
template <class Job>
constexpr bool kReadsViews = std::is_base_of_v<ViewRead, Job>;

// The Job's read target: the store or view its first argument names (UnwrapTarget).
template <class Job>
ReadTarget TargetOf(const Napi::CallbackInfo& info) {
  return UnwrapTarget(info[0], kReadsViews<Job>);
}
template <class Job>
void AttachView(Job& job, const ReadTarget& target) {
  if constexpr (kReadsViews<Job>) {
    job.view = target.view;
    job.snapshot = target.view ? target.view->get() : nullptr;
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

// What a Job may have beyond kName, its constructor (reading the JS arguments), Run() and
// Result(). Each Job declares the hooks it has, `static constexpr Hooks kHooks = …` (kNone for
// none), and JobHooks checks at compile time that the declaration and the members agree both
// ways, so a misspelt hook is an error instead of silently changing what runs.
//   kPins      void Detach(), void Unpin(): the Job may hold data pinned inside RocksDB (no
//              copy). The async path calls Detach() (copy it out) before leaving the store;
//              sync calls shape the result from the pin while still inside the store, so a
//              concurrent close cannot free what it points to. Every path calls Unpin() before
//              it leaves the store.
//   kTryInline Status TryInline(Store&, bool* answered): the Job may answer an async call on
//              the calling thread when it can do so from memory (memtables, block cache, or the
//              OS page cache inside a NoWaitScope, nowait_fs.h); *answered says it did (its
//              status is then the call's), and the promise settles without the pool round trip
//              (tens of microseconds here). It must never wait on the disk, or it would block
//              the event loop; Result() is shaped while still inside the store, as for sync calls.
//   kRunSync   Status RunSync(Napi::Env, Store&): CallSync uses it instead of Run(); on the main
//              thread it may make JS memory and write its result there directly (a range scans
//              straight into the Float32Array it returns).
//   kWrite     no member: the async call runs on its store's writer thread (writer.h) instead
//              of the pool; same lifecycle, one thread per store, in issue order.
enum class Hooks : unsigned {
  kNone = 0,
  kPins = 1u << 0,
  kTryInline = 1u << 1,
  kRunSync = 1u << 2,
  kWrite = 1u << 3,
};
constexpr Hooks operator|(Hooks a, Hooks b) {
  return static_cast<Hooks>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool Has(Hooks set, Hooks h) { return (static_cast<unsigned>(set) & static_cast<unsigned>(h)) != 0; }

// For each hook member: `named` when Job has a member of that name at all, `ok` when it has
// exactly the hook's signature.
#define CVX_HOOK_MEMBER(Trait, member, signature)                                  \
  template <class Job, class = void>                                               \
  struct Trait {                                                                   \
    static constexpr bool named = false, ok = false;                               \
  };                                                                               \
  template <class Job>                                                             \
  struct Trait<Job, std::void_t<decltype(&Job::member)>> {                         \
    static constexpr bool named = true;                                            \
    static constexpr bool ok = std::is_same_v<decltype(&Job::member), signature>; \
  };
CVX_HOOK_MEMBER(DetachMember, Detach, void (Job::*)())
CVX_HOOK_MEMBER(UnpinMember, Unpin, void (Job::*)())
CVX_HOOK_MEMBER(TryInlineMember, TryInline, Status (Job::*)(Store&, bool*))
CVX_HOOK_MEMBER(RunSyncMember, RunSync, Status (Job::*)(Napi::Env, Store&))
#undef CVX_HOOK_MEMBER

template <class Job, class = void>
struct DeclaresHooks : std::false_type {};
template <class Job>
struct DeclaresHooks<Job, std::enable_if_t<std::is_same_v<std::remove_cv_t<decltype(Job::kHooks)>, Hooks>>>
    : std::true_type {};
template <class Job, class = void>
struct HasOldWriteFlag : std::false_type {};
template <class Job>
struct HasOldWriteFlag<Job, std::void_t<decltype(Job::kWrite)>> : std::true_type {};

// The hooks a Job declared, checked against its members; the runners below read the hooks
// from here only. A flag is set only when the hook is declared and well-formed, so a failed
// check is reported once, by its static_assert, not again by the code that would call it.
template <class Job>
struct JobHooks {
  static constexpr Hooks declared() {
    if constexpr (DeclaresHooks<Job>::value) return Job::kHooks;
    else return Hooks::kNone;
  }
  static constexpr Hooks kDeclared = declared();

  static_assert(DeclaresHooks<Job>::value,
                "cvx job hooks: a Job must declare `static constexpr Hooks kHooks` (Hooks::kNone when it has none)");
  static_assert(!HasOldWriteFlag<Job>::value, "cvx job hooks: declare a write as Hooks::kWrite in kHooks, not as kWrite");
  static_assert(!Has(kDeclared, Hooks::kPins) || DetachMember<Job>::ok,
                "cvx job hooks: the Job declares Hooks::kPins but has no `void Detach()`");
  static_assert(!Has(kDeclared, Hooks::kPins) || UnpinMember<Job>::ok,
                "cvx job hooks: the Job declares Hooks::kPins but has no `void Unpin()`");
  static_assert(Has(kDeclared, Hooks::kPins) || !DetachMember<Job>::named,
                "cvx job hooks: the Job has a Detach() but does not declare Hooks::kPins");
  static_assert(Has(kDeclared, Hooks::kPins) || !UnpinMember<Job>::named,
                "cvx job hooks: the Job has an Unpin() but does not declare Hooks::kPins");
  static_assert(!Has(kDeclared, Hooks::kTryInline) || TryInlineMember<Job>::ok,
                "cvx job hooks: the Job declares Hooks::kTryInline but has no `Status TryInline(Store&, bool*)`");
  static_assert(Has(kDeclared, Hooks::kTryInline) || !TryInlineMember<Job>::named,
                "cvx job hooks: the Job has a TryInline() but does not declare Hooks::kTryInline");
  static_assert(!Has(kDeclared, Hooks::kRunSync) || RunSyncMember<Job>::ok,
                "cvx job hooks: the Job declares Hooks::kRunSync but has no `Status RunSync(Napi::Env, Store&)`");
  static_assert(Has(kDeclared, Hooks::kRunSync) || !RunSyncMember<Job>::named,
                "cvx job hooks: the Job has a RunSync() but does not declare Hooks::kRunSync");

  static constexpr bool kPins = Has(kDeclared, Hooks::kPins) && DetachMember<Job>::ok && UnpinMember<Job>::ok;
  static constexpr bool kTryInline = Has(kDeclared, Hooks::kTryInline) && TryInlineMember<Job>::ok;
  static constexpr bool kRunSync = Has(kDeclared, Hooks::kRunSync) && RunSyncMember<Job>::ok;
  static constexpr bool kWrite = Has(kDeclared, Hooks::kWrite);
};

// Drops a pinning job's pin when the scope ends. Declared after the scope's Admission, so it
// runs first: once the store is left, a close() on another thread may free what the pin
// points into.
template <class Job>
struct UnpinAtExit {
  Job& job;
  ~UnpinAtExit() {
    if constexpr (JobHooks<Job>::kPins) job.Unpin();
  }
};

template <class Job>
Napi::Value CallSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ReadTarget target = TargetOf<Job>(info);
  Store& store = *target.store;
  Job job(info);
  AttachView(job, target);
  Admission admission(env, store);
  UnpinAtExit<Job> unpin{job};
  Status st;
  if constexpr (JobHooks<Job>::kRunSync) {
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
  if constexpr (JobHooks<Job>::kPins) {
    if (st.ok()) job.Detach();
    job.Unpin();  // after Detach's copy, or a failed run that may have pinned before it failed
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

// A kWrite Job's async runner: on the store's writer thread (writer.h) instead of the pool.
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
  const ReadTarget target = TargetOf<Job>(info);  // throws for anything but our handles
  Napi::Object handle = info[0].As<Napi::Object>();
  Store* store = target.store;
  Job job(info);
  AttachView(job, target);
  Admission admission(env, *store);
  if constexpr (JobHooks<Job>::kTryInline) {
    UnpinAtExit<Job> unpin{job};  // nothing of the memory-only attempt is kept
    bool answered = false;
    const Status inline_st = Guarded([&] { return job.TryInline(*store, &answered); });
    if (answered || !inline_st.ok()) {  // an exception is an answer too
      Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
      Settle(env, deferred, inline_st, job);
      return deferred.Promise();
    }
  }
  // From the queueing on, the runner leaves the store (RunAndLeave), after Detach().
  if constexpr (JobHooks<Job>::kWrite) {
    StoreBox* box = target.box;  // a write's target is a store: views are refused above
    if (box->writer) {  // else the writer thread could not start (StoreBox): the pool runs it
      auto task = std::make_unique<WriterJob<Job>>(env, handle, store, std::move(job));
      Napi::Promise promise = task->Promise();
      box->writer->Post(env, std::move(task));
      admission.Release();
      return promise;
    }
  }
  auto* worker = new JobWorker<Job>(env, handle, store, std::move(job));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  admission.Release();
  return promise;
}

// Exports a Job as `name` (returns a Promise) and `nameSync`, the two forms every data
// operation has.
template <class Job>
void ExportJob(Napi::Env env, Napi::Object exports, const std::string& name) {
  exports.Set(name, Napi::Function::New(env, CallAsync<Job>, name));
  exports.Set(name + "Sync", Napi::Function::New(env, CallSync<Job>, name + "Sync"));
}

}  // namespace cvx
