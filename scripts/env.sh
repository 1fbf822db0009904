# Sourced by the scripts: one cargo target directory for the developer's shell, the scripts and CI,
# outside any clone, so every build after the first reuses what was compiled.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/medchain/target}"
mkdir -p "$CARGO_TARGET_DIR"
export MEDCHAIN_NODE="${MEDCHAIN_NODE:-$CARGO_TARGET_DIR/debug/medchain-node}"

# Lints in the build itself: cargo runs the workspace's own crates (never the dependencies) through
# clippy-driver, which compiles exactly as rustc does and adds clippy's lints. So the one build
# that the node and the tests share is also the lint pass, and no separate `cargo clippy` check
# build of every dependency is needed. Warnings are errors. (`cargo clippy` by hand sees the same
# lints, from its own check build.)
if clippy_driver="$(rustup which clippy-driver 2>/dev/null)"; then
	export RUSTC_WORKSPACE_WRAPPER="$clippy_driver"
	export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
fi
