#!/usr/bin/env bash
# Build-speed benchmark: prints wall times for
#   cold  — everything scripts/test.sh needs, from an empty target dir (only with --cold: ~30 min)
#   warm  — rebuild after touching one pallet source file, up to a runnable node
#   tests — scripts/test.sh with a warm target dir (only with --tests)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
"$here/setup.sh" >/dev/null
source "$here/env.sh"
cd "$root"

seconds() { local start=$SECONDS; "$@" >/tmp/medchain-bench-build.log 2>&1; echo $(( SECONDS - start )); }

for arg in "$@"; do
	case "$arg" in
		--cold)
			cold_dir="$(mktemp -d /tmp/medchain-cold-target.XXXX)"
			echo "cold build (empty $cold_dir): $(CARGO_TARGET_DIR="$cold_dir" seconds "$here/build.sh") s"
			rm -rf "$cold_dir" ;;
		--tests) ;;
		*) echo "usage: $0 [--cold] [--tests]" >&2; exit 2 ;;
	esac
done

"$here/build.sh" >/dev/null 2>&1
touch pallets/consent/src/access.rs
echo "warm rebuild after touching pallets/consent/src/access.rs, node only: $(seconds cargo build --locked -p medchain-node) s"
"$here/build.sh" >/dev/null 2>&1

if [[ " $* " == *" --tests "* ]]; then
	echo "scripts/test.sh, warm: $(seconds "$here/test.sh") s"
fi
