#!/usr/bin/env bash
# The main command: installs what is missing, builds, and runs vitrina-server on the embedded
# default (data in ./data; a demo catalog is generated and a first model trained at first start;
# gRPC on 127.0.0.1:50051, HTTP on 127.0.0.1:8080). Arguments go to vitrina-server (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh --target vitrina-server vitrina-train vitrina-datagen
exec build/bin/vitrina-server "$@"
