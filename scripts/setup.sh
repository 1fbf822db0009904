#!/usr/bin/env bash
# Installs what building and testing MedChain needs, and nothing twice: Debian packages (protobuf
# compiler, clang, mold, curl, Node.js, Chromium for the portal's browser test), the Rust targets
# and components rust-toolchain.toml names (rustup's auto-install is off on these machines), and
# the npm workspace's packages.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
toolchain="$(sed -nE 's/^channel *= *"([^"]+)".*/\1/p' "$root/rust-toolchain.toml")"

# Debian packages: command → package. Not listed: util-linux `script` (the CLI's terminal tests),
# from bsdutils, which Debian marks Essential: always installed.
declare -A needed=([protoc]=protobuf-compiler [clang]=clang [mold]=mold [curl]=curl [node]=nodejs [npm]=npm [pkg-config]=pkg-config [openssl]=openssl [chromium]=chromium)
missing=()
for cmd in "${!needed[@]}"; do
	command -v "$cmd" >/dev/null 2>&1 || missing+=("${needed[$cmd]}")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "setup: installing Debian packages: ${missing[*]}"
	sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Rust: the pinned toolchain, its wasm targets and rust-src (the wasm builder needs them).
if ! rustup toolchain list | grep -q "^$toolchain"; then
	rustup toolchain install "$toolchain" --profile minimal
fi
installed="$(rustup target list --installed --toolchain "$toolchain")"
for target in $(sed -nE 's/^targets *= *\[(.*)\]/\1/p' "$root/rust-toolchain.toml" | tr -d '",'); do
	grep -qx "$target" <<<"$installed" || rustup target add --toolchain "$toolchain" "$target"
done
components="$(rustup component list --installed --toolchain "$toolchain")"
for component in $(sed -nE 's/^components *= *\[(.*)\]/\1/p' "$root/rust-toolchain.toml" | tr -d '",'); do
	grep -q "^$component" <<<"$components" || rustup component add --toolchain "$toolchain" "$component"
done

# npm packages of the JavaScript workspace (js/, web/, tests/e2e/: one lockfile at the root),
# only when the lockfile changed.
stamp="$root/node_modules/.medchain-lock"
if ! cmp -s "$root/package-lock.json" "$stamp" 2>/dev/null; then
	echo "setup: installing the npm workspace's packages (js, web, tests/e2e)"
	(cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
	cp "$root/package-lock.json" "$stamp"
fi
echo "setup: ready (toolchain $toolchain)"
