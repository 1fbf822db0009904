#!/usr/bin/env bash
# Sets up the machine, builds, and runs every MedChain test: the Rust unit, benchmark and
# integration tests, the JavaScript package's tests, then the end-to-end suite (a real node
# driven by Polkadot.js, and the portal driven in headless Chromium).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
"$here/setup.sh"
cd "$root"
echo "== Formatting (cargo fmt --check, .rustfmt.toml)"
cargo fmt --all --check
echo "== Build, with clippy's lints on the workspace's crates (scripts/env.sh)"
"$here/build.sh"
source "$here/env.sh"

echo "== Rust tests (unit, runtime, node CLI)"
cargo test --locked --workspace

benched=$(sed -nE 's/^\t"(pallets\/[^"]+)",/\1/p' Cargo.toml)
if [ -n "$benched" ]; then
	echo "== Benchmark tests (runtime-benchmarks feature, each pallet's mock runtime)"
	pkgs=()
	for dir in $benched; do pkgs+=(-p "$(sed -nE 's/^name = "([^"]+)"/\1/p' "$dir/Cargo.toml" | head -1)"); done
	cargo test --locked "${pkgs[@]}" --features runtime-benchmarks
fi

echo "== JavaScript package tests (@medchain/api, node --test; vectors from the Rust client)"
(cd js && node --test --test-reporter=spec test/)

echo "== Portal build (web/ → web/dist, Vite)"
npm run --silent build -w web

echo "== End-to-end tests (medchain-node + Polkadot.js; the portal in headless Chromium)"
export MEDCHAIN_E2E_LOGS="${MEDCHAIN_E2E_LOGS:-$(mktemp -d /tmp/medchain-e2e-logs.XXXX)}"
echo "node logs: $MEDCHAIN_E2E_LOGS"
cd tests/e2e
node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs
