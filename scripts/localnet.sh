# Sourced by scripts that need the local chain for a while (tests/conformance/run.sh,
# scripts/walkthrough.sh). `start_localnet DIR [up flags...]` starts `liquid-staking-localnet up`
# (the web app too, on a free port)
# on free ports (the crank bot's metrics too) with its ledger, info file and authority key in DIR,
# waits for its JSON line and
# sets LOCALNET_PID and LOCALNET_INFO (DIR/localnet.json). The caller stops it with stop_localnet
# (also run on exit). Its stdout is DIR/up.out, its stderr (epoch lines) DIR/up.err.
LOCALNET_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

start_localnet() {
  local dir=$1; shift
  local rpc faucet base
  # Free RPC (and RPC + 1) and faucet ports, and a range for the validator's other ports clear of both.
  read -r rpc faucet base < <(python3 "$LOCALNET_ROOT/scripts/free_ports.py")
  LOCALNET_INFO=$dir/localnet.json
  "$LOCALNET_ROOT/target/debug/liquid-staking-localnet" up --rpc-port "$rpc" --faucet-port "$faucet" \
    --dynamic-port-range "$base-$((base + 99))" --ledger "$dir/ledger" --info-out "$LOCALNET_INFO" \
    --authority-out "$dir/authority.json" --metrics-addr 127.0.0.1:0 --app-addr 127.0.0.1:0 "$@" > "$dir/up.out" 2> "$dir/up.err" &
  LOCALNET_PID=$!
  trap stop_localnet EXIT
  for _ in $(seq 1 180); do
    [ -s "$LOCALNET_INFO" ] && return 0
    kill -0 "$LOCALNET_PID" 2>/dev/null || break
    sleep 1
  done
  echo "the local chain did not start:" >&2
  cat "$dir/up.err" >&2
  return 1
}

stop_localnet() {
  [ -n "${LOCALNET_PID:-}" ] || return 0
  kill "$LOCALNET_PID" 2>/dev/null || true
  wait "$LOCALNET_PID" 2>/dev/null || true
  LOCALNET_PID=
}
