// Module entry point. Context-aware (per-env AddonData), so it loads in worker threads.
#include <napi.h>

#include "js_register.h"
#include "js_support.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new cvx::AddonData());
  cvx::RegisterFlags(env, exports);
  cvx::RegisterLifetime(env, exports);
  cvx::RegisterWrites(env, exports);
  cvx::RegisterReads(env, exports);
  cvx::RegisterLevel(env, exports);
  cvx::RegisterAdmin(env, exports);
  cvx::RegisterVerify(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(cvx_native, Init)
