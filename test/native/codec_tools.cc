// TEST TOOLING: exposes the native key and timeline codecs to JavaScript so tests can prove
// that C++ and lib/keys.ts, lib/records.ts produce identical bytes. The store itself never
// needs them in JavaScript, so they live in the test-tools addon only (addon.cc).
#include "codec.h"
#include "js_support.h"
#include "tools.h"

namespace cvx {
namespace {

Napi::Value EncodeKeyNative(const Napi::CallbackInfo& info) {
  char key[kKeySize];
  EncodeKey(key, ReadU64(info[0], "entityId"), ReadU32(info[1], "spaceId"), ReadI64(info[2], "timestamp"));
  return Napi::Buffer<char>::Copy(info.Env(), key, kKeySize);
}

Napi::Value EncodeTimelineNative(const Napi::CallbackInfo& info) {
  Timeline t;
  t.entity = ReadU64(info[0], "entityId");
  t.space = ReadU32(info[1], "spaceId");
  t.first_seen = ReadI64(info[2], "firstSeen");
  t.last_seen = ReadI64(info[3], "lastSeen");
  t.point_count = ReadU64(info[4], "pointCount");
  t.keyframe_interval = ReadU32(info[5], "keyframeInterval");
  std::string rec = EncodeTimeline(t);
  return Napi::Buffer<char>::Copy(info.Env(), rec.data(), rec.size());
}

}  // namespace

void RegisterCodecTools(Napi::Env env, Napi::Object exports) {
  exports.Set("encodeKeyNative", Napi::Function::New(env, EncodeKeyNative, "encodeKeyNative"));
  exports.Set("encodeTimelineNative", Napi::Function::New(env, EncodeTimelineNative, "encodeTimelineNative"));
}

}  // namespace cvx
