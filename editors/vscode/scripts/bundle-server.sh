#!/usr/bin/env bash
# Builds the release `dynlens` binary and places it at editors/vscode/server/dynlens, where
# `npm run package` picks it up (.vscodeignore lets server/dynlens into the .vsix).
#
# The .vsix then holds a binary for the machine that built it only. To publish per platform,
# build on (or cross-compile for) each target and package with vsce's --target, e.g.
#   DYNLENS_TARGET=aarch64-unknown-linux-gnu npm run bundle-server
#   npx vsce package --target linux-arm64
# (VS Code installs the .vsix whose target matches the user's platform.)
#
# DYNLENS_BUNDLE_BIN=path places that binary instead of building one (the editor tests use the
# debug build). The copy is stripped of debug info when `strip` is there (60 MB -> 9 MB) and
# the binary is for this machine; DYNLENS_NO_STRIP=1 keeps it whole.
set -euo pipefail
EXT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$EXT/../.." && pwd)"
cd "$REPO"
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
EXE=dynlens
case "${DYNLENS_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}" in *windows*) EXE=dynlens.exe ;; esac
if [ -n "${DYNLENS_BUNDLE_BIN:-}" ]; then
  SRC="$DYNLENS_BUNDLE_BIN"
elif [ -n "${DYNLENS_TARGET:-}" ]; then
  cargo build --release -p dynlens --target "$DYNLENS_TARGET"
  SRC="$TARGET_DIR/$DYNLENS_TARGET/release/$EXE"
else
  cargo build --release -p dynlens
  SRC="$TARGET_DIR/release/$EXE"
fi
mkdir -p "$EXT/server"
rm -f "$EXT/server/dynlens" "$EXT/server/dynlens.exe"
cp "$SRC" "$EXT/server/$EXE"
chmod +x "$EXT/server/$EXE"
if [ -z "${DYNLENS_TARGET:-}" ] && [ -z "${DYNLENS_NO_STRIP:-}" ] && command -v strip >/dev/null; then
  strip "$EXT/server/$EXE"
fi
echo "bundled $SRC -> $EXT/server/$EXE ($(du -h "$EXT/server/$EXE" | cut -f1))"
