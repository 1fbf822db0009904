#!/usr/bin/env bash
# Rewrites client/metadata/medchain.scale (the runtime's metadata V16, from which the client's
# subxt interface is generated) from the runtime as built now. Run it after changing a call, an
# event, an error, a storage item or a runtime API; `cargo test` fails until it is run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/env.sh"
cd "$(dirname "$here")"
MEDCHAIN_REFRESH_METADATA=1 cargo test --locked --workspace --test metadata
echo "client/metadata/medchain.scale refreshed"
