#!/usr/bin/env bash
# Builds the local chain's validator (validator/: agave's solana-test-validator 3.1 as a library)
# into validator/target/release/liquid-staking-validator, from crates.io and Debian packages:
#   - libclang-dev (librocksdb-sys runs bindgen), protobuf-compiler (validator/protobuf-src-stub
#     hands out Debian's protoc instead of compiling protobuf from C++), libssl-dev and pkg-config
#     (OPENSSL_NO_VENDOR: the system OpenSSL instead of compiling it, several minutes);
#   - a release build (a debug validator cannot keep up on 2 cores: history RPCs at `confirmed`
#     lag), with RocksDB's C++ at -O1 (its -O3 build alone takes most of the clean build; a
#     local ledger does not need it).
# The validator has its own Cargo.lock and target/ (its agave pins conflict with anchor-lang's).
#
# usage: scripts/build-validator.sh    (prints one timed line per step; fails naming the step)
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEBIAN_PACKAGES=(libclang-dev protobuf-compiler libssl-dev pkg-config)
STEP=setup
trap 'echo "build-validator: FAILED at step \"$STEP\"; see the output above" >&2' ERR

start=$(date +%s)
STEP="debian packages"
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "build-validator: missing Debian packages; run as root or: sudo apt-get install ${missing[*]}" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "[build-validator] debian packages    $(( $(date +%s) - start )) s"

STEP="cargo build"
step=$(date +%s)
cd "$ROOT/validator"
OPENSSL_NO_VENDOR=1 cargo build --locked --release --bin liquid-staking-validator \
  --config 'profile.release.package.librocksdb-sys.opt-level=1'
echo "[build-validator] validator          $(( $(date +%s) - step )) s  $ROOT/validator/target/release/liquid-staking-validator"
echo "[build-validator] total              $(( $(date +%s) - start )) s"
