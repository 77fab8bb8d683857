// Named bits for the binding's yes/no arguments. A call passes one `flags` integer instead of
// boolean positional arguments, so `range(…, limit, kReverse)` says what it asks for and a
// swapped argument cannot silently mean something else. C++ owns the values; they are exported
// as the addon's `flags` object, which lib/ reads, so each bit is defined once.
#pragma once
#include <napi.h>

#include <cstdint>

namespace cvx {

enum Flag : uint32_t {
  kReverse = 1u << 0,              // range: newest first
  kTimestampsAsNumbers = 1u << 1,  // range: timestamps as a Float64Array instead of a BigInt64Array
  kKeys = 1u << 2,                 // iteratorNext: return each entry's key
  kValues = 1u << 3,               // iteratorNext: return each entry's value
  kKeysAsString = 1u << 4,         // iteratorNext: keys as UTF-8 strings instead of Buffers
  kValuesAsString = 1u << 5,       // iteratorNext, rawGet: values as UTF-8 strings instead of Buffers
  kRepair = 1u << 6,               // verify: rewrite what is wrong (repair())
  kDropUndecodable = 1u << 7,      // verify: with kRepair, also delete undecodable records
};

// The flags argument `v`: an integer whose bits are all in `allowed`, or a CVX_INVALID_ARGUMENT throw.
uint32_t ReadFlags(const Napi::Value& v, uint32_t allowed, const char* name);

// Exports the bits as `flags` ({ reverse: 1, timestampsAsNumbers: 2, … }).
void RegisterFlags(Napi::Env env, Napi::Object exports);

}  // namespace cvx
