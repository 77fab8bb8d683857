// Damaged stores, as the binding exports them: the report of what a salvage open dropped
// (salvageReport) and the rebuild of a store whose MANIFEST is damaged (rebuild /
// rebuildSync, on the pool like open). The engine work is in salvage.cc and rebuild.cc.
#include "job.h"
#include "js_register.h"
#include "rebuild.h"

namespace cvx {
namespace {

Napi::Number Num(Napi::Env env, uint64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }

Napi::Value SalvageReportOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Store& s = *UnwrapStore(info[0])->store;
  const SalvageReport& r = s.salvaged();
  if (r.drops.empty()) return env.Undefined();
  Napi::Object out = Napi::Object::New(env);
  Napi::Array drops = Napi::Array::New(env, r.drops.size());
  for (size_t i = 0; i < r.drops.size(); ++i) {
    Napi::Object d = Napi::Object::New(env);
    d.Set("file", r.drops[i].file);
    d.Set("bytes", Num(env, r.drops[i].bytes));
    d.Set("reason", r.drops[i].reason);
    drops.Set(static_cast<uint32_t>(i), d);
  }
  out.Set("drops", drops);
  out.Set("issuesFound", Num(env, r.issues_found));
  out.Set("timelinesWritten", Num(env, r.timelines_written));
  out.Set("timelinesDeleted", Num(env, r.timelines_deleted));
  return out;
}

Napi::Object RebuildResult(Napi::Env env, const RebuildReport& r) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("tableFiles", Num(env, r.table_files));
  out.Set("walFiles", Num(env, r.wal_files));
  Napi::Array lost = Napi::Array::New(env, r.lost.size());
  for (size_t i = 0; i < r.lost.size(); ++i) lost.Set(static_cast<uint32_t>(i), r.lost[i]);
  out.Set("lost", lost);
  out.Set("vectors", Num(env, r.vectors));
  out.Set("series", Num(env, r.series));
  out.Set("issuesFound", Num(env, r.issues_found));
  out.Set("timelinesWritten", Num(env, r.timelines_written));
  out.Set("timelinesDeleted", Num(env, r.timelines_deleted));
  return out;
}

std::string ReadPath(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) ThrowInvalid(info.Env(), "path must be a string");
  return info[0].As<Napi::String>().Utf8Value();
}

Napi::Value RebuildSync(const Napi::CallbackInfo& info) {
  RebuildReport r;
  Status st = RebuildStore(ReadPath(info), &r);
  if (!st.ok()) Throw(info.Env(), st);
  return RebuildResult(info.Env(), r);
}

class RebuildWorker : public Napi::AsyncWorker {
 public:
  RebuildWorker(Napi::Env env, std::string path)
      : Napi::AsyncWorker(env, "cvx.rebuild"), deferred_(Napi::Promise::Deferred::New(env)), path_(std::move(path)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    status_ = Guarded([&] { return RebuildStore(path_, &report_); });
  }
  void OnOK() override {
    if (status_.ok()) deferred_.Resolve(RebuildResult(Env(), report_));
    else deferred_.Reject(MakeError(Env(), status_).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::string path_;
  RebuildReport report_;
  Status status_;
};

Napi::Value Rebuild(const Napi::CallbackInfo& info) {
  auto* w = new RebuildWorker(info.Env(), ReadPath(info));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

}  // namespace

void RegisterDamage(Napi::Env env, Napi::Object exports) {
  exports.Set("salvageReport", Napi::Function::New(env, SalvageReportOf, "salvageReport"));
  exports.Set("rebuildSync", Napi::Function::New(env, RebuildSync, "rebuildSync"));
  exports.Set("rebuild", Napi::Function::New(env, Rebuild, "rebuild"));
}

}  // namespace cvx
