#!/usr/bin/env bash
# The web app's checks, from a fresh machine: Node.js/npm and Debian's Chromium installed when
# missing (as root); the app's packages; the generated client checked against the IDL; the quote
# math's unit tests and its shared vectors (written from the Rust quotes by the SDK's example);
# the production build; then the browser end-to-end test (playwright-core driving Debian's
# Chromium with a Wallet Standard test wallet) against `liquid-staking-localnet up` on free ports.
# Screenshots go to app/e2e/screenshots/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
APP=$ROOT/app
source "$ROOT/scripts/localnet.sh"

missing=()
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "app-test: needs ${missing[*]}: sudo apt-get install ${missing[*]}" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cd "$APP"
# npm install, not npm ci: Vite's lock entry names an optional Windows-only package the registry
# does not serve; npm ci refuses the lock for it, npm install (same locked versions) skips it.
npm install --no-audit --no-fund --loglevel=error
npm run --silent codegen:check
( cd "$ROOT" && cargo run -q -p liquid-staking-sdk --example quote_vectors )
npm test --silent
npm run --silent build

cd "$ROOT"
cargo build -q -p liquid-staking-localnet -p liquid-staking-cli
work=$(mktemp -d)
start_localnet "$work" --app-addr off
read -r port _ _ < <(python3 "$ROOT/scripts/free_ports.py")
( cd "$APP" && npm run --silent e2e -- --info "$LOCALNET_INFO" --cli "$ROOT/target/debug/liquid-staking" --port "$port" --no-build )

# migrations/deploy.ts against the same chain: a second pool over every vote account, checked with
# the CLI.
rpc=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rpcUrl"])' "$LOCALNET_INFO")
ws=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wsUrl"])' "$LOCALNET_INFO")
authority=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["authorityKeypair"])' "$LOCALNET_INFO")
"$APP/node_modules/.bin/tsx" "$ROOT/migrations/deploy.ts" --url "$rpc" --ws "$ws" --keypair "$authority" --out "$work/deployed.json"
pool=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pool"])' "$work/deployed.json")
"$ROOT/target/debug/liquid-staking" --url "$rpc" pool show --pool "$pool" --output json > "$work/shown.json"
python3 - "$work/shown.json" "$work/deployed.json" <<'PY'
import json, sys
shown, deployed = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
count = shown.get("validatorCount", shown.get("validators"))
assert count == len(deployed["validators"]) and count > 0, (shown, deployed)
print(f"deploy.ts: pool {deployed['pool']} created with {count} validators")
PY
