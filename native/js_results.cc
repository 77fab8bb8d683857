// See js_results.h: the result slab and the allocators result memory is made with, result
// buffers and arrays, pooled memory handed to JS, and options.into's reader.
#include "js_results.h"

#include "js_support.h"

namespace cvx {

namespace {

// What an allocation that could not be had answers, in the words the async reads use.
Status OutOfMemory(size_t bytes) {
  return Status::Make(Code::kIo, "out of memory: a result of " + std::to_string(bytes) + " bytes could not be allocated");
}

// Calls a captured allocator: `new fn(bytes)` or `fn(bytes)`. A JS exception (the RangeError of
// an allocation that failed) is taken off the env and answered as CVX_IO.
Status CallAllocator(Napi::Env env, const Napi::FunctionReference& fn, bool construct, size_t bytes, napi_value* out) {
  napi_value arg = Napi::Number::New(env, static_cast<double>(bytes));
  napi_status st = construct ? napi_new_instance(env, fn.Value(), 1, &arg, out)
                             : napi_call_function(env, env.Undefined(), fn.Value(), 1, &arg, out);
  if (st == napi_ok) return Status::Ok();
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
  }
  return OutOfMemory(bytes);
}

}  // namespace

void ResultSlab::CaptureAllocators(Napi::Env env) {
  Napi::Object global = env.Global();
  Napi::Value array_buffer = global.Get("ArrayBuffer");
  if (array_buffer.IsFunction()) array_buffer_ = Napi::Persistent(array_buffer.As<Napi::Function>());
  Napi::Value buffer = global.Get("Buffer");
  if (!buffer.IsObject()) return;
  Napi::Value slow = buffer.As<Napi::Object>().Get("allocUnsafeSlow");
  if (slow.IsFunction()) alloc_unsafe_slow_ = Napi::Persistent(slow.As<Napi::Function>());
}

Status ResultSlab::Carve(Napi::Env env, size_t bytes, Napi::ArrayBuffer* out, size_t* offset) {
  const size_t need = (bytes + 7) & ~size_t{7};
  Napi::ArrayBuffer slab;
  if (!slab_.IsEmpty()) slab = slab_.Value();
  // A caller may have transferred (detached) the slab through one of its results.
  if (slab_.IsEmpty() || slab.IsDetached() || used_ + need > kSlabBytes) {
    // Zero-filled: padding and the unused tail must not show what the heap held before.
    if (array_buffer_.IsEmpty()) {
      slab = Napi::ArrayBuffer::New(env, kSlabBytes);  // a runtime without a global ArrayBuffer
    } else {
      napi_value made;
      Status st = CallAllocator(env, array_buffer_, true, kSlabBytes, &made);
      if (!st.ok()) return st;
      slab = Napi::ArrayBuffer(env, made);
    }
    slab_ = Napi::Persistent(slab);
    used_ = 0;
  }
  *out = slab;
  *offset = used_;
  used_ += need;
  return Status::Ok();
}

Status ResultSlab::NewBuffer(Napi::Env env, size_t bytes, Napi::Buffer<uint8_t>* out) {
  if (alloc_unsafe_slow_.IsEmpty()) {
    *out = Napi::Buffer<uint8_t>::New(env, bytes);  // a runtime without Node's Buffer
    return Status::Ok();
  }
  napi_value made;
  Status st = CallAllocator(env, alloc_unsafe_slow_, false, bytes, &made);
  if (!st.ok()) return st;
  *out = Napi::Buffer<uint8_t>(env, made);
  return Status::Ok();
}

Status TryNewResultBuffer(Napi::Env env, size_t bytes, ResultBuffer* out) {
  ResultSlab& slab = env.GetInstanceData<AddonData>()->slab;
  if (bytes <= ResultSlab::kMaxPiece) {
    size_t offset = 0;
    Napi::ArrayBuffer piece;
    Status st = slab.Carve(env, bytes, &piece, &offset);
    if (!st.ok()) return st;
    *out = ResultBuffer{piece, offset, static_cast<char*>(piece.Data()) + offset};
    return Status::Ok();
  }
  Napi::Buffer<uint8_t> node_buffer;
  Status st = slab.NewBuffer(env, bytes, &node_buffer);
  if (!st.ok()) return st;
  *out = ResultBuffer{node_buffer.ArrayBuffer(), node_buffer.ByteOffset(), reinterpret_cast<char*>(node_buffer.Data())};
  return Status::Ok();
}

ResultBuffer NewResultBuffer(Napi::Env env, size_t bytes) {
  ResultBuffer out{Napi::ArrayBuffer(), 0, nullptr};
  Status st = TryNewResultBuffer(env, bytes, &out);
  if (!st.ok()) Throw(env, st);
  return out;
}

Napi::TypedArray ResultView(Napi::Env env, const ResultBuffer& b, napi_typedarray_type type, size_t count) {
  napi_value array;
  NAPI_THROW_IF_FAILED(env, napi_create_typedarray(env, type, count, b.buffer, b.offset, &array), Napi::TypedArray());
  return Napi::TypedArray(env, array);
}

Status TryNewResultArray(Napi::Env env, napi_typedarray_type type, size_t count, ResultArray* out) {
  size_t width = 1;
  switch (type) {
    case napi_int16_array: case napi_uint16_array: width = 2; break;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: width = 4; break;
    case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: width = 8; break;
    default: break;
  }
  ResultBuffer b{Napi::ArrayBuffer(), 0, nullptr};
  Status st = TryNewResultBuffer(env, count * width, &b);
  if (st.ok()) *out = ResultArray{ResultView(env, b, type, count), b.data};
  return st;
}

ResultArray NewResultArray(Napi::Env env, napi_typedarray_type type, size_t count) {
  ResultArray out{Napi::TypedArray(), nullptr};
  Status st = TryNewResultArray(env, type, count, &out);
  if (!st.ok()) Throw(env, st);
  return out;
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
