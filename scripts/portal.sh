#!/usr/bin/env bash
# Starts the patient and clinician portal against the dev chain of scripts/dev.sh (run that first,
# in another terminal): builds the portal (web/ → web/dist), admits a demo hospital (//Charlie)
# through the dev chain's sudo key (//Alice) and registers its gateway (//Dave) if they are not
# yet on chain, then runs that gateway serving the portal at http://127.0.0.1:8480/.
# Sign in there with a development account (Eve as a patient, Ferdie as a clinician: docs/portal.md).
# Flags: --node ws://… (default ws://127.0.0.1:9944), --port N (default 8480).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
node_url="ws://127.0.0.1:9944"
port=8480
while [ $# -gt 0 ]; do
	case "$1" in
	--node) node_url="$2"; shift 2 ;;
	--port) port="$2"; shift 2 ;;
	*) echo "portal.sh: unknown flag $1 (expected --node URL or --port N)" >&2; exit 2 ;;
	esac
done
"$here/setup.sh"
"$here/build.sh"
source "$here/env.sh"
medchain="$CARGO_TARGET_DIR/debug/medchain"
gateway_bin="$CARGO_TARGET_DIR/debug/medchain-gateway"

echo "portal: building web/dist"
(cd "$root" && npm run --silent build -w web)

state="${MEDCHAIN_PORTAL_STATE:-$(mktemp -d /tmp/medchain-portal.XXXX)}"
export MEDCHAIN_PASSPHRASE="${MEDCHAIN_PASSPHRASE:-dev-portal}"
for who in Alice Charlie Dave; do
	[ -f "$state/$who.json" ] || MEDCHAIN_MNEMONIC="//$who" "$medchain" --key-file "$state/$who.json" keys import >/dev/null
done
field() { node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8")); process.stdout.write(String(v[process.argv[1]]))' "$1"; }
mc() { "$medchain" --node "$node_url" --json "$@"; }

if ! mc --key-file "$state/Charlie.json" identity show >/dev/null 2>&1; then
	echo "portal: admitting the demo hospital (//Charlie) through sudo (//Alice)"
	charlie="$(mc --key-file "$state/Charlie.json" keys show)"
	mc --key-file "$state/Alice.json" org admit --controller "$(field account <<<"$charlie")" \
		--key-agreement "$(field key_agreement <<<"$charlie")" >/dev/null
fi
if ! mc --key-file "$state/Dave.json" identity show >/dev/null 2>&1; then
	echo "portal: registering the hospital's gateway (//Dave)"
	dave="$(mc --key-file "$state/Dave.json" keys show)"
	mc --key-file "$state/Charlie.json" org add-gateway --controller "$(field account <<<"$dave")" \
		--key-agreement "$(field key_agreement <<<"$dave")" >/dev/null
fi

echo "portal: http://127.0.0.1:$port/ (node $node_url; gateway data in $state/data); Ctrl-C stops it"
# The gateway pins the portal to this node and chain (/medchain-portal.json, docs/portal.md), and
# offers the development accounts because this is a dev chain.
exec "$gateway_bin" --node "$node_url" --listen "127.0.0.1:$port" --data-dir "$state/data" \
	--key-file "$state/Dave.json" --portal-dir "$root/web/dist" --portal-node "$node_url" \
	--portal-dev-accounts
