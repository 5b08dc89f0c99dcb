#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds (warnings are errors), runs every test
# through CTest. Redis and MariaDB tests start their own servers on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
VITRINA_WERROR=ON scripts/build.sh
cd build
ctest --output-on-failure -j"${VITRINA_JOBS:-2}" --timeout 900 "$@"
