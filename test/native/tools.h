// Registration of the test-tools addon's functions (addon.cc), one per concern file.
#pragma once
#include <napi.h>

namespace cvx {
void RegisterRawTools(Napi::Env env, Napi::Object exports);
void RegisterCodecTools(Napi::Env env, Napi::Object exports);
}  // namespace cvx
