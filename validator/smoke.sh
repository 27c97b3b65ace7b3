#!/usr/bin/env bash
# Smoke test of the local chain: start liquid-staking-validator, check it over JSON-RPC with curl,
# stop it with SIGTERM. Needs curl and python3. Exit 0 and a closing "N passed, 0 failed" line
# when every check passes.
#
#   validator/smoke.sh [BINARY] [-- extra validator flags]
#
# BINARY defaults to validator/target/release/liquid-staking-validator, else the debug one
# (which fails the history checks: see README.md). RPC_PORT / FAUCET_PORT
# (defaults 8899 / 9900) choose the ports. Without target/deploy/liquid_staking.so (or a
# --program flag) the validator starts with --no-program and the program check is skipped.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
default_bin="$here/target/release/liquid-staking-validator"
[ -x "$default_bin" ] || default_bin="$here/target/debug/liquid-staking-validator"
bin="${1:-$default_bin}"
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
rpc_port="${RPC_PORT:-8899}"
faucet_port="${FAUCET_PORT:-9900}"
rpc="http://127.0.0.1:$rpc_port"

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

extra=("$@")
want_program=1
if [ ${#extra[@]} -eq 0 ] || ! printf '%s\n' "${extra[@]}" | grep -q -- '^--program'; then
  if [ ! -f "$root/target/deploy/liquid_staking.so" ]; then
    echo "smoke: no $root/target/deploy/liquid_staking.so: starting with --no-program" >&2
    extra+=(--no-program)
    want_program=0
  fi
fi
printf '%s\n' "${extra[@]+"${extra[@]}"}" | grep -q -- '^--no-program$' && want_program=0

start=$(date +%s.%N)
"$bin" --ledger "$work/ledger" --rpc-port "$rpc_port" --faucet-port "$faucet_port" \
  ${extra[@]+"${extra[@]}"} > "$work/stdout" 2> "$work/stderr" &
pid=$!
for _ in $(seq 1 600); do
  [ -s "$work/stdout" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then echo "smoke: validator exited early:" >&2; cat "$work/stderr" >&2; exit 1; fi
  sleep 0.2
done
[ -s "$work/stdout" ] || { echo "smoke: no JSON line within 120 s" >&2; tail -20 "$work/stderr" >&2; exit 1; }
ready=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
echo "smoke: ready after ${ready}s: $(cat "$work/stdout")"

passed=0; failed=0
check() { # name, python expression over `r` (the JSON-RPC result) and `info`; method; params
  local name="$1" expr="$2" method="$3" params="${4:-[]}"
  local out
  out=$(curl -s -m 10 "$rpc" -H 'Content-Type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$method\",\"params\":$params}" || true)
  if python3 - "$out" "$work/stdout" "$expr" <<'PY'
import json, sys
resp = json.loads(sys.argv[1] or '{}'); info = json.loads(open(sys.argv[2]).read())
r = resp.get("result")
ok = eval(sys.argv[3])
sys.exit(0 if ok else 1)
PY
  then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name: $out"; fi
}

info() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$work/stdout" "$1"; }
info_file="$work/ledger/localnet.json"
if cmp -s "$info_file" "$work/stdout"; then passed=$((passed + 1)); echo "ok   info file equals stdout line"
else failed=$((failed + 1)); echo "FAIL info file $info_file differs from stdout"; fi

check getHealth 'r == "ok"' getHealth
check getEpochInfo 'r["slotsInEpoch"] == info["slotsPerEpoch"]' getEpochInfo
check "getVoteAccounts: own vote account current (processed)" \
  '[v["votePubkey"] for v in r["current"]] == info["voteAccounts"][:1]' getVoteAccounts '[{"commitment":"processed"}]'
check "getVoteAccounts: extra vote accounts delinquent" \
  'set(info["voteAccounts"][1:]) <= {v["votePubkey"] for v in r["delinquent"] if v["activatedStake"] == 0}' \
  getVoteAccounts '[{"commitment":"processed","keepUnstakedDelinquents":true}]'
if [ "$want_program" = 1 ]; then
  check "program account executable" 'r["value"]["executable"] is True' getAccountInfo \
    "[\"$(info programId)\",{\"encoding\":\"base64\"}]"
fi
payee=$(info identity)
rpc_call() { curl -s -m 10 "$rpc" -H 'Content-Type: application/json' -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}"; }
field() { python3 -c "import json,sys; r=json.load(sys.stdin).get('result'); print(eval(sys.argv[1]))" "$1"; }
airdrop=$(rpc_call requestAirdrop "[\"$payee\",1000000000]" | field 'r or ""')
if [ ${#airdrop} -gt 60 ]; then passed=$((passed + 1)); echo "ok   requestAirdrop"
else failed=$((failed + 1)); echo "FAIL requestAirdrop: $airdrop"; fi
sleep 2
check "getBalance after airdrop" 'r["value"] >= 1000000000' getBalance "[\"$payee\",{\"commitment\":\"processed\"}]"
# Transaction history: the airdrop is found by address, by signature and in its block, at
# `confirmed`. The history RPCs read the blockstore, which may trail the confirmed bank by a slot
# or more: poll up to 40 s and report how long it took.
sig="$airdrop"
t=$(date +%s.%N); found=""
for _ in $(seq 1 80); do
  found=$(rpc_call getTransaction "[\"$sig\",{\"commitment\":\"confirmed\",\"maxSupportedTransactionVersion\":0}]" | field 'r["slot"] if r else ""')
  [ -n "$found" ] && break
  sleep 0.5
done
echo "     getTransaction(confirmed) answered after $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$t" "$(date +%s.%N)")s"
slot="${found:-0}"
check "getTransaction" 'r is not None and r["meta"]["err"] is None' getTransaction \
  "[\"$sig\",{\"commitment\":\"confirmed\",\"maxSupportedTransactionVersion\":0}]"
check "getSignaturesForAddress" "\"$sig\" in [x[\"signature\"] for x in r]" getSignaturesForAddress "[\"$payee\",{\"commitment\":\"confirmed\"}]"
check "getBlock" "r is not None and \"$sig\" in r[\"signatures\"]" getBlock \
  "[$slot,{\"commitment\":\"confirmed\",\"maxSupportedTransactionVersion\":0,\"transactionDetails\":\"signatures\"}]"

ws=$(info wsUrl)
for sub in 'slotSubscribe []' 'blockSubscribe ["all",{"transactionDetails":"none","showRewards":false}]' 'voteSubscribe []'; do
  if python3 "$here/ws_check.py" "$ws" ${sub%% *} "${sub#* }" 20; then passed=$((passed + 1)); echo "ok   ${sub%% *}"
  else failed=$((failed + 1)); echo "FAIL ${sub%% *}"; fi
done

kill -TERM "$pid"
t=$(date +%s.%N)
if wait "$pid"; then passed=$((passed + 1)); echo "ok   SIGTERM: clean exit after $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$t" "$(date +%s.%N)")s"
else failed=$((failed + 1)); echo "FAIL SIGTERM: exit code $?"; tail -5 "$work/stderr"; fi
pid=""
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
