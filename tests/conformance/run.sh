#!/usr/bin/env bash
# Starts the local chain (`liquid-staking-localnet up`, on free ports, its own ledger and info
# file), runs the conformance check with real client libraries against it, and stops it.
# Needs Node.js 18+ and npm (Debian's nodejs and npm are installed when missing, as root); installs
# the pinned packages with `npm ci`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/tests/conformance"
source "$ROOT/scripts/localnet.sh"
work=$(mktemp -d)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "conformance: needs Node.js and npm: sudo apt-get install nodejs npm" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
cargo build -q -p liquid-staking-localnet -p liquid-staking-cli --manifest-path "$ROOT/Cargo.toml"
( cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error )
start_localnet "$work"
node "$HERE/conformance.mjs" --info "$LOCALNET_INFO" --cli "$ROOT/target/debug/liquid-staking"
