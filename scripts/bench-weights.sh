#!/usr/bin/env bash
# Regenerates every MedChain pallet's weights.rs from its benchmarks: builds the node with the
# `runtime-benchmarks` feature and runs `medchain-node benchmark pallet` for each pallet.
# Slow (a second node build); run it when a pallet's calls or storage change.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
"$here/setup.sh"
source "$here/env.sh"
cd "$root"
# frame-benchmarking-cli carries a test runtime whose wasm the pallet benchmarks never use.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1
cargo build --locked -p medchain-node --features runtime-benchmarks
bench_node="$CARGO_TARGET_DIR/debug/medchain-node"

# PALLETS="records consent" regenerates only those pallets' weights (default: all of them).
for entry in pallet_patient_identity:identity pallet_audit_log:audit-log pallet_consent:consent \
	pallet_medical_records:records; do
	pallet="${entry%%:*}" dir="${entry##*:}"
	if [ -n "${PALLETS:-}" ] && [[ " $PALLETS " != *" $dir "* ]]; then continue; fi
	echo "== $pallet"
	"$bench_node" benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' \
		--steps "${STEPS:-10}" --repeat "${REPEAT:-3}" --wasm-execution compiled \
		--heap-pages 4096 --output "pallets/$dir/src/weights.rs" \
		--header scripts/weights-header.txt --template scripts/weights-template.hbs
done
