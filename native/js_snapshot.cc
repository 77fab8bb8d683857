// Read views (HotStore.snapshot()) on the Node-API side: the type-tagged view handle around a
// ReadSnapshot (snapshot.h), which reads accept in place of the store handle (UnwrapTarget),
// and snapshot / snapshotRelease. The handle owns one reference to the ReadSnapshot and each
// read in flight on it another, so release() and garbage collection never free the RocksDB
// snapshot under a running read; the store's close releases it after the reads have left.
#include "job.h"
#include "js_register.h"

namespace cvx {
namespace {

const napi_type_tag kViewTag = {0x6376785f76696577ULL, 0x736e61705f763031ULL};

struct ViewBox {
  std::shared_ptr<ReadSnapshot> view;  // reset by release()
};

void FinalizeView(napi_env, void* data, void*) { delete static_cast<ViewBox*>(data); }

bool IsTagged(const Napi::Value& v, const napi_type_tag& tag) {
  bool tagged = false;
  if (v.IsObject()) napi_check_object_type_tag(v.Env(), v, &tag, &tagged);
  return tagged;
}

ViewBox* UnwrapView(const Napi::Value& handle) {
  if (!IsTagged(handle, kViewTag)) ThrowInvalid(handle.Env(), "snapshot is not a cvx-storage snapshot handle");
  void* p = nullptr;
  NAPI_THROW_IF_FAILED(handle.Env(), napi_unwrap(handle.Env(), handle, &p), nullptr);
  return static_cast<ViewBox*>(p);
}

// (store) → view handle. Synchronous: the view must not miss or include a write made after
// the call returns.
Napi::Value SnapshotTake(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StoreBox* sbox = UnwrapStore(info[0]);
  std::shared_ptr<ReadSnapshot> view;
  {
    Admission admission(env, *sbox->store);
    Status st = ReadSnapshot::Take(sbox->store, &view);
    if (!st.ok()) Throw(env, st);
  }
  Napi::Object handle = Napi::Object::New(env);
  auto box = std::make_unique<ViewBox>();
  box->view = std::move(view);
  NAPI_THROW_IF_FAILED(env, napi_wrap(env, handle, box.get(), FinalizeView, nullptr, nullptr), handle);
  box.release();  // owned by the handle from here
  NAPI_THROW_IF_FAILED(env, napi_type_tag_object(env, handle, &kViewTag), handle);
  return handle;
}

// (view) Lets the view's snapshot go: now, or when the last read in flight on it ends.
// Idempotent; fine after the store's close.
Napi::Value SnapshotRelease(const Napi::CallbackInfo& info) {
  UnwrapView(info[0])->view.reset();
  return info.Env().Undefined();
}

}  // namespace

ReadTarget UnwrapTarget(const Napi::Value& handle, bool views) {
  ReadTarget t;
  // The store's tag is looked at first: it is every write's and most reads' handle.
  if ((t.box = StoreBoxOf(handle))) {
    t.store = t.box->store.get();
    return t;
  }
  if (!IsTagged(handle, kViewTag)) ThrowInvalid(handle.Env(), "handle is not a cvx-storage store or snapshot handle");
  if (!views) Throw(handle.Env(), Status::Make(Code::kReadOnly, "a snapshot is a read view: it cannot write"));
  t.view = UnwrapView(handle)->view;
  if (!t.view) Throw(handle.Env(), Status::Make(Code::kNotOpen, "the snapshot was released"));
  t.store = &t.view->store();
  return t;
}

void RegisterSnapshots(Napi::Env env, Napi::Object exports) {
  exports.Set("snapshot", Napi::Function::New(env, SnapshotTake, "snapshot"));
  exports.Set("snapshotRelease", Napi::Function::New(env, SnapshotRelease, "snapshotRelease"));
}

}  // namespace cvx
