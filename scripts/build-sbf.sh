#!/usr/bin/env bash
# Builds programs/liquid-staking for SBF into target/deploy/liquid_staking.so without Solana's
# platform-tools, from Debian, PyPI and crates.io packages only:
#   - Debian's rustc-web (1.96, LLVM 22) with RUSTC_BOOTSTRAP=1 and -Z build-std, std from Debian's
#     rust-web-src patched for target_os = "solana" (scripts/sbf/patch_std.py);
#   - LLVM 23 with the BPF backend from PyPI (mlc-llvm-static static libraries);
#   - sbpf-linker from crates.io, built against that LLVM, with its SBPF v0 stack-argument fix
#     (scripts/sbf/patch_sbpf_linker.py);
#   - the custom target scripts/sbf/bpfel-solana.json and the flags in scripts/sbf/cargo-config.toml;
#   - the program's `upstream-sbf` feature (programs/sbf-support: 128-bit libcalls).
# Then loads and verifies the .so with Agave 3.1's loader (crates/localnet/examples/sbf_verify.rs).
#
# Toolchain pieces are cached in ${LIQUID_STAKING_SBF_CACHE:-$HOME/.cache/liquid-staking-sbf}, each
# under a name made of its versions and of the hash of the script that patches it: a bump rebuilds
# it, later runs skip it. Debian packages are installed with apt-get when missing (needs root).
# Does not touch rustup: the verify step uses whatever `cargo` builds the host crates.
#
# usage: scripts/build-sbf.sh   (from anywhere; builds the checkout the script is in)
#   LIQUID_STAKING_SBF_CACHE   toolchain cache (default ~/.cache/liquid-staking-sbf)
#   LIQUID_STAKING_SBF_TARGET  cargo target dir of the SBF build (default <checkout>/target/sbf)
#   CARGO_TARGET_DIR           honoured by the host build of the verify step only
#   LIQUID_STAKING_SBF_VERIFY  0 skips the verify step (scripts/verify-build.sh's second build)
set -Eeuo pipefail

# Versions. Bumping one rebuilds what depends on it.
RUST_WEB=1.96                    # Debian rustc-web / cargo-web / rust-web-src (major.minor)
LLVM_WHEEL=23.1.1.post0          # PyPI mlc-llvm-static + mlc-llvm-static-extra-targets (has BPF)
SBPF_LINKER=0.2.6                # crates.io sbpf-linker (bpf-linker 0.13, LLVM 23)
DEBIAN_PACKAGES=(rustc-web cargo-web rust-web-src gcc g++ python3 python3-pip)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SBF=$ROOT/scripts/sbf
CACHE=${LIQUID_STAKING_SBF_CACHE:-$HOME/.cache/liquid-staking-sbf}
SBF_TARGET=${LIQUID_STAKING_SBF_TARGET:-$ROOT/target/sbf}
OUT=$ROOT/target/deploy/liquid_staking.so
DEB_RUSTC=/usr/bin/rustc
DEB_CARGO=/usr/bin/cargo

STEP="setup"
STEP_START=0
TOTAL_START=$(date +%s%N)
# (errtrace makes subshells inherit the trap: report once, from the main shell.)
trap 'status=$?; [ "$BASH_SUBSHELL" = 0 ] && echo "build-sbf: FAILED at step \"$STEP\" (exit $status); see the output above" >&2' ERR

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
seconds() { printf '%d.%d s' $(( $1 / 1000 )) $(( $1 % 1000 / 100 )); }
begin() { STEP=$1; STEP_START=$(date +%s%N); }
end() { printf '[build-sbf] %-22s %8s  %s\n' "$STEP" "$(seconds "$(ms_since "$STEP_START")")" "$1"; }
die() { echo "build-sbf: $*" >&2; exit 1; }
hash_of() { cat "$@" | sha256sum | cut -c1-12; }
# Builds a cache entry in a temporary directory and moves it into place only when complete, so an
# interrupted run never leaves an entry that looks finished.
fresh_tmp() { mkdir -p "$CACHE"; mktemp -d "$CACHE/.tmp.XXXXXX"; }
# Installs a finished cache entry, removing the entries it replaces (same kind, other versions).
install_entry() { # install_entry TMP_DIR ENTRY_DIR KIND_PREFIX
  local old
  for old in "$CACHE/$3"*; do [ "$old" = "$2" ] || rm -rf "$old"; done
  mv "$1" "$2"
}

# 1. Debian packages: the compiler, its std sources, a C/C++ toolchain to link sbpf-linker, pip.
begin "debian packages"
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing Debian packages (${missing[*]}); run as root or: sudo apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  note="installed ${missing[*]}"
else
  note="present"
fi
rustc_version=$("$DEB_RUSTC" --version)
[[ $rustc_version == "rustc $RUST_WEB."* ]] \
  || die "$DEB_RUSTC is '$rustc_version', expected $RUST_WEB.x (update RUST_WEB and check scripts/sbf/patch_std.py)"
[ -d /usr/lib/rustlib/src/rust/library/std ] || die "rust-web-src is missing /usr/lib/rustlib/src/rust/library"
end "$note; $rustc_version"

# 2. std sources patched for target_os = "solana".
begin "std sources"
rustc_id=$("$DEB_RUSTC" --version | awk '{print $2 "-" substr($3, 2)}')
RUST_SRC=$CACHE/rust-src-$rustc_id-$(hash_of "$SBF/patch_std.py")
if [ -d "$RUST_SRC/library" ]; then
  end "cached"
else
  tmp=$(fresh_tmp)
  cp -r /usr/lib/rustlib/src/rust/library "$tmp/library"
  python3 "$SBF/patch_std.py" "$tmp/library" >/dev/null
  install_entry "$tmp" "$RUST_SRC" rust-src-
  end "patched a copy into $RUST_SRC"
fi

# 3. LLVM 23 static libraries with the BPF backend (PyPI wheels; only sbpf-linker's build uses them).
begin "llvm $LLVM_WHEEL"
LLVM=$CACHE/llvm-$LLVM_WHEEL
if [ -d "$LLVM/lib" ]; then
  end "cached"
else
  tmp=$(fresh_tmp)
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: -d "$tmp/wheels" \
    "mlc-llvm-static==$LLVM_WHEEL" "mlc-llvm-static-extra-targets==$LLVM_WHEEL"
  for wheel in "$tmp"/wheels/*.whl; do python3 -m zipfile -e "$wheel" "$tmp/unpacked"; done
  [ -f "$tmp/unpacked/mlc_llvm_static/static/lib/libLLVMBPFCodeGen.a" ] || die "the LLVM wheels have no BPF backend"
  install_entry "$tmp/unpacked/mlc_llvm_static/static" "$LLVM" llvm-
  rm -rf "$tmp"
  end "downloaded and unpacked into $LLVM"
fi

# 4. sbpf-linker, statically linked against that LLVM, with the SBPF v0 stack-argument fix.
begin "sbpf-linker $SBPF_LINKER"
LINKER_DIR=$CACHE/sbpf-linker-$SBPF_LINKER-llvm-$LLVM_WHEEL-rustc-$rustc_id-$(hash_of "$SBF/patch_sbpf_linker.py")
LINKER=$LINKER_DIR/bin/sbpf-linker
if [ -x "$LINKER" ]; then
  end "cached"
else
  tmp=$(fresh_tmp)
  # The crate's sources, through cargo: a throwaway package depending on it, whose metadata
  # names the unpacked source directory in cargo's registry.
  mkdir -p "$tmp/fetch/src"
  touch "$tmp/fetch/src/lib.rs"
  printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nsbpf-linker = { version = "=%s", default-features = false }\n' \
    "$SBPF_LINKER" > "$tmp/fetch/Cargo.toml"
  manifest=$("$DEB_CARGO" metadata --quiet --format-version 1 --manifest-path "$tmp/fetch/Cargo.toml" \
    | python3 -c 'import json, sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "sbpf-linker"))')
  cp -r "$(dirname "$manifest")" "$tmp/src"
  python3 "$SBF/patch_sbpf_linker.py" "$tmp/src" >/dev/null
  # LLVM's static libraries, and the zlib / zstd ones bundled with them; libstdc++ is found via cc.
  ( cd "$tmp/src" && env -u RUSTUP_TOOLCHAIN RUSTC="$DEB_RUSTC" LLVM_PREFIX="$LLVM" ZLIB_PATH="$LLVM/lib" LIBZSTD_PATH="$LLVM/lib" \
      CARGO_TARGET_DIR="$tmp/target" "$DEB_CARGO" build --quiet --release --locked --bin sbpf-linker \
      --no-default-features --features bpf-linker/llvm-23,bpf-linker/llvm-link-static )
  mkdir -p "$tmp/out/bin"
  cp "$tmp/target/release/sbpf-linker" "$tmp/out/bin/"
  install_entry "$tmp/out" "$LINKER_DIR" sbpf-linker-
  rm -rf "$tmp"
  end "built into $LINKER_DIR"
fi

# 5. The program, for the custom target, with std rebuilt from the patched sources.
begin "program"
rm -f "$OUT"
# Verifiable builds: no path of this machine in the bytes (panic locations name source files), so
# the same commit built with the same toolchain versions gives the same .so anywhere
# (scripts/verify-build.sh checks it; README, "Deploying").
REGISTRY=${CARGO_HOME:-$HOME/.cargo}/registry/src
REMAP="build.rustflags=['--remap-path-prefix=$REGISTRY=/cargo/registry/src', '--remap-path-prefix=$RUST_SRC/library=/rust/library', '--remap-path-prefix=$ROOT=/build']"
( cd "$ROOT" && env -u RUSTUP_TOOLCHAIN -u CARGO_TARGET_DIR -u RUSTFLAGS -u CARGO_BUILD_RUSTFLAGS \
    PATH="/usr/bin:$PATH" RUSTC="$DEB_RUSTC" RUSTC_BOOTSTRAP=1 __CARGO_TESTS_ONLY_SRC_ROOT="$RUST_SRC/library" \
    CARGO_TARGET_BPFEL_SOLANA_LINKER="$LINKER" \
    "$DEB_CARGO" --config "$SBF/cargo-config.toml" --config "$REMAP" build --quiet --release --locked \
      -p liquid-staking -p rate-consumer --features liquid-staking/upstream-sbf,rate-consumer/upstream-sbf \
      --target "$SBF/bpfel-solana.json" --target-dir "$SBF_TARGET" )
mkdir -p "$(dirname "$OUT")"
# The program, and the test-only program that reads its rate the way a lender would (tests only).
for name in liquid_staking rate_consumer; do
  built=$SBF_TARGET/bpfel-solana/release/lib$name.so
  [ -f "$built" ] || die "cargo finished but $built is missing"
  cp "$built" "$(dirname "$OUT")/$name.so"
done
end "$(stat -c %s "$OUT") bytes, sha256 $(sha256sum "$OUT" | cut -c1-16); rate_consumer.so for the tests"

# 6. Load and verify with Agave 3.1's loader and verifier (all features on, as at deployment).
begin "verify"
if [ "${LIQUID_STAKING_SBF_VERIFY:-1}" = 0 ]; then
  end "skipped (LIQUID_STAKING_SBF_VERIFY=0)"
  STEP="total"; STEP_START=$TOTAL_START; end "$OUT"
  exit 0
fi
verdict=$( cd "$ROOT" && cargo run --quiet -p liquid-staking-localnet --example sbf_verify -- "$OUT" )
verdict="$verdict; $( cd "$ROOT" && cargo run --quiet -p liquid-staking-localnet --example sbf_verify -- "$(dirname "$OUT")/rate_consumer.so" )"
end "$verdict"

STEP="total"
STEP_START=$TOTAL_START
end "$OUT"
