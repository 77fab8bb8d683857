// Exports of the change feed (change_feed.h): latestSequence, the feed handle (feedOpen, its
// steps feedNext, feedClose) and a replica's applyChanges / appliedSequence. A feed handle is
// type-tagged and shares ownership of its Store; its FeedReader is a store Resource, so close()
// frees it, and each step is an admitted Job, so close() also waits for a step that runs.
#include "change_feed.h"
#include "job.h"
#include "resync.h"
#include "js_register.h"

namespace cvx {
namespace {

const napi_type_tag kFeedTag = {0x6376785f66656564ULL, 0x5f68616e646c6531ULL};

struct FeedBox {
  std::shared_ptr<Store> store;
  std::unique_ptr<FeedReader> reader;
};

void FinalizeFeed(napi_env, void* data, void*) {
  auto* box = static_cast<FeedBox*>(data);
  box->store->ReleaseResource(box->reader.get());
  delete box;
}

FeedBox* UnwrapFeed(const Napi::Value& handle) {
  Napi::Env env = handle.Env();
  bool tagged = false;
  if (handle.IsObject()) napi_check_object_type_tag(env, handle, &kFeedTag, &tagged);
  if (!tagged) ThrowInvalid(env, "feed is not a cvx-storage change feed handle");
  void* p = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_unwrap(env, handle, &p), nullptr);
  return static_cast<FeedBox*>(p);
}

Napi::Value Seq(Napi::Env env, uint64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }

// (store, since) → feed handle. Nothing is read until the first step.
Napi::Value FeedOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StoreBox* sbox = UnwrapStore(info[0]);
  const uint64_t since = ReadU64(info[1], "options.since");
  Store& s = *sbox->store;
  Admission admission(env, s);
  auto box = std::make_unique<FeedBox>();
  box->store = sbox->store;
  box->reader = std::make_unique<FeedReader>(s, since);
  Status st = s.Track(box->reader.get());
  if (!st.ok()) Throw(env, st);
  Napi::Object handle = Napi::Object::New(env);
  FeedBox* raw = box.get();
  napi_status ns = napi_wrap(env, handle, raw, FinalizeFeed, nullptr, nullptr);
  if (ns != napi_ok) {
    s.ReleaseResource(raw->reader.get());
    NAPI_THROW_IF_FAILED(env, ns, handle);
  }
  box.release();  // owned by the handle from here
  NAPI_THROW_IF_FAILED(env, napi_type_tag_object(env, handle, &kFeedTag), handle);
  return handle;
}

// (feed) Frees the reader now. Idempotent; fine after close.
Napi::Value FeedClose(const Napi::CallbackInfo& info) {
  FeedBox* box = UnwrapFeed(info[0]);
  box->store->ReleaseResource(box->reader.get());
  return info.Env().Undefined();
}

// (store, feed, maxBatches, maxBytes) → [latest, [sequence, count, data, ops]...], where ops is a
// Uint32Array of 6 per operation: kind, column family index, key offset, key length, value
// offset, value length (offsets into data).
struct FeedNextJob {
  static constexpr const char* kName = "cvx.feedNext";
  static constexpr Hooks kHooks = Hooks::kNone;
  Napi::ObjectReference keep;  // the feed handle stays alive while the job is queued
  FeedReader* reader;
  size_t max_batches, max_bytes;
  std::vector<FeedBatch> batches;
  uint64_t latest = 0;

  explicit FeedNextJob(const Napi::CallbackInfo& info) {
    FeedBox* box = UnwrapFeed(info[1]);
    if (box->store.get() != UnwrapStore(info[0])->store.get()) ThrowInvalid(info.Env(), "the feed belongs to another store");
    keep = Napi::Persistent(info[1].As<Napi::Object>());
    reader = box->reader.get();
    max_batches = ReadU32(info[2], "maxBatches");
    max_bytes = ReadU32(info[3], "maxBytes");
    if (max_batches == 0) ThrowInvalid(info.Env(), "maxBatches must be at least 1");
  }
  Status Run(Store& s) { return reader->Next(s, max_batches, max_bytes ? max_bytes : SIZE_MAX, &batches, &latest); }
  Napi::Value Result(Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, batches.size() + 1);
    out.Set(0u, Seq(env, latest));
    for (size_t i = 0; i < batches.size(); ++i) {
      const FeedBatch& b = batches[i];
      Napi::Uint32Array ops = Napi::Uint32Array::New(env, b.ops.size() * 6);
      for (size_t j = 0; j < b.ops.size(); ++j) {
        const FeedOp& o = b.ops[j];
        const uint32_t row[6] = {static_cast<uint32_t>(o.kind), o.cf, o.key_off, o.key_len, o.value_off, o.value_len};
        for (size_t k = 0; k < 6; ++k) ops[j * 6 + k] = row[k];
      }
      Napi::Array rec = Napi::Array::New(env, 4);
      rec.Set(0u, Seq(env, b.sequence));
      rec.Set(1u, Napi::Number::New(env, b.count));
      rec.Set(2u, Napi::Buffer<char>::Copy(env, b.data().data(), b.data().size()));
      rec.Set(3u, ops);
      out.Set(static_cast<uint32_t>(i + 1), rec);
    }
    return out;
  }
};

struct LatestSequenceJob {
  static constexpr const char* kName = "cvx.latestSequence";
  static constexpr Hooks kHooks = Hooks::kNone;
  uint64_t latest = 0;
  explicit LatestSequenceJob(const Napi::CallbackInfo&) {}
  Status Run(Store& s) {
    latest = LatestSequence(s);
    return Status::Ok();
  }
  Napi::Value Result(Napi::Env env) { return Seq(env, latest); }
};

// (store, batches: Buffer[]) → the replica's applied sequence after the call.
struct ApplyChangesJob {
  static constexpr const char* kName = "cvx.applyChanges";
  static constexpr Hooks kHooks = Hooks::kWrite;
  std::vector<std::string> batches;
  uint64_t applied = 0;
  explicit ApplyChangesJob(const Napi::CallbackInfo& info) {
    if (!info[1].IsArray()) ThrowInvalid(info.Env(), "batches must be an array");
    Napi::Array a = info[1].As<Napi::Array>();
    batches.reserve(a.Length());
    for (uint32_t i = 0; i < a.Length(); ++i) batches.push_back(ReadBytes(a.Get(i), "batches[" + std::to_string(i) + "]"));
  }
  Status Run(Store& s) { return ApplyBatches(s, batches, &applied); }
  Napi::Value Result(Napi::Env env) { return Seq(env, applied); }
};

// (store) → the last source sequence applied, or undefined when none was.
struct AppliedSequenceJob {
  static constexpr const char* kName = "cvx.appliedSequence";
  static constexpr Hooks kHooks = Hooks::kNone;
  bool known = false;
  uint64_t seq = 0;
  explicit AppliedSequenceJob(const Napi::CallbackInfo&) {}
  Status Run(Store& s) { return AppliedSequence(s, &known, &seq); }
  Napi::Value Result(Napi::Env env) { return known ? Seq(env, seq) : env.Undefined(); }
};

// (replica, source view) → the view's sequence, now the replica's applied one (resync.h). The
// source's store stays entered from the call until the copy ends, so its close waits for it.
struct ResyncJob {
  static constexpr const char* kName = "cvx.resync";
  static constexpr Hooks kHooks = Hooks::kWrite;
  std::shared_ptr<ReadSnapshot> view;
  bool entered = false;
  uint64_t seq = 0;
  explicit ResyncJob(const Napi::CallbackInfo& info) {
    ReadTarget t = UnwrapTarget(info[1], true);
    if (!t.view) ThrowInvalid(info.Env(), "source must be a snapshot handle");
    view = t.view;
    Status st = view->store().Enter();
    if (!st.ok()) Throw(info.Env(), st);
    entered = true;
  }
  ~ResyncJob() { LeaveSource(); }
  ResyncJob(ResyncJob&& o) noexcept : view(std::move(o.view)), entered(o.entered), seq(o.seq) { o.entered = false; }
  ResyncJob(const ResyncJob&) = delete;
  ResyncJob& operator=(const ResyncJob&) = delete;
  void LeaveSource() {
    if (entered) view->store().Leave();
    entered = false;
  }
  Status Run(Store& s) {
    Status st = Guarded([&] { return Resync(s, *view, &seq); });
    LeaveSource();  // here, not in the completion: the source's close may wait without the event loop
    return st;
  }
  Napi::Value Result(Napi::Env env) { return Seq(env, seq); }
};

}  // namespace

void RegisterFeed(Napi::Env env, Napi::Object exports) {
  exports.Set("feedOpen", Napi::Function::New(env, FeedOpen, "feedOpen"));
  exports.Set("feedClose", Napi::Function::New(env, FeedClose, "feedClose"));
  ExportJob<FeedNextJob>(env, exports, "feedNext");
  ExportJob<LatestSequenceJob>(env, exports, "latestSequence");
  ExportJob<ApplyChangesJob>(env, exports, "applyChanges");
  ExportJob<AppliedSequenceJob>(env, exports, "appliedSequence");
  ExportJob<ResyncJob>(env, exports, "resync");
}

}  // namespace cvx
