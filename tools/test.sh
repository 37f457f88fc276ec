#!/usr/bin/env bash
# Installs dependencies, builds, and runs the full test suite; with
# --sanitize, builds and tests under ASan and UBSan instead.
# Ends with one line "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-dependencies.sh
bash tools/build.sh "$@"
directory=build
setup=()
if [ "${1:-}" = "--sanitize" ]; then
  directory=build-sanitize
  setup=(--setup sanitize)
fi
log=$(mktemp)
status=0
meson test -C "$directory" "${setup[@]}" --print-errorlogs 2>&1 | tee "$log" || status=$?
passed=$(awk '/^Ok:/ {print $2}' "$log")
failed=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {sum += $NF} END {print sum + 0}' "$log")
rm -f "$log"
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
