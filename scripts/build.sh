#!/usr/bin/env bash
# Configures and builds Vitrina into build/ (binaries in build/bin/). Extra arguments go to cmake
# --build (e.g. --target vitrina-server). VITRINA_WERROR=ON (the default under CI) makes warnings errors.
set -euo pipefail
cd "$(dirname "$0")/.."

werror="${VITRINA_WERROR:-}"
if [ -z "$werror" ]; then
  if [ "${CI:-}" = "true" ]; then werror=ON; else werror=OFF; fi
fi
jobs="${VITRINA_JOBS:-2}"

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DVITRINA_WERROR="$werror" >/dev/null
cmake --build build -j"$jobs" "$@"
