#!/usr/bin/env bash
# Every test of the project, from a fresh machine (it builds what it needs):
#   1. the program's SBF build (scripts/build-sbf.sh), the validator (scripts/build-validator.sh)
#      and the newest release's program (scripts/build-release.sh, cached: the upgrade rehearsal);
#   2. `cargo test --workspace`: math and unit tests, every program test on the in-process chain
#      (the program compiled for the host), the CLI against the real validator (the program
#      deployed through the upgradeable loader; the upgrade from the newest release rehearsed);
#   3. every program test again against the SBF build (LIQUID_STAKING_SBF=1);
#   4. the local chain (`liquid-staking-localnet up`) checked with real client libraries
#      (tests/conformance: @solana/kit and @solana/web3.js under Node);
#   5. the web app (scripts/app-test.sh): its generated client against the IDL, unit tests with the
#      shared quote vectors, the build, the browser end-to-end test against `up`, migrations/deploy.ts;
#   6. the checked-in IDL (idl/liquid_staking.json, what clients are generated from) still matches
#      the program (`cargo run -p liquid-staking-idl -- --check`).
# Prints the time of each step; fails on the first failure.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
timings=()
step_start=$(date +%s)
step() {
  local now
  now=$(date +%s)
  timings+=("$(printf '%-40s %5d s' "$1" $((now - step_start)))")
  echo "== $1: $((now - step_start)) s"
  step_start=$now
}

bash scripts/build-sbf.sh
step "SBF build"
bash scripts/build-validator.sh
step "validator build"
bash scripts/build-release.sh newest > /dev/null
step "newest release's build (the upgrade rehearsal)"
cargo test --workspace
step "cargo test --workspace"
LIQUID_STAKING_SBF=1 cargo test -p liquid-staking-tests --test program
step "program tests as SBF"
bash tests/conformance/run.sh
step "conformance (real client libraries)"
bash scripts/app-test.sh
step "web app (client, unit tests, build, browser e2e, deploy.ts)"
cargo run -q -p liquid-staking-idl -- --check
step "IDL drift check"

echo "== test.sh steps:"
printf '   %s\n' "${timings[@]}"
