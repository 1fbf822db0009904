#!/usr/bin/env bash
# The load generator's smoke test (scripts/test.sh runs it): a dev node of the debug build and
# medchain-load in every mode with a few hundred transactions. It fails unless every transaction
# the pool accepted was finalized, none was refused, and every check_access call was a permit.
# Usage: scripts/load-smoke.sh [DIR]  (DIR keeps the node's log and the report)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/env.sh"
source "$here/lib.sh"
dir="${1:-$(mktemp -d /tmp/medchain-load-smoke.XXXX)}"
mkdir -p "$dir"
port="${MEDCHAIN_SMOKE_RPC_PORT:-19966}"
"$MEDCHAIN_NODE" --dev --tmp --rpc-port "$port" --port 0 --no-prometheus --no-telemetry --no-mdns \
	> "$dir/node.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
wait_for_node "$port" "$pid" "$dir/node.log"
"$CARGO_TARGET_DIR/debug/medchain-load" --url "ws://127.0.0.1:$port" run \
	--modes transfer,grant,anchor,audit-batch,check-access --senders 20 --count 100 --batch 8 \
	--duration 30 --warmup 0 --call-duration 3 --strict --out "$dir/report.json"
# The report holds what the run measured, mode by mode.
node -e '
	const r = require(process.argv[1]);
	for (const m of ["transfer", "grant", "anchor", "audit-batch"]) {
		const f = r.runs[m];
		if (!f || f.finalized !== f.submitted || f.submitted !== 100 || f.blocks.reduce((n, b) => n + b.ours, 0) !== 100)
			throw new Error(`${m}: ${JSON.stringify(f && { submitted: f.submitted, finalized: f.finalized })}`);
	}
	if (!(r.runs["check-access"].permits > 0)) throw new Error("no check_access answers");
	console.log("report checked: 4 × 100 transactions finalized and counted in blocks; check_access answered");
' "$dir/report.json"
