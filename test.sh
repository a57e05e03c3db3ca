#!/usr/bin/env bash
# Every test mindgap has: the Rust crates (unit, property, end-to-end over stdio, headless Neovim),
# the VS Code extension (lint, unit tests, .vsix) and the extension's end-to-end run in a real
# VS Code (code-server driven by Chromium). Installs what it needs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")"

# Chromium renders the HTML report (a Rust test) and drives code-server; install it first.
echo "== System packages"
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
export MINDGAP_REQUIRE_CHROMIUM=1

echo "== Rust: cargo test --workspace"
cargo test --workspace --locked

echo "== VS Code extension"
bash editors/vscode/test.sh

echo "== VS Code end to end (code-server + Chromium)"
bash editors/vscode/e2e/run.sh
