// TEST TOOLING ONLY: _rawPut / _rawDelete write bytes straight into a column family,
// bypassing validation, timelines and the write mutex; _rawScan lists a whole column family
// (so a test can prove a refused call changed nothing). They exist so tests can corrupt a
// store *through RocksDB* and prove verify()/repair() find and fix it. They live in the
// test-tools addon only (addon.cc): never use them on real data.
#include <memory>

#include <rocksdb/db.h>
#include <rocksdb/sst_file_writer.h>

#include "js_support.h"
#include "store.h"
#include "tools.h"

namespace cvx {
namespace {

// Called after Enter(): a column family handle is valid only while the store is open.
rocksdb::ColumnFamilyHandle* Cf(Store& s, const Napi::Value& v) {
  return s.CfByName(ReadCfName(v, "columnFamily"));
}

std::string Bytes(Napi::Env env, const Napi::Value& v, const char* name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    ThrowInvalid(env, std::string(name) + " must be a Uint8Array");
  }
  Napi::Uint8Array a = v.As<Napi::Uint8Array>();
  return std::string(reinterpret_cast<const char*>(a.Data()), a.ElementLength());
}

// (handle, cf, key, value|undefined): value undefined deletes.
Napi::Value Raw(const Napi::CallbackInfo& info, bool del) {
  Napi::Env env = info.Env();
  Store& s = *UnwrapStore(info[0])->store;
  Admission admission(env, s);
  rocksdb::ColumnFamilyHandle* cf = Cf(s, info[1]);
  std::string key = Bytes(env, info[2], "key");
  rocksdb::Status rs = del ? s.db()->Delete(s.write_options(), cf, key)
                           : s.db()->Put(s.write_options(), cf, key, Bytes(env, info[3], "value"));
  Status st = Status::FromRocks(rs, del ? "_rawDelete" : "_rawPut");
  if (!st.ok()) Throw(env, st);
  return env.Undefined();
}

// (handle, cf) → [[key, value], ...] over the whole column family, in key order.
Napi::Value RawScan(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Store& s = *UnwrapStore(info[0])->store;
  Admission admission(env, s);
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(s.db()->NewIterator(ro, Cf(s, info[1])));
  Napi::Array out = Napi::Array::New(env);
  uint32_t i = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Napi::Array kv = Napi::Array::New(env, 2);
    kv.Set(0u, Napi::Buffer<char>::Copy(env, it->key().data(), it->key().size()));
    kv.Set(1u, Napi::Buffer<char>::Copy(env, it->value().data(), it->value().size()));
    out.Set(i++, kv);
  }
  Status st = Status::FromRocks(it->status(), "_rawScan");
  if (!st.ok()) Throw(env, st);
  return out;
}

// (handle, cf, key, value): one key ingested as a table file (SstFileWriter + IngestExternalFile),
// as a bulk load would write it: the change feed's WAL never holds it. → the file's global
// sequence number (0: ingested without taking a sequence number).
Napi::Value IngestOne(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Store& s = *UnwrapStore(info[0])->store;
  Admission admission(env, s);
  rocksdb::ColumnFamilyHandle* cf = Cf(s, info[1]);
  rocksdb::ColumnFamilyDescriptor desc;
  cf->GetDescriptor(&desc);
  rocksdb::Options o(s.db()->GetDBOptions(), desc.options);
  rocksdb::SstFileWriter w(rocksdb::EnvOptions(), o, cf);
  const std::string file = s.path() + "/_ingest_test.sst";
  rocksdb::Status rs = w.Open(file);
  if (rs.ok()) rs = w.Put(Bytes(env, info[2], "key"), Bytes(env, info[3], "value"));
  if (rs.ok()) rs = w.Finish();
  rocksdb::IngestExternalFileOptions io;
  io.move_files = true;
  if (rs.ok()) rs = s.db()->IngestExternalFile(cf, {file}, io);
  Status st = Status::FromRocks(rs, "_ingest");
  if (!st.ok()) Throw(env, st);
  return Napi::Number::New(env, static_cast<double>(s.db()->GetLatestSequenceNumber()));
}

Napi::Value RawPut(const Napi::CallbackInfo& info) { return Raw(info, false); }
Napi::Value RawDelete(const Napi::CallbackInfo& info) { return Raw(info, true); }

}  // namespace

void RegisterRawTools(Napi::Env env, Napi::Object exports) {
  exports.Set("_rawPut", Napi::Function::New(env, RawPut, "_rawPut"));
  exports.Set("_rawDelete", Napi::Function::New(env, RawDelete, "_rawDelete"));
  exports.Set("_rawScan", Napi::Function::New(env, RawScan, "_rawScan"));
  exports.Set("_ingest", Napi::Function::New(env, IngestOne, "_ingest"));
}

}  // namespace cvx
