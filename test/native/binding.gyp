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
        "../../native/bulk_load.cc",
        "../../native/codec.cc",
        "../../native/damage_probe.cc",
        "../../native/dir_identity.cc",
        "../../native/error_recovery.cc",
        "../../native/info_log.cc",
        "../../native/js_support.cc",
        "../../native/nowait_fs.cc",
        "../../native/options.cc",
        "../../native/pinned_manifest.cc",
        "../../native/read_only_open.cc",
        "../../native/replica.cc",
        "../../native/resync.cc",
        "../../native/result_pool.cc",
        "../../native/salvage.cc",
        "../../native/secondary.cc",
        "../../native/follow.cc",
        "../../native/status.cc",
        "../../native/store.cc",
        "../../native/store_open.cc",
        "../../native/table_merge.cc",
        "../../native/verify.cc",
        "../../native/wal_damage.cc",
        "../../native/wal_tail.cc",
        "../../native/writer.cc",
        "../../native/writes.cc"
      ],
      "include_dirs": ["../../native", "<!(node -p \"require('node-addon-api').include_dir\")"],
      # What the root project's node_addon_api_except dependency adds (node-addon-api's
      # except.gypi), spelled out: gyp writes a dependency's makefile next to its .gyp file,
      # inside node_modules, with paths relative to the project configuring it, so two
      # projects depending on that target break each other's builds.
      "defines": ["NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"]
    }
  ]
}
