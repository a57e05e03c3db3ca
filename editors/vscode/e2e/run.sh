#!/usr/bin/env bash
# End-to-end test of the packaged extension in a real VS Code (code-server 4.100.3) driven by
# Debian's chromium through playwright-core. Not part of test.sh: it needs apt packages and a
# ~350 MB code-server install (cached in $MINDGAP_E2E_CACHE, default ~/.cache/mindgap-e2e).
#
#   apt-get install -y chromium ripgrep libkrb5-dev git   # once
#   editors/vscode/e2e/run.sh
#
# Prints one line per check and a closing `N passed, M failed`; exit 1 on any failure.
set -euo pipefail
ext=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$ext/../.." && pwd)
cache=${MINDGAP_E2E_CACHE:-$HOME/.cache/mindgap-e2e}
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
chromium=${CHROMIUM:-/usr/bin/chromium}

for tool in rg git tar; do
  command -v "$tool" >/dev/null || { echo "e2e needs $tool: apt-get install -y chromium ripgrep libkrb5-dev git"; exit 1; }
done
[ -x "$chromium" ] || { echo "e2e needs $chromium: apt-get install -y chromium (or set CHROMIUM)"; exit 1; }

if [ ! -x "$cache/node_modules/.bin/code-server" ] || [ ! -d "$cache/node_modules/playwright-core" ]; then
  echo "== installing code-server $CODE_SERVER_VERSION into $cache (a few minutes, once)"
  # code-server's VS Code fetches ripgrep from api.github.com at install time; hand it Debian's
  # rg in the cache @vscode/ripgrep checks first.
  case "$(uname -m)" in
    x86_64) target=x86_64-unknown-linux-musl ;;
    aarch64) target=aarch64-unknown-linux-musl ;;
    *) echo "e2e: no ripgrep seed for $(uname -m)"; exit 1 ;;
  esac
  seed_dir="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$seed_dir"
  seed=$(mktemp -d)
  cp "$(command -v rg)" "$seed/rg"
  tar czf "$seed_dir/ripgrep-v13.0.0-10-$target.tar.gz" -C "$seed" rg
  rm -rf "$seed"
  mkdir -p "$cache"
  [ -f "$cache/package.json" ] || echo '{"name":"mindgap-e2e","private":true}' > "$cache/package.json"
  (cd "$cache" && npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION")
fi

if [ -z "${MINDGAP_PATH:-}" ]; then
  echo "== cargo build -p mindgap"
  (cd "$repo" && cargo build -p mindgap --locked)
  MINDGAP_PATH="$repo/target/debug/mindgap"
fi

echo "== npm run package"
(cd "$ext" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run package </dev/null)
# a stand-in AI inline completion provider, installed beside mindgap for the run
(cd "$ext/e2e/inline-provider" && "$ext/node_modules/.bin/vsce" package --no-dependencies --skip-license \
  --allow-missing-repository -o "$ext/e2e/inline-provider.vsix" </dev/null >/dev/null)

echo "== e2e"
CODE_SERVER="$cache/node_modules/.bin/code-server" \
  PLAYWRIGHT_FROM="$cache/package.json" \
  CHROMIUM="$chromium" \
  VSIX="$ext/mindgap.vsix" \
  INLINE_VSIX="$ext/e2e/inline-provider.vsix" \
  WORK="${MINDGAP_E2E_WORK:-${TMPDIR:-/tmp}/mindgap-e2e-work}" \
  SHOT="$ext/screenshots/status-bar.png" \
  MINDGAP_PATH="$MINDGAP_PATH" \
  node "$ext/e2e/e2e.mjs"
