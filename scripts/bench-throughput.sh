#!/usr/bin/env bash
# Throughput, side by side, from one run: starts a production-built dev node and drives it with
# medchain-load — `transfer_keep_alive` (the reference) and consent grants, each sustained for
# DURATION seconds (60) with the pool kept full, then `check_access` runtime-API calls — and
# prints grants/s, transfers/s and their ratio. Writes bench-results/throughput.json and its
# charts (throughput.svg, throughput-latency.svg). docs/performance.md records the figures.
#   DURATION=60 SENDERS=2000 MODES=transfer,grant,check-access  (also: anchor, audit-batch)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
node="$("$here/bench-node.sh")"
source "$here/env.sh"
source "$here/lib.sh"
load="$CARGO_TARGET_DIR/production/medchain-load"
out="${MEDCHAIN_BENCH_OUT:-$root/bench-results/throughput.json}"
port="${MEDCHAIN_BENCH_RPC_PORT:-19944}"
dir="$(mktemp -d /tmp/medchain-bench-throughput.XXXX)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT

# The pool holds the generator's whole window (16,000 waiting by default; the pool's default
# limit is 8,192), so blocks never wait for transactions.
"$node" --dev --base-path "$dir" --rpc-port "$port" --port 0 --no-prometheus --no-telemetry \
	--no-mdns --pool-limit 65536 --pool-kbytes 131072 > "$dir/node.log" 2>&1 &
pid=$!
wait_for_node "$port" "$pid" "$dir/node.log"
echo "production node up: $("$node" --version)"
"$load" --url "ws://127.0.0.1:$port" run --modes "${MODES:-transfer,grant,check-access}" \
	--duration "${DURATION:-60}" --warmup "${WARMUP:-10}" --senders "${SENDERS:-2000}" \
	--window "${WINDOW:-16000}" --concurrency "${CONCURRENCY:-64}" --out "$out"
echo "block production (from the node's log):"
grep -E "Prepared block for proposing" "$dir/node.log" | sed -E 's/.*at ([0-9]+) \(([0-9]+) ms\).*end: ([A-Za-z]+); extrinsics_count: ([0-9]+).*/\1 \2 \3 \4/' |
	awk '$4 > 1 { n++; ms += $2; tx += $4; if ($3 != "NoMoreTransactions") full++ }
		END { if (n) printf "  %d blocks with transactions: %.0f ms to build on average, %.0f extrinsics on average, %d closed by a limit\n", n, ms / n, tx / n, full }'
grep -oE "end: [A-Za-z]+" "$dir/node.log" | sort | uniq -c | sed 's/^/  /'
