#!/usr/bin/env bash
# Records the labelled everyday VS Code sessions (code-server 4.100.3 + Debian's chromium, as
# e2e/run.sh; not part of CI): formatting, a move from a file never opened, a paste, undo/redo,
# git checkout and merge, and a shell agent. See e2e/README.md.
#
#   editors/vscode/e2e/record.sh [everyday|everyday_h|workday|all]    # default: all
#
#   everyday    -> tests/fixtures/traces/vscode_everyday.{trace,labels}.jsonl   (tuning set)
#   everyday_h  -> tests/fixtures/heldout/vscode_everyday_h.{trace,labels}.jsonl (held out)
#   workday     -> tests/fixtures/traces/vscode_workday.{trace,labels}.jsonl    (tuning, fifth round)
#
# MINDGAP_PATH picks the server binary (default: cargo build -p mindgap, target/debug/mindgap);
# MINDGAP_RECORD_WORK the scratch folder (default /tmp/mindgap-record: the workspace is
# WORK/NAME, so the recorded URIs are the same on every run); PORT code-server's port (18767).
set -euo pipefail
ext=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$ext/../.." && pwd)
cache=${MINDGAP_E2E_CACHE:-$HOME/.cache/mindgap-e2e}
chromium=${CHROMIUM:-/usr/bin/chromium}
which=${1:-all}

[ -x "$cache/node_modules/.bin/code-server" ] && [ -d "$cache/node_modules/playwright-core" ] || {
  echo "record needs code-server and playwright-core in $cache: run editors/vscode/e2e/run.sh once"
  exit 1
}
[ -x "$chromium" ] || { echo "record needs $chromium: apt-get install -y chromium (or set CHROMIUM)"; exit 1; }
command -v git >/dev/null || { echo "record needs git"; exit 1; }

if [ -z "${MINDGAP_PATH:-}" ]; then
  echo "== cargo build -p mindgap"
  (cd "$repo" && cargo build -p mindgap --locked)
  MINDGAP_PATH="${CARGO_TARGET_DIR:-$repo/target}/debug/mindgap"
fi

echo "== npm run package"
(cd "$ext" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run package </dev/null >/dev/null)

case "$which" in
  all) scenarios="everyday everyday_h workday" ;;
  everyday | everyday_h | workday) scenarios=$which ;;
  *) echo "record.sh [everyday|everyday_h|workday|all]"; exit 1 ;;
esac
for s in $scenarios; do
  case "$s" in
    everyday | workday) out="$repo/tests/fixtures/traces" ;;
    everyday_h) out="$repo/tests/fixtures/heldout" ;;
  esac
  echo "== record $s"
  CODE_SERVER="$cache/node_modules/.bin/code-server" \
    PLAYWRIGHT_FROM="$cache/package.json" \
    CHROMIUM="$chromium" \
    VSIX="$ext/mindgap.vsix" \
    MINDGAP_PATH="$MINDGAP_PATH" \
    SCENARIO="$s" \
    OUT="${MINDGAP_RECORD_OUT:-$out}" \
    WORK="${MINDGAP_RECORD_WORK:-${TMPDIR:-/tmp}/mindgap-record}" \
    node "$ext/e2e/record.mjs"
done
