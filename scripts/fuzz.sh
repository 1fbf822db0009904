#!/usr/bin/env bash
# The runtime fuzz harness's long run (runtime/tests/fuzz.rs): random sequences of every identity,
# consent, records and audit-log call dispatched in the runtime itself, with those pallets'
# invariants checked after each block and "a refused call changes nothing" after each call.
# scripts/test.sh runs a short version (20,000 calls); this one defaults to 1,000,000.
#
#   scripts/fuzz.sh [CALLS] [SEED]      e.g. scripts/fuzz.sh 1000000 7
#
# Prints the calls made, how many succeeded and how long it took; a broken invariant or a panic
# fails with the call that caused it (the run is reproducible from its seed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
source "$here/env.sh"
cd "$(dirname "$here")"
export MEDCHAIN_FUZZ_CALLS="${1:-1000000}" MEDCHAIN_FUZZ_SEED="${2:-1}"
start=$(date +%s)
# --workspace, like scripts/test.sh, so the dependencies build with the same features and are reused;
# `--test fuzz` picks the runtime's integration test of that name, and nothing else.
cargo test --locked --workspace --test fuzz -- --nocapture
echo "fuzz: $MEDCHAIN_FUZZ_CALLS calls, seed $MEDCHAIN_FUZZ_SEED, $(( $(date +%s) - start )) s"
