#!/usr/bin/env bash
# Rewrites js/src/codes.js (the JavaScript package's code tables) from the Rust ones: each code
# vocabulary's enum in primitives/src (its `#[strum(to_string = …, message = …)]` attributes and its
# variant order). Run it after adding or renaming a code or changing a label; `cargo test` fails
# until it is run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/env.sh"
cd "$(dirname "$here")"
MEDCHAIN_REFRESH_CODES=1 cargo test --locked --workspace --test js_codes
echo "js/src/codes.js refreshed"
