// Exports of the whole-store operations (admin.h) as Jobs: spaceSummaries, columnFamilies
// (facts for stats()), compact, checkpoint.
#include "admin.h"
#include "job.h"
#include "js_register.h"

namespace cvx {
namespace {

struct SpacesJob : ViewRead {
  static constexpr const char* kName = "cvx.spaces";
  static constexpr Hooks kHooks = Hooks::kNone;
  std::vector<SpaceSummary> spaces;
  explicit SpacesJob(const Napi::CallbackInfo&) {}
  Status Run(Store& s) { return SummarizeSpaces(s, &spaces, snapshot); }
  Napi::Value Result(Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, spaces.size());
    for (size_t i = 0; i < spaces.size(); ++i) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("spaceId", Napi::Number::New(env, spaces[i].space));
      o.Set("dim", Napi::Number::New(env, spaces[i].dim));
      o.Set("entities", Napi::Number::New(env, static_cast<double>(spaces[i].entities)));
      o.Set("points", Napi::Number::New(env, static_cast<double>(spaces[i].points)));
      out.Set(static_cast<uint32_t>(i), o);
    }
    return out;
  }
};

struct CfFactsJob {
  static constexpr const char* kName = "cvx.columnFamilies";
  static constexpr Hooks kHooks = Hooks::kNone;
  std::vector<CfFacts> facts;
  explicit CfFactsJob(const Napi::CallbackInfo&) {}
  Status Run(Store& s) { return ColumnFamilyFacts(s, &facts); }
  Napi::Value Result(Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, facts.size());
    for (size_t i = 0; i < facts.size(); ++i) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("name", facts[i].name);
      o.Set("compression", facts[i].compression);
      o.Set("sstFiles", Napi::Number::New(env, static_cast<double>(facts[i].sst_files)));
      o.Set("sstBytes", Napi::Number::New(env, static_cast<double>(facts[i].sst_bytes)));
      out.Set(static_cast<uint32_t>(i), o);
    }
    return out;
  }
};

struct CompactJob {
  static constexpr const char* kName = "cvx.compact";
  static constexpr Hooks kHooks = Hooks::kNone;
  explicit CompactJob(const Napi::CallbackInfo&) {}
  Status Run(Store& s) { return CompactAll(s); }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }
};

// (store, dir)
struct CheckpointJob {
  static constexpr const char* kName = "cvx.checkpoint";
  // Not a write, but ordered with them on the writer thread: a checkpoint holds every async
  // write called before it, and none called after.
  static constexpr Hooks kHooks = Hooks::kWrite;
  std::string dir;
  uint64_t sequence = 0;
  explicit CheckpointJob(const Napi::CallbackInfo& info) {
    if (!info[1].IsString()) ThrowInvalid(info.Env(), "dir must be a string");
    dir = info[1].As<Napi::String>().Utf8Value();
  }
  Status Run(Store& s) { return MakeCheckpoint(s, dir, &sequence); }
  // { sequence }: the store's sequence the copy holds (a change feed consumer resumes after it).
  Napi::Value Result(Napi::Env env) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("sequence", Napi::Number::New(env, static_cast<double>(sequence)));
    return o;
  }
};

}  // namespace

void RegisterAdmin(Napi::Env env, Napi::Object exports) {
  ExportJob<SpacesJob>(env, exports, "spaceSummaries");
  ExportJob<CfFactsJob>(env, exports, "columnFamilies");
  ExportJob<CompactJob>(env, exports, "compact");
  ExportJob<CheckpointJob>(env, exports, "checkpoint");
}

}  // namespace cvx
