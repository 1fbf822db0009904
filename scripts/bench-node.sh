#!/usr/bin/env bash
# Builds what the performance scripts run and prints the node's path on stdout:
#   - medchain-node with the `production` profile (LTO, one codegen unit), the benchmarking CLI
#     (`runtime-benchmarks`) and the `audit-bench` chain (`load-bench`): weights, throughput,
#     latency and audit figures all come from this one optimised binary;
#   - medchain-load (the load generator) with the same profile.
# The first build takes long (about an hour on 2 cores); later ones rebuild what changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh" >&2
source "$here/env.sh"
cd "$(dirname "$here")"
# frame-benchmarking-cli carries a test runtime whose wasm no MedChain benchmark uses.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1
cargo build --locked --profile production -p medchain-node --features runtime-benchmarks,load-bench >&2
cargo build --locked --profile production -p medchain-load >&2
echo "$CARGO_TARGET_DIR/production/medchain-node"
