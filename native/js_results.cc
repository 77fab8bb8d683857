// See js_results.h: the result slab, result buffers and arrays, pooled memory handed to JS,
// and options.into's reader.
#include "js_results.h"

#include "js_support.h"

namespace cvx {

Napi::ArrayBuffer ResultSlab::Carve(Napi::Env env, size_t bytes, size_t* offset) {
  const size_t need = (bytes + 7) & ~size_t{7};
  Napi::ArrayBuffer slab;
  if (!slab_.IsEmpty()) slab = slab_.Value();
  // A caller may have transferred (detached) the slab through one of its results.
  if (slab_.IsEmpty() || slab.IsDetached() || used_ + need > kSlabBytes) {
    // Zero-filled: padding and the unused tail must not show what the heap held before.
    slab = Napi::ArrayBuffer::New(env, kSlabBytes);
    slab_ = Napi::Persistent(slab);
    used_ = 0;
  }
  *offset = used_;
  used_ += need;
  return slab;
}

ResultBuffer NewResultBuffer(Napi::Env env, size_t bytes) {
  if (bytes <= ResultSlab::kMaxPiece) {
    size_t offset = 0;
    Napi::ArrayBuffer slab = env.GetInstanceData<AddonData>()->slab.Carve(env, bytes, &offset);
    return ResultBuffer{slab, offset, static_cast<char*>(slab.Data()) + offset};
  }
  Napi::Buffer<uint8_t> node_buffer = Napi::Buffer<uint8_t>::New(env, bytes);
  return ResultBuffer{node_buffer.ArrayBuffer(), node_buffer.ByteOffset(), reinterpret_cast<char*>(node_buffer.Data())};
}

Napi::TypedArray ResultView(Napi::Env env, const ResultBuffer& b, napi_typedarray_type type, size_t count) {
  napi_value array;
  NAPI_THROW_IF_FAILED(env, napi_create_typedarray(env, type, count, b.buffer, b.offset, &array), Napi::TypedArray());
  return Napi::TypedArray(env, array);
}

ResultArray NewResultArray(Napi::Env env, napi_typedarray_type type, size_t count) {
  size_t width = 1;
  switch (type) {
    case napi_int16_array: case napi_uint16_array: width = 2; break;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: width = 4; break;
    case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: width = 8; break;
    default: break;
  }
  ResultBuffer b = NewResultBuffer(env, count * width);
  return ResultArray{ResultView(env, b, type, count), b.data};
}

Napi::Value PooledFloatsToJs(Napi::Env env, PooledBytes&& vectors) {
  const size_t size = vectors.bytes.size();
  // A buffer much larger than its result (a pooled one from a longer scan) is not handed
  // over: JS would see `size` bytes while the whole capacity stayed pinned.
  if (size <= ResultSlab::kMaxPiece || MuchLarger(vectors.bytes.capacity(), size)) {
    return FloatsToJs(env, rocksdb::Slice(vectors.bytes));
  }
  auto* held = new PooledBytes(std::move(vectors));
  auto finalize = [](napi_env, void*, void* hint) { delete static_cast<PooledBytes*>(hint); };
  napi_value buffer, array;
  if (napi_create_external_arraybuffer(env, held->bytes.data(), held->bytes.size(), finalize, held, &buffer) != napi_ok) {
    // A runtime that refuses external buffers: copy after all.
    Napi::Value copy = FloatsToJs(env, rocksdb::Slice(held->bytes));
    delete held;
    return copy;
  }
  NAPI_THROW_IF_FAILED(env, napi_create_typedarray(env, napi_float32_array, held->bytes.size() / 4, buffer, 0, &array), Napi::Value());
  return Napi::Value(env, array);
}

void IntoBuffer::Read(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || info[index].IsUndefined()) return;
  size_t floats = 0;
  data = const_cast<char*>(reinterpret_cast<const char*>(FloatData(info[index], "options.into", &floats)));
  bytes = floats * sizeof(float);
  given = true;
}

}  // namespace cvx
