#!/usr/bin/env bash
# Starts the local chain (`liquid-staking-localnet up`, on free ports, its own ledger and info
# file), runs the conformance check with real client libraries against it, and stops it.
# Needs Node.js and npm (the machine's); installs the pinned packages with `npm ci`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/tests/conformance"
work=$(mktemp -d)
cargo build -q -p liquid-staking-localnet -p liquid-staking-cli --manifest-path "$ROOT/Cargo.toml"
( cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error )

# A free port whose next port is free too (the validator's PubSub is RPC + 1), and a free faucet port.
read -r rpc faucet < <(python3 - <<'PY'
import socket
def free(port=0):
    s = socket.socket(); s.bind(("127.0.0.1", port)); p = s.getsockname()[1]; s.close(); return p
while True:
    p = free()
    try:
        free(p + 1); break
    except OSError:
        pass
print(p, free())
PY
)
base=$(( 30000 + ($$ % 300) * 100 ))
"$ROOT/target/debug/liquid-staking-localnet" up --rpc-port "$rpc" --faucet-port "$faucet" \
  --dynamic-port-range "$base-$((base + 99))" --ledger "$work/ledger" --info-out "$work/localnet.json" \
  --authority-out "$work/authority.json" > "$work/up.out" 2> "$work/up.err" &
up=$!
trap 'kill $up 2>/dev/null || true; wait $up 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do [ -s "$work/localnet.json" ] && break; kill -0 $up 2>/dev/null || break; sleep 1; done
[ -s "$work/localnet.json" ] || { echo "the local chain did not start:"; cat "$work/up.err"; exit 1; }
node "$HERE/conformance.mjs" --info "$work/localnet.json" --cli "$ROOT/target/debug/liquid-staking"
