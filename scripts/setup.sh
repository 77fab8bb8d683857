#!/usr/bin/env bash
# One-command setup: installs system RocksDB when missing, installs npm dependencies
# (which builds the native addon and the TypeScript), then runs the demo.
#   bash scripts/setup.sh            # everything, ending with `npm run demo`
#   bash scripts/setup.sh --no-demo  # stop after building (what CI uses)
set -euo pipefail
cd "$(dirname "$0")/.."

run_demo=1
for arg in "$@"; do
  case "$arg" in
    --no-demo) run_demo=0 ;;
    *) echo "setup.sh: unknown argument $arg (use --no-demo)" >&2; exit 2 ;;
  esac
done

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup.sh: need root to run: $*" >&2; return 1; fi
}

have_rocksdb() { command -v pkg-config >/dev/null && pkg-config --exists rocksdb; }

if ! have_rocksdb || ! command -v ldb >/dev/null; then
  if command -v apt-get >/dev/null; then
    echo "==> installing RocksDB from the system packages (librocksdb-dev rocksdb-tools)"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y librocksdb-dev rocksdb-tools pkg-config
  elif command -v brew >/dev/null; then
    echo "==> installing RocksDB with Homebrew"
    brew install rocksdb pkg-config
  else
    cat >&2 <<'MSG'
setup.sh: RocksDB development files were not found and this system has neither apt-get nor brew.
Install RocksDB (headers, library and a rocksdb.pc for pkg-config) with your package manager,
e.g. `dnf install rocksdb-devel` or `pacman -S rocksdb`, then run this script again.
MSG
    exit 1
  fi
fi
have_rocksdb || { echo "setup.sh: RocksDB is still not visible to pkg-config" >&2; exit 1; }
echo "==> RocksDB $(pkg-config --modversion rocksdb)"

echo "==> npm ci (builds the native addon and the TypeScript)"
npm ci --no-audit --no-fund

if [ "$run_demo" = 1 ]; then
  npm run demo
fi
