# Compiler settings of every C++ target built from native/: the addon users load
# (binding.gyp) and the test-tools addon (test/native/binding.gyp). The test addon works on
# the Store objects the addon made, from its own copy of the same sources, so both must be
# compiled with exactly these settings for the objects to have one layout. Included inside
# each target (not as target_defaults), so these flags come after node-gyp's own and win.
# node-addon-api (with C++ exceptions) is added by each project: see test/native/binding.gyp.
{
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
