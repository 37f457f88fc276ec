#!/usr/bin/env bash
# Configures (once) and builds syncsim in build/, or with --sanitize in
# build-sanitize/ under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
directory=build
options=(--buildtype=release)
if [ "${1:-}" = "--sanitize" ]; then
  directory=build-sanitize
  # Every UBSan finding aborts (no recovery), so a test cannot pass over one.
  options=(--buildtype=debugoptimized -Db_lto=false -Db_sanitize=address,undefined -Dcpp_args=-fno-sanitize-recover=all)
  # Clang's sanitizer runtimes leave symbols undefined at link time.
  if "${CXX:-c++}" --version | grep -q clang; then
    options+=(-Db_lundef=false)
  fi
fi
if [ ! -f "$directory/build.ninja" ]; then
  meson setup "$directory" "${options[@]}"
fi
ninja -C "$directory"
