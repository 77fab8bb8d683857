#!/usr/bin/env bash
# `npm run test:memcheck`: runs a small script over every native path
# (__tests__/children/memcheck_workload.ts) under valgrind memcheck and fails on any memory
# error (invalid read/write, use of uninitialised memory, bad free) or definite leak.
#   - node runs --jitless: only the interpreter, so valgrind need not follow generated code
#     (which would need --smc-check=all and be far slower); our native code is unaffected.
#   - scripts/memcheck.supp suppresses known V8 internals only; each entry is explained.
#   - the workload runs once natively first: it must pass on its own, and that run fills the
#     TypeScript transpile cache so valgrind never has to run the compiler.
# The workload corrupts a store through the test-tools addon (test/native), built here first
# (in the flavour the workload loads, CVX_NATIVE_BUILD) so the valgrind run never compiles.
# Takes ~40 s. Needs valgrind (apt-get install valgrind). Log: $MEMCHECK_LOG (default
# build/memcheck.log).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "memcheck: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
log="${MEMCHECK_LOG:-build/memcheck.log}"
mkdir -p "$(dirname "$log")"
run=(--expose-gc -r ./__tests__/children/ts-hook.js __tests__/children/memcheck_workload.ts)

node test/native/build.js >/dev/null
node "${run[@]}"
echo "==> valgrind memcheck (log: $log)"
status=0
valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
  --errors-for-leak-kinds=definite --num-callers=30 --suppressions=scripts/memcheck.supp \
  --log-file="$log" node --jitless "${run[@]}" || status=$?
grep -E "ERROR SUMMARY|definitely lost" "$log" | sed 's/^==[0-9]*== /    /'
if [ "$status" != 0 ]; then
  echo "memcheck: FAILED (exit $status); see $log" >&2
  exit 1
fi
echo "memcheck: clean"
