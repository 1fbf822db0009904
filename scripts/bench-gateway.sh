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
until curl -sf -H 'content-type: application/json' \
	-d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' "http://127.0.0.1:$rpc" >/dev/null; do
	kill -0 "${pids[0]}" 2>/dev/null || { echo "node exited:"; tail -20 "$work/node.log"; exit 1; }
	sleep 1
done

export MEDCHAIN_PASSPHRASE=bench MEDCHAIN_NODE_URL="ws://127.0.0.1:$rpc" MEDCHAIN_GATEWAY_URL="http://127.0.0.1:$http"
mc() { local who="$1"; shift; "$bin/medchain" --key-file "$work/$who.json" --json "$@"; }
field() { sed -nE "s/.*\"$1\": \"([^\"]+)\".*/\1/p" | head -1; }

echo "setting up identities, a consent and a gateway (each step waits for finality)"
for who in patient reader hospital gw; do mc "$who" keys new > "$work/$who.keys"; done
echo '//Alice' | mc sudo keys import > /dev/null
for who in patient reader hospital gw; do
	mc sudo --wait in-block balance transfer --to "$(field account < "$work/$who.keys")" --units 100 > /dev/null
done
patient=$(mc patient identity register --kind patient | field id)
reader=$(mc reader identity register --kind practitioner | field id)
hospital=$(mc sudo org admit --controller "$(field account < "$work/hospital.keys")" \
	--key-agreement "$(field key_agreement < "$work/hospital.keys")" | field id)
mc hospital practitioner attest "$reader" --role physician --days 30 > /dev/null
mc hospital org add-gateway --controller "$(field account < "$work/gw.keys")" \
	--key-agreement "$(field key_agreement < "$work/gw.keys")" > /dev/null
mc patient consent grant --to "$reader" --classes labs --actions read --purposes TREAT --days 30 > /dev/null

cat > "$work/gateway.toml" <<EOF
listen = "127.0.0.1:$http"
node = "ws://127.0.0.1:$rpc"
data_dir = "$work/gateway-data"
key_file = "$work/gw.json"
requests_per_second = 1000000
burst = 1000000
EOF
RUST_LOG=warn "$gw_bin/medchain-gateway" --config "$work/gateway.toml" > "$work/gateway.log" 2>&1 &
pids+=($!)
until curl -sf "http://127.0.0.1:$http/health" > /dev/null; do
	kill -0 "${pids[1]}" 2>/dev/null || { echo "gateway exited:"; tail -20 "$work/gateway.log"; exit 1; }
	sleep 0.5
done

# 65,497 bytes of body seal to a 65,536-byte blob (header 23, one chunk, tag 16).
head -c 65497 /dev/urandom > "$work/body"
record=$(mc patient record put --file "$work/body" --class labs --out "$work/records" | field id)

echo "benchmarking reads of record $record as $reader ($profile build of the gateway and the client)"
"$gw_bin/medchain-gateway-bench" --gateway "http://127.0.0.1:$http" --node "ws://127.0.0.1:$rpc" \
	--key-file "$work/reader.json" --record "$record" --patient "$patient" \
	--seconds "${MEDCHAIN_BENCH_SECONDS:-10}" --concurrency "${MEDCHAIN_BENCH_CONCURRENCY:-16}" --json "$out"
echo "figures written to $out"
