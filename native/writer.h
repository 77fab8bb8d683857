// The writer thread: a store's async writes run on one thread of its own, in the order they were
// issued, instead of on libuv's pool. Writes serialise on the store's write mutex anyway, so the
// pool's threads add no parallelism; they only hand consecutive writes to different threads, and
// with glibc's per-thread malloc arenas each write then allocates (memtable inserts, the
// WriteBatch) in an arena another write warmed: async putMany ran at 34-35 us/pt on the pool,
// 30-32 with one pool thread, 26 for putManySync (docs/performance.md).
//
//   main thread:   Post(task)                       (the task has entered the store)
//   writer thread: task->Execute()                  (no Node-API; ends by leaving the store)
//                  napi_call_threadsafe_function
//   main thread:   task->Complete(env), delete task
//
// Lifetime. The thread-safe function is created with the store's handle, before the handle's
// env cleanup hook, so that hook runs first (hooks run in reverse order): it closes the store
// (waiting for admitted writes) and stops the thread while the thread-safe function still
// exists. Its finalizer (on the main thread; at env teardown too) stops and joins the thread,
// after which nothing uses it. close() stops it too; lib/binding.ts quiesces every writer of the
// env on process 'exit'. Completions that can no longer reach JS (env gone) are deleted
// without touching Node-API, which is why tasks keep no Napi::Reference.
#pragma once
#include <napi.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace cvx {

class WriteTask {
 public:
  virtual ~WriteTask() = default;
  // On the writer thread. Must leave the store before returning.
  virtual void Execute() = 0;
  // On the main thread, with a live env: settle the call.
  virtual void Complete(Napi::Env env) = 0;
};

class Writer {
 public:
  // nullptr when the runtime refuses a thread-safe function (the caller then uses the pool).
  static std::shared_ptr<Writer> Start(Napi::Env env);
  ~Writer();

  // Main thread only.
  void Post(napi_env env, std::unique_ptr<WriteTask> task);
  // Lets the thread finish its queue and exit. Idempotent; any thread.
  void Stop();
  // Stop(), then waits until the thread has ended. Main thread only. Used at process exit:
  // process.exit() on the main thread runs no env cleanup hooks, and the process's static
  // destructors (RocksDB's among them) must not run under a write.
  void Quiesce();

 private:
  Writer() = default;
  void Loop();
  static void CallJs(napi_env env, napi_value, void* context, void* data);
  static void Finalize(napi_env env, void* data, void* hint);

  napi_threadsafe_function tsfn_ = nullptr;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<WriteTask>> queue_;
  bool stop_ = false;
  size_t in_flight_ = 0;  // main thread only: posted and not yet completed
};

}  // namespace cvx
