# Sourced by the scripts: one cargo target directory for the developer's shell, the scripts and CI,
# outside any clone, so every build after the first reuses what was compiled.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/medchain/target}"
mkdir -p "$CARGO_TARGET_DIR"
export MEDCHAIN_NODE="${MEDCHAIN_NODE:-$CARGO_TARGET_DIR/debug/medchain-node}"
