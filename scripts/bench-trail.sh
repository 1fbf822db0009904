#!/usr/bin/env bash
# Sustained audited reads: one gateway on the production-profile node, reads of one 4 KiB record
# at RATE reads/s (2,000) for DURATION seconds (300), each request signed as it is sent
# (medchain-load reads), the gateway's audit lag and queue sampled every second, then the drain.
# Node, gateway and client share this machine. Prints served reads/s, audit entries finalized/s,
# the lag read → entry finalized (p50/p99) and whether the queue stayed flat; writes
# bench-results/trail.json and trail.svg. docs/performance.md records the figures.
#   RATE=2000 DURATION=300 CONCURRENCY=64 AUDIT_IN_FLIGHT=32
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
node="$("$here/bench-node.sh")"
"$here/build.sh" >&2
source "$here/env.sh"
source "$here/lib.sh"
(cd "$root" && cargo build --locked --profile production -p medchain-gateway >&2)
gateway_bin="$CARGO_TARGET_DIR/production/medchain-gateway"
load="$CARGO_TARGET_DIR/production/medchain-load"
cli="$CARGO_TARGET_DIR/debug/medchain"
out="${MEDCHAIN_BENCH_OUT:-$root/bench-results/trail.json}"
mkdir -p "$(dirname "$out")"
work="$(mktemp -d /tmp/medchain-bench-trail.XXXX)"
rpc="${MEDCHAIN_BENCH_RPC_PORT:-19956}"
http="${MEDCHAIN_BENCH_GATEWAY_PORT:-18481}"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT

"$node" --dev --base-path "$work/chain" --rpc-port "$rpc" --port 0 --no-prometheus --no-telemetry \
	--no-mdns --pool-limit 65536 --pool-kbytes 131072 > "$work/node.log" 2>&1 &
pids+=($!)
wait_for_node "$rpc" "${pids[0]}" "$work/node.log"
echo "production node up: $("$node" --version)"

export MEDCHAIN_PASSPHRASE=bench
reading_world "$cli" "$work" "$rpc" "$http"
start_gateway "$gateway_bin" "$work" "$rpc" "$http" "audit_in_flight = ${AUDIT_IN_FLIGHT:-32}"
head -c 4000 /dev/urandom > "$work/body"
record=$(mc patient record put --file "$work/body" --class labs --out "$work/records" | field id)

"$load" reads --gateway "http://127.0.0.1:$http" --key-file "$work/reader.json" --record "$record" \
	--rate "${RATE:-2000}" --duration "${DURATION:-300}" --concurrency "${CONCURRENCY:-64}" --out "$out"
echo "gateway: $(grep -c 'did not land' "$work/gateway.log" || true) resyncs logged"
