#!/usr/bin/env bash
# Builds the node and every test target in one cargo invocation, so the dev chain and the tests
# share one set of compiled dependencies (same profile, same unified features).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/env.sh"
cd "$(dirname "$here")"
cargo build --locked --workspace --all-targets "$@"
