// Named bits for the binding's yes/no arguments. A call passes one `flags` integer instead of
// boolean positional arguments, so `range(…, limit, kReverse)` says what it asks for and a
// swapped argument cannot silently mean something else. C++ owns the values; CVX_FLAGS is the
// one table of them, which makes the enum here and the addon's exported `flags` object
// (RegisterFlags, js_support.cc) that lib/ reads.
#pragma once
#include <napi.h>

#include <cstdint>

namespace cvx {

// X(enumerator, name exported to JS, bit)
#define CVX_FLAGS(X)                                                                             \
  X(kReverse, "reverse", 0)                         /* range: newest first */                   \
  X(kTimestampsAsNumbers, "timestampsAsNumbers", 1) /* range: Float64Array timestamps */        \
  X(kKeys, "keys", 2)                               /* iteratorNext: each entry's key */        \
  X(kValues, "values", 3)                           /* iteratorNext: each entry's value */      \
  X(kKeysAsString, "keysAsString", 4)               /* iteratorNext: keys as UTF-8 strings */   \
  X(kValuesAsString, "valuesAsString", 5)           /* iteratorNext, rawGet: values as strings */ \
  X(kRepair, "repair", 6)                           /* verify: rewrite what is wrong */         \
  X(kDropUndecodable, "dropUndecodable", 7)         /* verify: with kRepair, delete undecodable */

enum Flag : uint32_t {
#define CVX_FLAG_ENUM(id, name, bit) id = 1u << (bit),
  CVX_FLAGS(CVX_FLAG_ENUM)
#undef CVX_FLAG_ENUM
};

// The flags argument `v`: an integer whose bits are all in `allowed`, or a CVX_INVALID_ARGUMENT throw.
uint32_t ReadFlags(const Napi::Value& v, uint32_t allowed, const char* name);

}  // namespace cvx
