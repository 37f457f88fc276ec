#!/usr/bin/env bash
# Installs what syncsim needs to build and test, from Debian 12 packages.
# Idempotent; run as root on a minimal Debian (git, but no compiler).
set -euo pipefail
packages=(
  g++ meson ninja-build pkg-config cmake
  libboost-graph-dev libcli11-dev nlohmann-json3-dev doctest-dev
  graphviz python3 python3-jsonschema
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
