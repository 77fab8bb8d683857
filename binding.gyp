{
  "targets": [
    {
      "target_name": "cvx_native",
      "sources": [
        "native/addon.cc",
        "native/admin.cc",
        "native/codec.cc",
        "native/cursor.cc",
        "native/js_admin.cc",
        "native/js_codec.cc",
        "native/js_level.cc",
        "native/js_lifetime.cc",
        "native/js_raw_tools.cc",
        "native/js_reads.cc",
        "native/js_results.cc",
        "native/js_support.cc",
        "native/js_verify.cc",
        "native/js_writes.cc",
        "native/options.cc",
        "native/raw.cc",
        "native/reads.cc",
        "native/result_pool.cc",
        "native/status.cc",
        "native/store.cc",
        "native/verify.cc",
        "native/writer.cc",
        "native/writes.cc"
      ],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "defines": ["NAPI_VERSION=8", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "<!@(pkg-config --cflags rocksdb)"],
      "libraries": ["<!@(pkg-config --libs rocksdb)"],
      "configurations": {
        "Debug": {
          "defines": ["_GLIBCXX_ASSERTIONS"],
          "cflags_cc": ["-O0", "-g"]
        }
      }
    }
  ]
}
