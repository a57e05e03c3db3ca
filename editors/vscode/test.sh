#!/usr/bin/env bash
# CI entry point for the VS Code extension: clean install, lint, unit tests, .vsix.
# Needs Node 20+ and npm; no VS Code instance. Fails on the first error.
set -euo pipefail
cd "$(dirname "$0")"

echo "== npm ci"
npm ci --no-audit --no-fund

echo "== lint (tsc --strict, eslint)"
npm run lint

echo "== unit tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
npm test 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1)
if [ "$status" -ne 0 ] || [ -z "$passed" ]; then
  echo "unit tests failed (exit $status)"
  echo "${passed:-0} passed, ${failed:-?} failed"
  exit 1
fi

echo "== package"
rm -f mindgap.vsix
npm run package </dev/null
size=$(wc -c < mindgap.vsix)
echo "mindgap.vsix: $size bytes"

echo "$passed passed, ${failed:-0} failed"
