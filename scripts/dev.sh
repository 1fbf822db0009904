#!/usr/bin/env bash
# Sets up the machine, builds, and starts a MedChain development chain (Alice validates alone)
# with JSON-RPC on ws://127.0.0.1:9944 for Polkadot.js apps. State is thrown away on exit;
# pass --base-path DIR (instead of the default --tmp) to keep it. Extra flags go to the node.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
"$here/build.sh"
source "$here/env.sh"
tmp=(--tmp)
for arg in "$@"; do [ "$arg" = --base-path ] && tmp=(); done
echo "dev chain: ws://127.0.0.1:9944 (Polkadot.js apps: ?rpc=ws://127.0.0.1:9944; CLI: $CARGO_TARGET_DIR/debug/medchain, docs/cli.md); Ctrl-C stops it"
exec "$MEDCHAIN_NODE" --dev "${tmp[@]}" --rpc-port 9944 --rpc-cors all "$@"
