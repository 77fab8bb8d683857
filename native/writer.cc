// See writer.h.
#include "writer.h"

#include <pthread.h>

namespace cvx {

std::shared_ptr<Writer> Writer::Start(Napi::Env env) {
  std::shared_ptr<Writer> w(new Writer());
  // The thread-safe function's finalizer holds this reference and drops it only after joining
  // the thread, so the thread never outlives its Writer.
  auto* owner = new std::shared_ptr<Writer>(w);
  napi_value name;
  if (napi_create_string_utf8(env, "cvx.writer", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, owner, &Writer::Finalize, w.get(),
                                      &Writer::CallJs, &w->tsfn_) != napi_ok) {
    delete owner;
    return nullptr;
  }
  // An idle store must not keep the process alive; Post() refs it while writes are pending.
  napi_unref_threadsafe_function(env, w->tsfn_);
  try {
    w->thread_ = std::thread([raw = w.get()] { raw->Loop(); });
    // Named before Start() returns (for top -H, perf and the tests).
    pthread_setname_np(w->thread_.native_handle(), "cvx-writer");
  } catch (...) {
    napi_release_threadsafe_function(w->tsfn_, napi_tsfn_release);  // finalizes: drops `owner`
    return nullptr;
  }
  return w;
}

Writer::~Writer() {
  // Finalize() or Quiesce() has joined the thread by now; this only keeps a logic error from
  // ending in std::terminate.
  Quiesce();
}

void Writer::Quiesce() {
  Stop();
  if (thread_.joinable()) thread_.join();
}

void Writer::Post(napi_env env, std::unique_ptr<WriteTask> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(task));
  }
  if (in_flight_++ == 0) napi_ref_threadsafe_function(env, tsfn_);
  wake_.notify_one();
}

void Writer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
}

void Writer::Loop() {
  for (;;) {
    std::unique_ptr<WriteTask> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopped, and every write posted before is done
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task->Execute();
    // The main thread takes the task over; if the env is going away it stays here and is freed.
    if (napi_call_threadsafe_function(tsfn_, task.get(), napi_tsfn_nonblocking) == napi_ok) task.release();
  }
  napi_release_threadsafe_function(tsfn_, napi_tsfn_release);
}

void Writer::CallJs(napi_env env, napi_value, void* context, void* data) {
  std::unique_ptr<WriteTask> task(static_cast<WriteTask*>(data));
  if (env == nullptr) return;  // the env is being torn down: free the task, nothing else
  auto* w = static_cast<Writer*>(context);
  if (--w->in_flight_ == 0) napi_unref_threadsafe_function(env, w->tsfn_);
  try {
    task->Complete(Napi::Env(env));
  } catch (...) {
    // Complete settles through Settle(), which turns failures into rejections; nothing may
    // escape into Node's dispatch loop.
  }
}

void Writer::Finalize(napi_env, void* data, void*) {
  auto* owner = static_cast<std::shared_ptr<Writer>*>(data);
  (*owner)->Quiesce();
  delete owner;
}

}  // namespace cvx
