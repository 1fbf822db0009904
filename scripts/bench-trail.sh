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
until curl -sf -H 'content-type: application/json' \
	-d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' "http://127.0.0.1:$rpc" >/dev/null; do
	kill -0 "${pids[0]}" 2>/dev/null || { echo "node exited:"; tail -20 "$work/node.log"; exit 1; }
	sleep 1
done
echo "production node up: $("$node" --version)"

export MEDCHAIN_PASSPHRASE=bench
mc() { local who="$1"; shift; "$cli" --node "ws://127.0.0.1:$rpc" --gateway "http://127.0.0.1:$http" --key-file "$work/$who.json" --json "$@"; }
field() { sed -nE "s/.*\"$1\": \"([^\"]+)\".*/\1/p" | head -1; }

echo "setting up a patient, a physician with her consent, a hospital and its gateway"
for who in patient reader hospital gw; do mc "$who" keys new > "$work/$who.keys"; done
echo '//Alice' | mc sudo keys import > /dev/null
for who in patient reader hospital gw; do
	mc sudo --wait in-block balance transfer --to "$(field account < "$work/$who.keys")" --units 100 > /dev/null
done
mc patient identity register --kind patient > /dev/null
reader=$(mc reader identity register --kind practitioner | field id)
mc sudo org admit --controller "$(field account < "$work/hospital.keys")" \
	--key-agreement "$(field key_agreement < "$work/hospital.keys")" > /dev/null
mc hospital practitioner attest "$reader" --role physician --days 30 > /dev/null
mc hospital org add-gateway --controller "$(field account < "$work/gw.keys")" \
	--key-agreement "$(field key_agreement < "$work/gw.keys")" > /dev/null
mc patient consent grant --to "$reader" --classes labs --actions read --purposes TREAT --days 30 > /dev/null

cat > "$work/gateway.toml" <<TOML
listen = "127.0.0.1:$http"
node = "ws://127.0.0.1:$rpc"
data_dir = "$work/gateway-data"
key_file = "$work/gw.json"
requests_per_second = 1000000
burst = 1000000
audit_in_flight = ${AUDIT_IN_FLIGHT:-32}
TOML
RUST_LOG=warn "$gateway_bin" --config "$work/gateway.toml" > "$work/gateway.log" 2>&1 &
pids+=($!)
until curl -sf "http://127.0.0.1:$http/health" > /dev/null; do
	kill -0 "${pids[1]}" 2>/dev/null || { echo "gateway exited:"; tail -20 "$work/gateway.log"; exit 1; }
	sleep 0.5
done
head -c 4000 /dev/urandom > "$work/body"
record=$(mc patient record put --file "$work/body" --class labs --out "$work/records" | field id)

"$load" reads --gateway "http://127.0.0.1:$http" --key-file "$work/reader.json" --record "$record" \
	--rate "${RATE:-2000}" --duration "${DURATION:-300}" --concurrency "${CONCURRENCY:-64}" --out "$out"
echo "gateway: $(grep -c 'did not land' "$work/gateway.log" || true) resyncs logged"
