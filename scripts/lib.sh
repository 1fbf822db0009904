# Sourced by the scripts that start a node or a gateway of their own: waiting until one answers,
# and the world the gateway benchmarks read in. Each waiting function fails, with the tail of the
# process's log, as soon as the process has exited.

# wait_for_node PORT PID LOG: until the node at 127.0.0.1:PORT answers `system_health`.
wait_for_node() {
	local port="$1" pid="$2" log="$3"
	until curl -sf -H 'content-type: application/json' \
		-d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' "http://127.0.0.1:$port" >/dev/null; do
		kill -0 "$pid" 2>/dev/null || { echo "node exited; see $log:" >&2; tail -20 "$log" >&2; return 1; }
		sleep 0.5
	done
}

# wait_for_gateway PORT PID LOG: until the gateway at 127.0.0.1:PORT answers `/health`.
wait_for_gateway() {
	local port="$1" pid="$2" log="$3"
	until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do
		kill -0 "$pid" 2>/dev/null || { echo "gateway exited; see $log:" >&2; tail -20 "$log" >&2; return 1; }
		sleep 0.5
	done
}

# reading_world CLI WORK RPC HTTP: with the `medchain` CLI at CLI, on the dev node at RPC (sudo is
# Alice): a patient, a practitioner ("reader", a physician) with the patient's consent to read
# labs for treatment, a hospital that attested her and its gateway. Key files are WORK/<who>.json
# (passphrase $MEDCHAIN_PASSPHRASE); sets PATIENT and READER to their ids. Then start_gateway.
reading_world() {
	local cli="$1" work="$2" rpc="$3" http="$4" who
	mc() { local as="$1"; shift; "$cli" --node "ws://127.0.0.1:$rpc" --gateway "http://127.0.0.1:$http" \
		--key-file "$work/$as.json" --json "$@"; }
	field() { sed -nE "s/.*\"$1\": \"([^\"]+)\".*/\1/p" | head -1; }
	echo "setting up a patient, a physician with her consent, a hospital and its gateway"
	for who in patient reader hospital gw; do mc "$who" keys new > "$work/$who.keys"; done
	echo '//Alice' | mc sudo keys import > /dev/null
	for who in patient reader hospital gw; do
		mc sudo --wait in-block balance transfer --to "$(field account < "$work/$who.keys")" --units 100 > /dev/null
	done
	PATIENT=$(mc patient identity register --kind patient | field id)
	READER=$(mc reader identity register --kind practitioner | field id)
	mc sudo org admit --controller "$(field account < "$work/hospital.keys")" \
		--key-agreement "$(field key_agreement < "$work/hospital.keys")" > /dev/null
	mc hospital practitioner attest "$READER" --role physician --days 30 > /dev/null
	mc hospital org add-gateway --controller "$(field account < "$work/gw.keys")" \
		--key-agreement "$(field key_agreement < "$work/gw.keys")" > /dev/null
	mc patient consent grant --to "$READER" --classes labs --actions read --purposes TREAT --days 30 > /dev/null
}

# start_gateway BIN WORK RPC HTTP [TOML LINE...]: the gateway of reading_world, without a rate limit
# (the benchmarks measure the gateway, not its limiter), with the extra config lines given; appends
# its pid to `pids` and waits until it answers.
start_gateway() {
	local bin="$1" work="$2" rpc="$3" http="$4"
	shift 4
	{
		echo "listen = \"127.0.0.1:$http\""
		echo "node = \"ws://127.0.0.1:$rpc\""
		echo "data_dir = \"$work/gateway-data\""
		echo "key_file = \"$work/gw.json\""
		echo "requests_per_second = 1000000"
		echo "burst = 1000000"
		printf '%s\n' "$@"
	} > "$work/gateway.toml"
	RUST_LOG=warn "$bin" --config "$work/gateway.toml" > "$work/gateway.log" 2>&1 &
	pids+=($!)
	wait_for_gateway "$http" "$!" "$work/gateway.log"
}
