// verify / verifySync / repair as a Job (see job.h): options read on the main thread, the
// scan in verify.cc, the report shaped into a plain object here. Ids and timestamps go out
// as BigInt because a corrupt record may hold any 64-bit value; lib/verify.ts narrows them.
#include "flags.h"
#include "job.h"
#include "js_register.h"
#include "options.h"
#include "verify.h"

namespace cvx {
namespace {

Napi::Object TimelineObject(Napi::Env env, const Timeline& t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("entityId", Napi::BigInt::New(env, t.entity));
  o.Set("spaceId", Napi::Number::New(env, t.space));
  o.Set("firstSeen", Napi::BigInt::New(env, t.first_seen));
  o.Set("lastSeen", Napi::BigInt::New(env, t.last_seen));
  o.Set("pointCount", Napi::BigInt::New(env, t.point_count));
  o.Set("keyframeInterval", Napi::Number::New(env, t.keyframe_interval));
  return o;
}

struct VerifyJob {
  static constexpr const char* kName = "cvx.verify";
  static constexpr Hooks kHooks = Hooks::kNone;
  VerifyOptions opts;
  VerifyReport report;

  // (handle, flags: kRepair | kDropUndecodable, maxIssues)
  explicit VerifyJob(const Napi::CallbackInfo& info) {
    const uint32_t flags = ReadFlags(info[1], kRepair | kDropUndecodable, "flags");
    opts.repair = flags & kRepair;
    opts.drop_undecodable = flags & kDropUndecodable;
    opts.max_issues = ReadU32(info[2], "options.maxIssues");
  }
  Status Run(Store& s) { return VerifyStore(s, opts, &report); }
  Napi::Value Result(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    auto num = [&](uint64_t v) { return Napi::Number::New(env, static_cast<double>(v)); };
    out.Set("vectorsScanned", num(report.vectors_scanned));
    out.Set("timelinesScanned", num(report.timelines_scanned));
    out.Set("series", num(report.series));
    out.Set("issueCount", num(report.issue_count));
    Napi::Array issues = Napi::Array::New(env, report.issues.size());
    for (size_t i = 0; i < report.issues.size(); ++i) {
      const Issue& is = report.issues[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("kind", Napi::String::New(env, IssueKindName(is.kind)));
      o.Set("columnFamily", Napi::String::New(env, is.in_vectors ? kVectorsCf : kTimelinesCf));
      o.Set("key", Napi::Buffer<char>::Copy(env, is.key.data(), is.key.size()));
      o.Set("message", Napi::String::New(env, is.message));
      if (is.has_stored) o.Set("stored", TimelineObject(env, is.stored));
      if (is.has_expected) o.Set("expected", TimelineObject(env, is.expected));
      issues.Set(static_cast<uint32_t>(i), o);
    }
    out.Set("issues", issues);
    Napi::Object rep = Napi::Object::New(env);
    rep.Set("timelinesWritten", num(report.timelines_written));
    rep.Set("timelinesDeleted", num(report.timelines_deleted));
    rep.Set("vectorsDeleted", num(report.vectors_deleted));
    out.Set("repaired", rep);
    return out;
  }
};

}  // namespace

void RegisterVerify(Napi::Env env, Napi::Object exports) {
  ExportJob<VerifyJob>(env, exports, "verify");
}

}  // namespace cvx
