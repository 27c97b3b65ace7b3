#!/usr/bin/env bash
# Builds the local chain's validator (validator/: agave's solana-test-validator 3.1 as a library)
# into validator/target/release/liquid-staking-validator, from crates.io and Debian packages:
#   - libclang-dev (librocksdb-sys runs bindgen), protobuf-compiler (validator/protobuf-src-stub
#     hands out Debian's protoc instead of compiling protobuf from C++), libssl-dev and pkg-config
#     (OPENSSL_NO_VENDOR: the system OpenSSL instead of compiling it, several minutes);
#   - an optimised build at opt-level 1 (see validator/README.md for the measurements: a debug
#     validator cannot keep up on 2 cores, opt-level 3 doubles the compile for no gain a local
#     chain notices).
# The validator has its own Cargo.lock and target/ (its agave pins conflict with anchor-lang's).
#
# The finished binary is cached in ${LIQUID_STAKING_VALIDATOR_CACHE:-~/.cache/liquid-staking-validator},
# keyed by a hash of everything that goes into it (validator/ sources and lock, build flags,
# rustc): a later run, or a fresh clone on the same machine, copies it instead of building.
# An empty cache builds from source.
#
# usage: scripts/build-validator.sh    (prints one timed line per step; fails naming the step)
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEBIAN_PACKAGES=(libclang-dev protobuf-compiler libssl-dev pkg-config)
CARGO_FLAGS=(--locked --release --bin liquid-staking-validator
  --config 'profile.release.opt-level=1')
CACHE=${LIQUID_STAKING_VALIDATOR_CACHE:-$HOME/.cache/liquid-staking-validator}
OUT=$ROOT/validator/target/release/liquid-staking-validator
STEP=setup
trap 'echo "build-validator: FAILED at step \"$STEP\"; see the output above" >&2' ERR

start=$(date +%s)
STEP="cache key"
key=$(
  cd "$ROOT/validator"
  { printf '%s\n' "${CARGO_FLAGS[@]}" OPENSSL_NO_VENDOR=1; rustc -vV
    find Cargo.toml Cargo.lock src protobuf-src-stub -type f -not -path '*/target/*' | LC_ALL=C sort | xargs sha256sum
  } | sha256sum | cut -c1-16
)
entry=$CACHE/$key/liquid-staking-validator
if [ -x "$entry" ]; then
  mkdir -p "$(dirname "$OUT")"
  cp -f "$entry" "$OUT.tmp" && mv -f "$OUT.tmp" "$OUT"
  echo "[build-validator] cached             $(( $(date +%s) - start )) s  $OUT (from $entry)"
  exit 0
fi

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
echo "[build-validator] building the validator (about 900 crates; 20-30 min on 2 cores from clean)"
( cd "$ROOT/validator" && OPENSSL_NO_VENDOR=1 cargo build "${CARGO_FLAGS[@]}" )
echo "[build-validator] validator          $(( $(date +%s) - step )) s  $OUT"

STEP="cache store"
tmp=$(mkdir -p "$CACHE" && mktemp -d "$CACHE/.tmp.XXXXXX")
cp "$OUT" "$tmp/liquid-staking-validator"
rm -rf "$CACHE/$key" && mv "$tmp" "$CACHE/$key"
# One entry is enough: drop the ones this build replaces.
for old in "$CACHE"/*; do [ "$old" = "$CACHE/$key" ] || rm -rf "$old"; done
echo "[build-validator] total              $(( $(date +%s) - start )) s"
