# The TEST-ONLY addon (see addon.cc), a gyp project of its own so that `npm install`'s
# `node-gyp rebuild` of the root binding.gyp never builds it. Built by build.js into
# test/native/build/<Release|Debug>/cvx_test_tools.node. It compiles only the store and
# support code its tools reach, from native/, with the addon's own settings.
{
  "targets": [
    {
      "target_name": "cvx_test_tools",
      "includes": ["../../native/build_flags.gypi"],
      "sources": [
        "addon.cc",
        "codec_tools.cc",
        "raw_tools.cc",
        "../../native/codec.cc",
        "../../native/js_support.cc",
        "../../native/options.cc",
        "../../native/result_pool.cc",
        "../../native/status.cc",
        "../../native/store.cc",
        "../../native/writer.cc"
      ],
      "include_dirs": ["../../native"]
    }
  ]
}
