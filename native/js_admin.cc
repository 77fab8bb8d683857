// Exports of the whole-store operations (admin.h) and retention (DeletePointRange), as
// Jobs: spaces, columnFamilies (facts for stats()), compact, checkpoint, deleteRange.
#include "admin.h"
#include "engine.h"
#include "job.h"
#include "js_ops.h"

namespace cvx {
namespace {

struct SpacesJob {
  static constexpr const char* kName = "cvx.spaces";
  std::vector<SpaceSummary> spaces;
  explicit SpacesJob(const Napi::CallbackInfo&) {}
  Status Run(Store& s) { return SummarizeSpaces(s, &spaces); }
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
  explicit CompactJob(const Napi::CallbackInfo&) {}
  Status Run(Store& s) { return CompactAll(s); }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }
};

// (store, dir)
struct CheckpointJob {
  static constexpr const char* kName = "cvx.checkpoint";
  // Not a write, but ordered with them on the writer thread: a checkpoint holds every async
  // write called before it, and none called after.
  static constexpr bool kWrite = true;
  std::string dir;
  explicit CheckpointJob(const Napi::CallbackInfo& info) {
    if (!info[1].IsString()) ThrowInvalid(info.Env(), "dir must be a string");
    dir = info[1].As<Napi::String>().Utf8Value();
  }
  Status Run(Store& s) { return MakeCheckpoint(s, dir); }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }
};

// (store, entityId, spaceId, start, end) → number of points removed
struct DeleteRangeJob {
  static constexpr const char* kName = "cvx.deleteRange";
  static constexpr bool kWrite = true;
  uint64_t entity;
  uint32_t space;
  int64_t start, end;
  uint64_t removed = 0;
  explicit DeleteRangeJob(const Napi::CallbackInfo& info)
      : entity(ReadU64(info[1], "entityId")), space(ReadU32(info[2], "spaceId")),
        start(ReadI64(info[3], "start")), end(ReadI64(info[4], "end")) {
    if (start > end) ThrowInvalid(info.Env(), "start must not be greater than end");
  }
  Status Run(Store& s) { return DeletePointRange(s, entity, space, start, end, &removed); }
  Napi::Value Result(Napi::Env env) { return Napi::Number::New(env, static_cast<double>(removed)); }
};

}  // namespace

void RegisterAdmin(Napi::Env env, Napi::Object exports) {
  ExportJob<SpacesJob>(env, exports, "spaceSummaries");
  ExportJob<CfFactsJob>(env, exports, "columnFamilies");
  ExportJob<CompactJob>(env, exports, "compact");
  ExportJob<CheckpointJob>(env, exports, "checkpoint");
  ExportJob<DeleteRangeJob>(env, exports, "deleteRange");
}

}  // namespace cvx
