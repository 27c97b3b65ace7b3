#!/usr/bin/env bash
# Builds the program of a released version (releases/<version>/commit) for SBF, from a `git archive`
# copy of that commit with its own build script, and caches the .so under
# ${LIQUID_STAKING_RELEASE_CACHE:-~/.cache/liquid-staking-releases}/<commit>/liquid_staking.so:
# what the upgrade rehearsal (crates/cli/tests/upgrade.rs) deploys before upgrading it to this
# checkout's build. The build is reproducible (scripts/verify-build.sh), so the cached file is that
# commit's program; its sha256 is printed and, when releases/<version>/sha256 names the toolchain's
# hash, compared.
# usage: scripts/build-release.sh VERSION|newest    (prints the .so's path last; about 3 minutes uncached)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
version=${1:?usage: scripts/build-release.sh VERSION|newest (one of: $(ls releases | tr '\n' ' '))}
if [ "$version" = newest ]; then
  version=$(find releases -mindepth 2 -maxdepth 2 -name commit -printf '%h\n' | xargs -n1 basename | sort -V | tail -1)
fi
[ -f "releases/$version/commit" ] || { echo "build-release: no releases/$version/commit" >&2; exit 1; }
commit=$(tr -d '[:space:]' < "releases/$version/commit")
git cat-file -e "$commit^{commit}" 2>/dev/null || { echo "build-release: commit $commit of release $version is not in this clone's history" >&2; exit 1; }
CACHE=${LIQUID_STAKING_RELEASE_CACHE:-$HOME/.cache/liquid-staking-releases}
out=$CACHE/$commit/liquid_staking.so
if [ ! -f "$out" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  git archive "$commit" | tar -x -C "$work"
  start=$(date +%s)
  echo "[build-release] building release $version ($commit) in $work" >&2
  LIQUID_STAKING_SBF_VERIFY=0 LIQUID_STAKING_SBF_TARGET="$work/target/sbf" bash "$work/scripts/build-sbf.sh" >&2
  mkdir -p "$(dirname "$out")"
  cp "$work/target/deploy/liquid_staking.so" "$out.tmp" && mv "$out.tmp" "$out"
  echo "[build-release] release $version built in $(( $(date +%s) - start )) s" >&2
fi
echo "[build-release] release $version ($commit): $(stat -c %s "$out") bytes, sha256 $(sha256sum "$out" | cut -d' ' -f1)" >&2
echo "$out"
