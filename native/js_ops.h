// Registration of the exported functions, one per concern file.
#pragma once
#include <napi.h>

namespace cvx {
void RegisterOps(Napi::Env env, Napi::Object exports);
void RegisterLifetime(Napi::Env env, Napi::Object exports);
void RegisterLevel(Napi::Env env, Napi::Object exports);
void RegisterAdmin(Napi::Env env, Napi::Object exports);
}  // namespace cvx
