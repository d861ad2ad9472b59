#!/usr/bin/env bash
# Builds the release `dynlens` binary and places it at editors/vscode/server/dynlens, where
# `npm run package` picks it up (.vscodeignore lets server/dynlens into the .vsix).
#
# The .vsix then holds a binary for the machine that built it only. To publish per platform,
# build on (or cross-compile for) each target and package with vsce's --target, e.g.
#   DYNLENS_TARGET=aarch64-unknown-linux-gnu npm run bundle-server
#   npx vsce package --target linux-arm64
# (VS Code installs the .vsix whose target matches the user's platform.)
set -euo pipefail
EXT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$EXT/../.." && pwd)"
cd "$REPO"
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
if [ -n "${DYNLENS_TARGET:-}" ]; then
  cargo build --release -p dynlens --target "$DYNLENS_TARGET"
  OUT_DIR="$TARGET_DIR/$DYNLENS_TARGET/release"
else
  cargo build --release -p dynlens
  OUT_DIR="$TARGET_DIR/release"
fi
EXE=dynlens
case "${DYNLENS_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}" in *windows*) EXE=dynlens.exe ;; esac
mkdir -p "$EXT/server"
rm -f "$EXT/server/dynlens" "$EXT/server/dynlens.exe"
cp "$OUT_DIR/$EXE" "$EXT/server/$EXE"
chmod +x "$EXT/server/$EXE"
echo "bundled $OUT_DIR/$EXE -> $EXT/server/$EXE"
