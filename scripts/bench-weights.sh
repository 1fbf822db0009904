#!/usr/bin/env bash
# Regenerates every weight the runtime uses, from the production-profile node on this machine:
#   1. `benchmark pallet` for MedChain's pallets (pallets/*/src/weights.rs) and the FRAME pallets
#      the runtime configures (runtime/src/weights/<pallet>.rs), STEPS=50 REPEAT=20 by default;
#   2. `benchmark storage` on ParityDB (the node's only database) over a chain state with
#      1,000,000 audit entries (the `audit-bench` chain) → runtime/src/weights/paritydb_weights.rs;
#   3. `benchmark overhead`: an empty block and the per-extrinsic base
#      → runtime/src/weights/{block,extrinsic}_weights.rs.
# Run it when a call, a storage item or the hardware changes, then rebuild and commit.
#   PALLETS="consent records"  only those (names as in pallets/, or the FRAME pallet's name)
#   SKIP_PALLETS=1 SKIP_STORAGE=1 SKIP_OVERHEAD=1  skip step 1, 2 or 3
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$here/lib.sh"
# BENCH_NODE=path/to/medchain-node reuses a production node already built (skips the build).
node="${BENCH_NODE:-$("$here/bench-node.sh")}"
cd "$root"
steps="${STEPS:-50}" repeat="${REPEAT:-20}"
want() { [ -z "${SKIP_PALLETS:-}" ] && { [ -z "${PALLETS:-}" ] || [[ " $PALLETS " == *" $1 "* ]]; }; }

# 1. Pallets. MedChain's own use the house template (pallet-local WeightInfo + SubstrateWeight);
# FRAME's use the CLI's default template (a runtime-local WeightInfo<Runtime>).
for entry in pallet_patient_identity:identity pallet_audit_log:audit-log pallet_consent:consent \
	pallet_medical_records:records pallet_consortium:consortium; do
	pallet="${entry%%:*}" dir="${entry##*:}"
	want "$dir" || continue
	echo "== $pallet (steps $steps, repeat $repeat)"
	"$node" benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' \
		--steps "$steps" --repeat "$repeat" --wasm-execution compiled --heap-pages 4096 \
		--output "pallets/$dir/src/weights.rs" \
		--header scripts/weights-header.txt --template scripts/weights-template.hbs
done
for pallet in frame_system pallet_balances pallet_timestamp pallet_sudo; do
	want "$pallet" || continue
	echo "== $pallet (steps $steps, repeat $repeat)"
	"$node" benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' \
		--steps "$steps" --repeat "$repeat" --wasm-execution compiled --heap-pages 4096 \
		--output "runtime/src/weights/$pallet.rs" --header scripts/weights-header.txt
done

# 2. Storage: a database holding the audit-bench chain's genesis (a million audit entries and
# their indexes), read and written key by key.
if [ -z "${SKIP_STORAGE:-}" ] && [ -z "${PALLETS:-}" ]; then
	db="$(mktemp -d /tmp/medchain-bench-storage.XXXX)"
	trap 'rm -rf "$db"' EXIT
	echo "== storage: building the audit-bench chain's database (a million entries)"
	port="${MEDCHAIN_BENCH_RPC_PORT:-19955}"
	"$node" --chain audit-bench --base-path "$db" --database paritydb --rpc-port "$port" \
		--port 0 --no-prometheus --no-telemetry --no-mdns > "$db/node.log" 2>&1 &
	pid=$!
	wait_for_node "$port" "$pid" "$db/node.log"
	kill -INT "$pid"
	wait "$pid" || true
	echo "== storage: ParityDB reads and writes"
	"$node" benchmark storage --chain audit-bench --base-path "$db" --database paritydb \
		--state-version 1 --keys-limit "${KEYS_LIMIT:-200000}" --warmups 1 \
		--weight-path runtime/src/weights/ --header scripts/weights-header.txt
fi

# 3. Overhead: block execution and extrinsic base weights.
if [ -z "${SKIP_OVERHEAD:-}" ] && [ -z "${PALLETS:-}" ]; then
	echo "== overhead: empty block and extrinsic base"
	"$node" benchmark overhead --chain dev --wasm-execution compiled --warmup 10 --repeat 100 \
		--weight-path runtime/src/weights/ --header scripts/weights-header.txt
fi
cargo fmt --all >/dev/null 2>&1 || true
echo "weights regenerated; rebuild (scripts/build.sh) and run the tests before committing"
