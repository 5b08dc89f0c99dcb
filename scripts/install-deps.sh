#!/usr/bin/env bash
# Installs every Debian 12 package Vitrina builds, tests and runs with. Idempotent: when all of
# them are present it does nothing (no apt-get update), so repeated test runs stay fast.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto libabsl-dev
  libeigen3-dev libhiredis-dev libsqlitecpp-dev libsqlite3-dev libmysqlcppconn-dev
  libspdlog-dev libgtest-dev libgmock-dev libbenchmark-dev libyaml-cpp-dev libcli11-dev
  libcpp-httplib-dev libhnswlib-dev nlohmann-json3-dev prometheus-cpp-dev zlib1g-dev
  redis-server mariadb-server mariadb-client
  libboost-dev
  tzdata nghttp2-client python3 python3-grpcio python3-protobuf python3-numpy python3-scipy
  clang libclang-rt-14-dev libfuzzer-14-dev   # the fuzz targets (libFuzzer, ASan, UBSan runtimes)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
