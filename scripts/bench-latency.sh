#!/usr/bin/env bash
# Latency under load: starts the four-validator local network (scripts/local-network.sh) on the
# production-built node, sends consent grants to one validator at a steady RATE (100/s, about a
# third of what blocks can carry: a busy hospital day, not a saturated chain) for DURATION seconds
# (60), and prints submit → in-block and submit → finalized p50/p99 as a dApp
# sees them (RPC notifications included). Writes bench-results/latency.json and its charts.
#   RATE=100 DURATION=60 MODES=grant
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
node="$("$here/bench-node.sh")"
source "$here/env.sh"
load="$CARGO_TARGET_DIR/production/medchain-load"
out="${MEDCHAIN_BENCH_OUT:-$root/bench-results/latency.json}"
export MEDCHAIN_NODE="$node"
export MEDCHAIN_NET_DIR="$(mktemp -d /tmp/medchain-bench-latency.XXXX)"
export MEDCHAIN_RPC_BASE="${MEDCHAIN_BENCH_RPC_PORT:-19944}" MEDCHAIN_P2P_BASE="${MEDCHAIN_BENCH_P2P_PORT:-30433}"
trap '"$here/local-network.sh" stop >/dev/null; rm -rf "$MEDCHAIN_NET_DIR"' EXIT
"$here/local-network.sh" start
# Until the four finalize together.
for _ in $(seq 120); do
	"$here/local-network.sh" status | grep -q "finalized #[1-9]" && break
	sleep 1
done
"$here/local-network.sh" status
"$load" --url "ws://127.0.0.1:$MEDCHAIN_RPC_BASE" run --modes "${MODES:-grant}" \
	--rate "${RATE:-100}" --duration "${DURATION:-60}" --warmup 0 --senders "${SENDERS:-500}" \
	--concurrency "${CONCURRENCY:-32}" --out "$out"
"$here/local-network.sh" status
