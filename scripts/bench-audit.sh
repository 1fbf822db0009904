#!/usr/bin/env bash
# Load benchmark of the audit log: starts a node whose genesis appends 1,000,000 entries
# (10,000 patients × 100) through the pallet's own append path (chain `audit-bench`), then
# measures one patient's newest 100 entries through the runtime API and through the RPC FHIR
# bundle. Prints figures; docs/audit.md records them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# The audit-bench chain exists only in a node built with the `load-bench` feature: the
# production-profile node the other performance scripts use (scripts/bench-node.sh).
MEDCHAIN_NODE="$("$here/bench-node.sh")"
source "$here/env.sh"
source "$here/lib.sh"

dir="$(mktemp -d /tmp/medchain-bench-audit.XXXX)"
port="${MEDCHAIN_BENCH_RPC_PORT:-19944}"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT

echo "starting medchain-node --chain audit-bench (genesis builds 1,000,000 entries; this takes a while)"
start=$(date +%s)
"$MEDCHAIN_NODE" --chain audit-bench --alice --force-authoring --base-path "$dir" --rpc-port "$port" \
	--node-key "$(printf "%064x" 1)" --port 0 --no-prometheus --no-telemetry --no-mdns > "$dir/node.log" 2>&1 &
pid=$!
wait_for_node "$port" "$pid" "$dir/node.log"
echo "node up after $(( $(date +%s) - start )) s; database: $(du -sh "$dir/chains" | cut -f1)"

cd "$root/tests/e2e"
node bench/audit-query.mjs "http://127.0.0.1:$port" 10000 100 "${MEDCHAIN_BENCH_ITERATIONS:-200}"
