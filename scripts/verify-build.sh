#!/usr/bin/env bash
# Verifiable build: two SBF builds of one commit, from two clean places, give the same bytes.
# Builds HEAD again from a `git archive` copy at another path with its own target directory,
# compares its liquid_staking.so with this checkout's (brought up to date first) and prints the
# sha256 a deployed program's bytes must have (README, "Deploying": reading the deployed hash).
# CI runs it on its clean clone. About 7 minutes (the second build compiles every dependency).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# What the program's build reads: it must be HEAD's, since the second build is of HEAD.
inputs=(programs Cargo.toml Cargo.lock scripts/build-sbf.sh scripts/sbf)
if ! git diff --quiet HEAD -- "${inputs[@]}"; then
  echo "verify-build: ${inputs[*]} differ from HEAD; commit first (the second build is of HEAD)" >&2
  exit 1
fi
so=target/deploy/liquid_staking.so
# This checkout's build, up to date (quick when it is).
bash scripts/build-sbf.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive HEAD | tar -x -C "$work"
start=$(date +%s)
LIQUID_STAKING_SBF_VERIFY=0 LIQUID_STAKING_SBF_TARGET="$work/target/sbf" bash "$work/scripts/build-sbf.sh"
first=$(sha256sum "$so" | cut -d' ' -f1)
second=$(sha256sum "$work/$so" | cut -d' ' -f1)
echo "verify-build: $ROOT: $first"
echo "verify-build: a clean copy of $(git rev-parse --short HEAD) at another path: $second ($(( $(date +%s) - start )) s)"
if [ "$first" != "$second" ]; then
  cmp -l "$so" "$work/$so" | head -20 >&2 || true
  echo "verify-build: the two builds differ" >&2
  exit 1
fi
echo "verify-build: reproducible: liquid_staking.so $(stat -c %s "$so") bytes, sha256 $first"
