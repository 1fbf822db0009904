#!/usr/bin/env bash
# Sets up the machine, builds, and runs every MedChain test: the Rust unit, benchmark and
# integration tests, the JavaScript package's tests, then the end-to-end suite (a real node
# driven by Polkadot.js, and the portal driven in headless Chromium).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# Each stage's heading says how long the run has taken so far, so a log shows where time goes.
started=$SECONDS
stage() { printf '== [%02d:%02d] %s\n' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)) "$1"; }
trap 'stage "finished (exit status $?)"' EXIT
"$here/setup.sh"
cd "$root"
stage "Formatting (cargo fmt --check, .rustfmt.toml)"
cargo fmt --all --check
stage "Build, with clippy's lints on the workspace's crates (scripts/env.sh)"
"$here/build.sh"
source "$here/env.sh"

stage "Rust tests (unit, runtime, node CLI)"
cargo test --locked --workspace

benched=$(sed -nE 's/^\t"(pallets\/[^"]+)",/\1/p' Cargo.toml)
if [ -n "$benched" ]; then
	stage "Benchmark tests (runtime-benchmarks feature, each pallet's mock runtime)"
	pkgs=()
	for dir in $benched; do pkgs+=(-p "$(sed -nE 's/^name = "([^"]+)"/\1/p' "$dir/Cargo.toml" | head -1)"); done
	cargo test --locked "${pkgs[@]}" --features runtime-benchmarks
fi

stage "JavaScript package tests (@medchain/api, node --test; vectors from the Rust client)"
(cd js && node --test --test-reporter=spec test/*.test.js)

stage "Portal build (web/ → web/dist, Vite)"
npm run --silent build -w web

export MEDCHAIN_E2E_LOGS="${MEDCHAIN_E2E_LOGS:-$(mktemp -d /tmp/medchain-e2e-logs.XXXX)}"
stage "Load generator smoke (medchain-load: every mode, a few hundred transactions, on a dev node)"
"$here/load-smoke.sh" "$MEDCHAIN_E2E_LOGS/load-smoke"

stage "End-to-end tests (medchain-node + Polkadot.js; the portal in headless Chromium)"
echo "node logs: $MEDCHAIN_E2E_LOGS"
cd tests/e2e
node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs
