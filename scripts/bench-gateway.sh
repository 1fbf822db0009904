#!/usr/bin/env bash
# Gateway benchmark: an authorized 64 KiB read on loopback, requests/s and p50/p99, next to the
# same HTTP stack serving the same bytes with no checks, the ratio, and what each part of a read
# costs (signature check, check_access at the node, re-wrap, store read, audit commit).
#
# Starts a dev node and a gateway, sets up a patient, a practitioner (consent to read labs), a
# hospital and its gateway with the `medchain` CLI, stores one record, then runs
# medchain-gateway-bench against it. Figures print and go to $MEDCHAIN_BENCH_OUT (default
# bench-results/gateway.json). docs/gateway.md ("Performance") records them.
#   MEDCHAIN_BENCH_SECONDS (10) per run, MEDCHAIN_BENCH_CONCURRENCY (16) in flight,
#   MEDCHAIN_BENCH_PROFILE (release): the profile the gateway and the bench client are built with
#   (a release build compiles the gateway's dependencies once more, optimised: ~15 min the first
#   time; `dev` measures the test build, whose crypto runs at opt-level 1).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
"$here/setup.sh"
"$here/build.sh"
source "$here/env.sh"
source "$here/lib.sh"
bin="$CARGO_TARGET_DIR/debug"
profile="${MEDCHAIN_BENCH_PROFILE:-release}"
gw_bin="$bin"
if [ "$profile" = release ]; then
	(cd "$root" && cargo build --locked --release -p medchain-gateway)
	gw_bin="$CARGO_TARGET_DIR/release"
fi
out="${MEDCHAIN_BENCH_OUT:-$root/bench-results/gateway.json}"
mkdir -p "$(dirname "$out")"

work="$(mktemp -d /tmp/medchain-bench-gateway.XXXX)"
rpc="${MEDCHAIN_BENCH_RPC_PORT:-19955}"
http="${MEDCHAIN_BENCH_GATEWAY_PORT:-18480}"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT

"$MEDCHAIN_NODE" --dev --tmp --rpc-port "$rpc" --port 0 --no-prometheus --no-telemetry --no-mdns > "$work/node.log" 2>&1 &
pids+=($!)
wait_for_node "$rpc" "${pids[0]}" "$work/node.log"

export MEDCHAIN_PASSPHRASE=bench
reading_world "$bin/medchain" "$work" "$rpc" "$http"
start_gateway "$gw_bin/medchain-gateway" "$work" "$rpc" "$http"

# 65,497 bytes of body seal to a 65,536-byte blob (header 23, one chunk, tag 16).
head -c 65497 /dev/urandom > "$work/body"
record=$(mc patient record put --file "$work/body" --class labs --out "$work/records" | field id)

echo "benchmarking reads of record $record as $READER ($profile build of the gateway and the client)"
"$gw_bin/medchain-gateway-bench" --gateway "http://127.0.0.1:$http" --node "ws://127.0.0.1:$rpc" \
	--key-file "$work/reader.json" --record "$record" --patient "$PATIENT" \
	--seconds "${MEDCHAIN_BENCH_SECONDS:-10}" --concurrency "${MEDCHAIN_BENCH_CONCURRENCY:-16}" --json "$out"
echo "figures written to $out"
