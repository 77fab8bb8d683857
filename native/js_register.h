// Registration of the exported functions: each concern file adds its own to `exports`, and
// addon.cc calls every one of these once per environment.
#pragma once
#include <napi.h>

namespace cvx {
void RegisterFlags(Napi::Env env, Napi::Object exports);     // js_support.cc (flags.h's bits)
void RegisterLifetime(Napi::Env env, Napi::Object exports);  // js_lifetime.cc
void RegisterWrites(Napi::Env env, Napi::Object exports);    // js_writes.cc
void RegisterReads(Napi::Env env, Napi::Object exports);     // js_reads.cc
void RegisterAsOf(Napi::Env env, Napi::Object exports);     // js_as_of.cc
void RegisterLevel(Napi::Env env, Napi::Object exports);     // js_level.cc
void RegisterAdmin(Napi::Env env, Napi::Object exports);     // js_admin.cc
void RegisterVerify(Napi::Env env, Napi::Object exports);    // js_verify.cc
void RegisterDamage(Napi::Env env, Napi::Object exports);    // js_damage.cc
void RegisterSnapshots(Napi::Env env, Napi::Object exports); // js_snapshot.cc
void RegisterBulk(Napi::Env env, Napi::Object exports);      // js_bulk.cc
void RegisterFeed(Napi::Env env, Napi::Object exports);      // js_feed.cc
}  // namespace cvx
