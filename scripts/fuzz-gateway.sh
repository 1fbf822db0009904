#!/usr/bin/env bash
# The gateway under a property-based API fuzzer: starts a dev node and a gateway (with the
# portal's settings route), then runs schemathesis against the OpenAPI document the gateway
# serves. Every generated request, valid and invalid, must get no 5xx and an answer that conforms
# to the document: its status, content type, headers and body schema (every error an
# OperationOutcome), a 405 with `Allow` for an undocumented method, a 4xx for invalid input. The
# gateway must still be running at the end.
#
# Requests are not signed (the fuzzer holds no MedChain key): what is fuzzed is everything a
# request meets before and at authentication, the error answers, and the public routes.
#
#   MEDCHAIN_FUZZ_EXAMPLES (50)  generated cases per operation in the fuzzing phase
#   MEDCHAIN_FUZZ_SEED           a seed, to replay a run
#   MEDCHAIN_FUZZ_CHECKS (all)   schemathesis checks, comma-separated
#   MEDCHAIN_FUZZ_VENV           the virtualenv schemathesis is installed into (default: beside
#                                the cargo target directory, e.g. /var/cache/medchain/venv)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
"$here/setup.sh"
"$here/build.sh"
source "$here/env.sh"
source "$here/lib.sh"
bin="$CARGO_TARGET_DIR/debug"

# schemathesis, pinned, in a virtualenv in the build cache: installed once, reused after.
schemathesis_version=4.32.5
venv="${MEDCHAIN_FUZZ_VENV:-${CARGO_TARGET_DIR%/target}/venv}"
if ! "$venv/bin/st" --version 2>/dev/null | grep -qF "$schemathesis_version"; then
	if ! python3 -m venv --help >/dev/null 2>&1; then
		echo "fuzz-gateway: installing python3-venv"
		sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
	fi
	echo "fuzz-gateway: installing schemathesis $schemathesis_version into $venv"
	python3 -m venv "$venv"
	"$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

work="$(mktemp -d /tmp/medchain-fuzz-gateway.XXXX)"
rpc="${MEDCHAIN_FUZZ_RPC_PORT:-19957}"
http="${MEDCHAIN_FUZZ_GATEWAY_PORT:-18482}"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT

"$MEDCHAIN_NODE" --dev --tmp --rpc-port "$rpc" --port 0 --no-prometheus --no-telemetry --no-mdns > "$work/node.log" 2>&1 &
pids+=($!)
wait_for_node "$rpc" "${pids[0]}" "$work/node.log"

export MEDCHAIN_PASSPHRASE=fuzz
reading_world "$bin/medchain" "$work" "$rpc" "$http"
start_gateway "$bin/medchain-gateway" "$work" "$rpc" "$http" "portal_node = \"ws://127.0.0.1:$rpc\""
gateway_pid="${pids[1]}"

echo "fuzzing the gateway's API from its served document (schemathesis $schemathesis_version)"
args=(run "http://127.0.0.1:$http/openapi.json"
	--checks "${MEDCHAIN_FUZZ_CHECKS:-all}"
	--max-examples "${MEDCHAIN_FUZZ_EXAMPLES:-50}"
	--workers 1
	--generation-database none
	--request-timeout 30)
[ -n "${MEDCHAIN_FUZZ_SEED:-}" ] && args+=(--seed "$MEDCHAIN_FUZZ_SEED")
status=0
# From the work directory: whatever schemathesis writes beside it goes with it.
(cd "$work" && "$venv/bin/st" --no-color "${args[@]}") || status=$?

if ! kill -0 "$gateway_pid" 2>/dev/null; then
	echo "fuzz-gateway: the gateway died under the fuzzer:"
	tail -40 "$work/gateway.log"
	exit 1
fi
if grep -q "panicked" "$work/gateway.log"; then
	echo "fuzz-gateway: the gateway panicked:"
	grep -B2 -A10 "panicked" "$work/gateway.log" | head -60
	exit 1
fi
if [ "$status" -ne 0 ]; then
	echo "fuzz-gateway: schemathesis found failures (exit $status); the gateway's log ends:"
	tail -20 "$work/gateway.log"
	exit "$status"
fi
echo "fuzz-gateway: no 5xx, every answer as documented, the gateway still running"
