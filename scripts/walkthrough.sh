#!/usr/bin/env bash
# The README's run command and walk-through, checked: starts the local chain
# (`liquid-staking-localnet up`, on free ports with its own ledger and info file), then runs the
# walk-through's CLI commands as a staker and as the pool's authority, and checks that the chain's
# epoch lines show the crank running and the rate rising with real rewards. Stops the chain.
# Also: the crank bot's /metrics and /healthz, and `liquid-staking-crank --once` beside it.
# usage: scripts/walkthrough.sh      (about 3 minutes; fails on the first command that fails)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/localnet.sh"
cd "$ROOT"
cargo build -q -p liquid-staking-localnet -p liquid-staking-cli
work=$(mktemp -d)
start_localnet "$work"
echo "== local chain: $(cat "$LOCALNET_INFO")"
# The CLI finds the chain and the pool in the info file; this one is not at the default path.
export LIQUID_STAKING_LOCALNET=$LOCALNET_INFO
me=(target/debug/liquid-staking -k "$work/me.json")
admin=(target/debug/liquid-staking -k "$work/authority.json")
run() { echo "\$ liquid-staking ${*:2}" | sed "s|$work/||g"; "$@"; }

run "${me[@]}" keygen
run "${me[@]}" airdrop 100
run "${me[@]}" deposit 50
run "${me[@]}" pool show
run "${me[@]}" instant-unstake 1
run "${me[@]}" order-unstake 5
run "${me[@]}" unstake 10 --max-fee-bps 50
run "${me[@]}" tickets
run "${me[@]}" claim --wait
run "${me[@]}" withdraw-stake 2
run "${me[@]}" balance

run "${admin[@]}" validator list
# The chain runs this checkout's SBF build: the deployed bytes are the local .so's.
run "${me[@]}" program verify
run "${admin[@]}" pause --deposits
if "${me[@]}" deposit 1 2> "$work/paused.err"; then echo "a deposit went through while deposits were paused" >&2; exit 1; fi
grep -q DepositsPaused "$work/paused.err" || { echo "expected DepositsPaused, got:" >&2; cat "$work/paused.err" >&2; exit 1; }
echo "(deposit refused while paused: $(cat "$work/paused.err"))"
run "${admin[@]}" unpause --deposits
run "${admin[@]}" set-fees --deposit-bps 10
run "${admin[@]}" withdraw-treasury all
run "${admin[@]}" set-roles --treasury-authority "$("${admin[@]}" address)"
run "${me[@]}" deposit 1

run "${me[@]}" wait-epoch

# `up` serves the web app with a /config.json naming this chain and pool.
app_url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["appUrl"])' "$LOCALNET_INFO")
curl -sf "$app_url" | grep -q "<title>Liquid staking</title>"
curl -sf "${app_url}config.json" | python3 -c 'import json,sys; c=json.load(sys.stdin); i=json.load(open(sys.argv[1])); assert c["pool"]==i["pool"] and c["rpcUrl"]==i["rpcUrl"], c; print("app:", sys.argv[2], "serves the pool", c["pool"])' "$LOCALNET_INFO" "$app_url"

# The crank bot inside `up` serves its metrics; a second bot run once finds nothing to do.
metrics_url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["crankMetrics"])' "$LOCALNET_INFO")
curl -sf "$metrics_url" | grep -E '^liquid_staking_crank_(epoch|pool_last_update_epoch|transactions_total|fees_paid_lamports_total)' 
curl -sf "${metrics_url%/metrics}/healthz"
cargo build -q -p liquid-staking-crank
target/debug/liquid-staking-crank --help > /dev/null
echo "\$ liquid-staking-crank --once"
target/debug/liquid-staking-crank -k "$work/me.json" --once --metrics-addr off

# The chain's own output: one line per epoch once the crank has run. Stake delegated in epoch N
# earns from N+1 and is paid at the start of N+2: wait (up to 6 more epochs) for an epoch whose
# crank found rewards, then check that the rate rose.
echo "== waiting for an epoch with rewards in the local chain's output"
python3 - "$work/up.err" <<'PY2'
import re, sys, time
deadline = time.time() + 600
while True:
    lines = [l.rstrip() for l in open(sys.argv[1]) if l.startswith("epoch ")]
    rates = [float(m.group(1)) for l in lines if (m := re.search(r"rate ([0-9.]+) SOL per LST", l))]
    rewarded = [l for l in lines if (m := re.search(r"rewards ([0-9.]+) SOL", l)) and float(m.group(1)) > 0]
    if rewarded or time.time() > deadline:
        break
    time.sleep(2)
print("\n".join(lines))
assert rewarded, "no epoch paid rewards within 10 minutes"
assert len(rates) >= 2 and rates[-1] > rates[0], f"the rate did not rise: {rates}"
print(f"walk-through: {len(rates)} epochs cranked, {len(rewarded)} with rewards, rate {rates[0]:.9f} -> {rates[-1]:.9f}")
PY2

# Validator risk on `up`: the two vote accounts that never vote become ineligible (delinquent after
# the rules' two watched epochs without a credit) and the bot deactivates their stake, which
# returns to the reserve and is staked into the validator that votes.
echo "== waiting for the validators that never vote to lose their stake"
python3 - "$work/authority.json" <<'PY3'
import json, subprocess, sys, time
deadline = time.time() + 600
while True:
    out = subprocess.run(["target/debug/liquid-staking", "-k", sys.argv[1], "validator", "list", "--output", "json"], capture_output=True, text=True)
    rows = json.loads(out.stdout)["validators"] if out.returncode == 0 else []
    silent = [r for r in rows if r.get("windowCredits") == 0]
    gone = [r for r in silent if not r["eligible"] and r["stakeLamports"] < 10**7]
    if len(silent) == 2 and len(gone) == 2:
        break
    assert time.time() < deadline, f"the silent validators kept their stake: {rows}"
    time.sleep(5)
voting = [r for r in rows if r.get("windowCredits", 0) > 0]
for r in rows:
    print(f"  {r['voteAccount']}  stake {r['stakeLamports'] / 1e9:.3f} SOL  {r['standing']}")
assert len(voting) == 1 and voting[0]["eligible"], rows
print(f"validator risk: {len(gone)} silent validators ineligible ({gone[0]['reason']}), their stake back in the reserve")
PY3

# Targets from scores: the operator switches the pool to the top validator by score; anyone selects
# (the bot does too, at its next poll); from then on the operator's weights are refused by name.
run "${admin[@]}" validator mode top-equal --top 1
run "${admin[@]}" validator select
run "${admin[@]}" validator mode
"${admin[@]}" validator mode --output json | python3 -c 'import json,sys; m=json.load(sys.stdin); s=m["lastSelection"]; assert m["mode"]==1 and s and s["validators"]==1, m; print("score mode: the top validator selected, cutoff score", s["cutoffScore"])'
vote=$("${admin[@]}" validator list --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)["validators"][0]["voteAccount"])')
if "${admin[@]}" validator set-weight "$vote" --weight 5 2> "$work/weight.err"; then echo "a weight was set in score mode" >&2; exit 1; fi
grep -q WeightsFollowScores "$work/weight.err" || { echo "expected WeightsFollowScores, got:" >&2; cat "$work/weight.err" >&2; exit 1; }
echo "(weight refused in score mode: $(cat "$work/weight.err"))"
