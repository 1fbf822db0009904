#!/usr/bin/env bash
# Writes a consortium's raw chain spec to standard output from its member hospitals' public keys
# and peer ids (docs/operators.md). No sudo key, no well-known key.
#
#   scripts/consortium-spec.sh hospitals.json [--name "…"] [--id …] [--endowment MED] > spec.json
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$here/env.sh"
[ $# -ge 1 ] || { echo "usage: $0 hospitals.json [medchain-node consortium-spec options]" >&2; exit 2; }
if [ ! -x "$MEDCHAIN_NODE" ]; then
	echo "building medchain-node (first time only)…" >&2
	(cd "$root" && cargo build --locked -p medchain-node >&2)
fi
hospitals="$1"
shift
exec "$MEDCHAIN_NODE" consortium-spec --hospitals "$hospitals" --raw "$@"
