#!/usr/bin/env bash
# Starts (or stops) the four-validator `local_testnet` on loopback: Alice, Bob, Charlie, Dave.
#
#   scripts/local-network.sh [start]   build if needed, start all four, wait until they finalize
#   scripts/local-network.sh stop      stop them (SIGINT, then SIGKILL after 10 s)
#   scripts/local-network.sh status    each node's best and finalized height
#
# Node i (0-based) listens on p2p ${MEDCHAIN_P2P_BASE:-30333}+i and RPC ${MEDCHAIN_RPC_BASE:-9944}+i,
# keeps its database in ${MEDCHAIN_NET_DIR:-/tmp/medchain-local}/<name> and its log beside it.
# Bob, Charlie and Dave boot from Alice; Alice's network key is fixed so her peer id is too.
# Validators serve only safe RPC methods, as on a consortium (docs/operators.md, "RPC profiles").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/medchain/target}"
node_bin="${MEDCHAIN_NODE:-$CARGO_TARGET_DIR/debug/medchain-node}"
net_dir="${MEDCHAIN_NET_DIR:-/tmp/medchain-local}"
p2p_base="${MEDCHAIN_P2P_BASE:-30333}"
rpc_base="${MEDCHAIN_RPC_BASE:-9944}"
names=(alice bob charlie dave)

rpc() { # rpc PORT METHOD → the JSON result
	curl -sf -H 'content-type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$2\",\"params\":[]}" "http://127.0.0.1:$1"
}

height() { # height PORT METHOD → block number of the header the method names
	local hash
	if [ "$2" = finalized ]; then
		hash=$(rpc "$1" chain_getFinalizedHead | sed -E 's/.*"result":"([^"]+)".*/\1/')
		curl -sf -H 'content-type: application/json' \
			-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"chain_getHeader\",\"params\":[\"$hash\"]}" \
			"http://127.0.0.1:$1" | sed -E 's/.*"number":"0x([0-9a-f]+)".*/\1/' | xargs -I{} printf '%d\n' 0x{}
	else
		rpc "$1" chain_getHeader | sed -E 's/.*"number":"0x([0-9a-f]+)".*/\1/' | xargs -I{} printf '%d\n' 0x{}
	fi
}

stop() {
	local pids=()
	for name in "${names[@]}"; do
		local pidfile="$net_dir/$name.pid"
		if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
			kill -INT "$(cat "$pidfile")" && pids+=("$(cat "$pidfile")")
		fi
		rm -f "$pidfile"
	done
	for _ in $(seq 100); do
		local alive=0
		for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
		[ "$alive" = 0 ] && break
		sleep 0.1
	done
	for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
	echo "local network stopped (${#pids[@]} nodes)"
}

status() {
	for i in "${!names[@]}"; do
		local port=$((rpc_base + i))
		if rpc "$port" system_health >/dev/null 2>&1; then
			echo "${names[$i]}: ws://127.0.0.1:$port best #$(height "$port" best) finalized #$(height "$port" finalized)"
		else
			echo "${names[$i]}: not running"
		fi
	done
}

start() {
	if [ ! -x "$node_bin" ]; then
		echo "building medchain-node (first time only)…"
		(cd "$root" && cargo build --locked -p medchain-node)
	fi
	mkdir -p "$net_dir"
	local alice_peer=""
	for i in "${!names[@]}"; do
		local name="${names[$i]}" base="$net_dir/${names[$i]}"
		mkdir -p "$base"
		# A fixed network key per node: any 32 bytes are a valid ed25519 secret.
		printf '%064x' $((i + 1)) > "$base/node-key"
		local args=(--chain local "--$name" --base-path "$base" --node-key-file "$base/node-key"
			--rpc-port $((rpc_base + i)) --rpc-cors all --rpc-methods safe
			--no-prometheus --no-telemetry --no-mdns --listen-addr "/ip4/127.0.0.1/tcp/$((p2p_base + i))")
		if [ -z "$alice_peer" ]; then
			alice_peer=$("$node_bin" key inspect-node-key --file "$base/node-key")
		else
			args+=(--bootnodes "/ip4/127.0.0.1/tcp/$p2p_base/p2p/$alice_peer")
		fi
		nohup "$node_bin" "${args[@]}" > "$net_dir/$name.log" 2>&1 &
		echo $! > "$net_dir/$name.pid"
	done
	for i in "${!names[@]}"; do
		local port=$((rpc_base + i))
		local pid; pid=$(cat "$net_dir/${names[$i]}.pid")
		for _ in $(seq 600); do
			rpc "$port" system_health >/dev/null 2>&1 && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		rpc "$port" system_health >/dev/null 2>&1 || { echo "${names[$i]} did not start; see $net_dir/${names[$i]}.log" >&2; exit 1; }
	done
	echo "four validators running; RPC on ws://127.0.0.1:$rpc_base..$((rpc_base + 3)); logs in $net_dir"
	echo "stop them with: scripts/local-network.sh stop"
}

case "${1:-start}" in
	start) start ;;
	stop) stop ;;
	status) status ;;
	*) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
