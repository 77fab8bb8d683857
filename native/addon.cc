// Module entry point. Context-aware (per-env AddonData), so it loads in worker threads.
#include <napi.h>

#include "js_register.h"
#include "js_support.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new cvx::AddonData();
  env.SetInstanceData(data);
  data->slab.CaptureAllocators(env);  // now: later changes to the globals do not reach them
  cvx::RegisterFlags(env, exports);
  cvx::RegisterLifetime(env, exports);
  cvx::RegisterWrites(env, exports);
  cvx::RegisterReads(env, exports);
  cvx::RegisterAsOf(env, exports);
  cvx::RegisterLevel(env, exports);
  cvx::RegisterAdmin(env, exports);
  cvx::RegisterVerify(env, exports);
  cvx::RegisterDamage(env, exports);
  cvx::RegisterSnapshots(env, exports);
  cvx::RegisterBulk(env, exports);
  cvx::RegisterFeed(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(cvx_native, Init)
