#!/usr/bin/env bash
# The crank bot alone keeping a pool of many validators updated over many epochs on the local
# chain: `liquid-staking-localnet up --extra-votes N-1 --epochs E` (the bot runs inside `up`, paying
# from a key with no role in the pool), while a staker orders a ticket every epoch and claims the
# ones due. Prints the chain's epoch lines (rate, crank transactions), the bot's metrics at the
# end, and checks that every epoch was updated and every due ticket paid.
# usage: scripts/crank-soak.sh [VALIDATORS=100] [EPOCHS=10]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VALIDATORS=${1:-100}
EPOCHS=${2:-10}
source "$ROOT/scripts/localnet.sh"
cd "$ROOT"
cargo build -q -p liquid-staking-localnet -p liquid-staking-cli
work=$(mktemp -d)
metrics_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
started=$(date +%s)
start_localnet "$work" --extra-votes $((VALIDATORS - 1)) --epochs "$EPOCHS" --metrics-addr "127.0.0.1:$metrics_port"
echo "== pool of $VALIDATORS validators ready after $(( $(date +%s) - started )) s; $EPOCHS epochs of the bot alone"
export LIQUID_STAKING_LOCALNET=$LOCALNET_INFO
me=(target/debug/liquid-staking -k "$work/me.json" --output json)
"${me[@]}" keygen > /dev/null
"${me[@]}" airdrop 1000 > /dev/null
"${me[@]}" deposit 500 > /dev/null
last_epoch=-1
while kill -0 "$LOCALNET_PID" 2>/dev/null; do
  curl -s "http://127.0.0.1:$metrics_port/metrics" > "$work/metrics.tmp" 2>/dev/null && mv "$work/metrics.tmp" "$work/metrics" || true
  epoch=$(sed -n 's/^liquid_staking_crank_pool_last_update_epoch \([0-9]*\)$/\1/p' "$work/metrics" 2>/dev/null || true)
  if [ -n "$epoch" ] && [ "$epoch" != "$last_epoch" ]; then
    # Once per updated epoch: claim what is due, order a new ticket, note the open tickets.
    "${me[@]}" claim > /dev/null 2>&1 || true
    "${me[@]}" order-unstake 3 > /dev/null 2>&1 || true
    "${me[@]}" tickets > "$work/tickets.tmp" 2>/dev/null && mv "$work/tickets.tmp" "$work/tickets.json" || true
    last_epoch=$epoch
  fi
  sleep 2
done
wait "$LOCALNET_PID" || { echo "up failed:"; tail -20 "$work/up.err"; exit 1; }
LOCALNET_PID=
echo "== epoch lines"
grep '^epoch' "$work/up.err"
echo "== the bot's metrics at the end"
grep -v '^#' "$work/metrics"
echo "== tickets"
# The chain has stopped: read the tickets left from the ledger's last state is not possible, so
# the loop above claimed each epoch; the ones still open must all be from the last two epochs.
python3 - "$work/up.err" "$EPOCHS" "$work/tickets.json" <<'PY'
import json, re, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("epoch ")]
epochs = [int(re.match(r"epoch (\d+):", l).group(1)) for l in lines]
assert len(epochs) >= int(sys.argv[2]), f"expected {sys.argv[2]} updated epochs, saw {epochs}"
assert epochs == list(range(epochs[0], epochs[0] + len(epochs))), f"an epoch was missed: {epochs}"
print(f"soak: {len(epochs)} consecutive epochs updated by the bot alone ({epochs[0]}..{epochs[-1]})")
tickets = json.load(open(sys.argv[3]))["tickets"]
late = [t for t in tickets if t["claimableEpoch"] < epochs[-1] - 1]
assert not late, f"tickets due before epoch {epochs[-1] - 1} were not paid: {late}"
print(f"tickets: {len(tickets)} open at the end, all ordered in the last epochs; every earlier one was claimed")
PY
echo "== total $(( $(date +%s) - started )) s"
