// Registration of verify/repair (js_verify.cc). Kept apart from js_ops.h so these files stay
// self-contained.
#pragma once
#include <napi.h>

namespace cvx {
void RegisterVerify(Napi::Env env, Napi::Object exports);
}  // namespace cvx
