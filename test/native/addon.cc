// Entry point of the TEST-ONLY addon cvx_test_tools.node (built by test/native/build.js, never
// by `npm install`): functions that bypass every check of the store, so that the addon users
// load cannot offer them at all. They work on handles made by cvx_native.node: Node-API type
// tags and wraps are visible to every addon in the process, and the objects behind them are
// the same classes, compiled from the same sources with the same settings
// (native/build_flags.gypi). Errors carry their code (err.code) but are plain Errors: this
// addon has no error factory.
#include <napi.h>

#include "tools.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  cvx::RegisterRawTools(env, exports);
  cvx::RegisterCodecTools(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(cvx_test_tools, Init)
