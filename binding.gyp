{
  "targets": [
    {
      "target_name": "cvx_native",
      "includes": ["native/build_flags.gypi"],
      "sources": [
        "native/addon.cc",
        "native/admin.cc",
        "native/as_of_many.cc",
        "native/codec.cc",
        "native/cursor.cc",
        "native/damage_probe.cc",
        "native/dir_identity.cc",
        "native/error_recovery.cc",
        "native/info_log.cc",
        "native/js_admin.cc",
        "native/js_as_of.cc",
        "native/js_damage.cc",
        "native/js_level.cc",
        "native/js_lifetime.cc",
        "native/js_reads.cc",
        "native/js_snapshot.cc",
        "native/js_results.cc",
        "native/js_support.cc",
        "native/js_verify.cc",
        "native/js_writes.cc",
        "native/nowait_fs.cc",
        "native/options.cc",
        "native/pinned_manifest.cc",
        "native/raw.cc",
        "native/read_only_open.cc",
        "native/reads.cc",
        "native/rebuild.cc",
        "native/result_pool.cc",
        "native/salvage.cc",
        "native/secondary.cc",
        "native/follow.cc",
        "native/snapshot.cc",
        "native/status.cc",
        "native/store.cc",
        "native/store_open.cc",
        "native/table_merge.cc",
        "native/verify.cc",
        "native/wal_damage.cc",
        "native/wal_tail.cc",
        "native/writer.cc",
        "native/writes.cc"
      ],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ]
    }
  ]
}
