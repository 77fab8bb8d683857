// Exposes the native key codec to JavaScript so tests can prove that C++ and
// lib/keys.ts produce identical bytes (the store never needs this on its hot paths).
#include <cstring>

#include "codec.h"
#include "js_register.h"
#include "js_support.h"

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

void RegisterCodec(Napi::Env env, Napi::Object exports) {
  exports.Set("encodeKeyNative", Napi::Function::New(env, EncodeKeyNative, "encodeKeyNative"));
  exports.Set("encodeTimelineNative", Napi::Function::New(env, EncodeTimelineNative, "encodeTimelineNative"));
}

}  // namespace cvx
