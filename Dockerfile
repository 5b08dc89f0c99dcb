# Vitrina: vitrina-server, vitrina-train, vitrina-datagen, vitrina-import and vitrina-registry on Debian 12
# (see docs/DEPLOYMENT.md).
# The binaries are built for x86-64-v3 (AVX2 + FMA, see CMakeLists.txt): hosts need such a CPU.

FROM debian:12 AS build
# The -dev packages of scripts/install-deps.sh without what only tests and benchmarks need
# (GoogleTest, Google Benchmark, redis-server, mariadb-server, python).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config ca-certificates \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto libabsl-dev \
      libeigen3-dev libhiredis-dev libsqlitecpp-dev libsqlite3-dev libmysqlcppconn-dev \
      libspdlog-dev libyaml-cpp-dev libcli11-dev libcpp-httplib-dev libhnswlib-dev nlohmann-json3-dev prometheus-cpp-dev zlib1g-dev libboost-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DVITRINA_BUILD_TESTS=OFF -DVITRINA_BUILD_BENCH=OFF \
 && cmake --build build -j"$(nproc)" --target vitrina-server vitrina-train vitrina-datagen vitrina-import \
   vitrina-registry

FROM debian:12
# Only the shared libraries the binaries load (checked with ldd), tzdata for the schedules' time
# zones, curl for the health check, sqlite3 for registry snapshots (docs/DEPLOYMENT.md).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 \
      libhiredis0.14 libsqlite3-0 libmysqlcppconn7v5 libmariadb3 \
      libspdlog1.10 libfmt9 libyaml-cpp0.7 libcpp-httplib0.11 libprometheus-cpp-core1.0 libssl3 libbrotli1 zlib1g \
      ca-certificates tzdata curl sqlite3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/vitrina --shell /usr/sbin/nologin vitrina \
 && mkdir -p /var/lib/vitrina /etc/vitrina \
 && chown vitrina:vitrina /var/lib/vitrina
COPY --from=build /src/build/bin/vitrina-server /src/build/bin/vitrina-train /src/build/bin/vitrina-datagen \
     /src/build/bin/vitrina-import /src/build/bin/vitrina-registry /usr/local/bin/

USER vitrina
WORKDIR /var/lib/vitrina
# Registry (SQLite), model files and the embedded catalog: keep them on a volume.
VOLUME /var/lib/vitrina
# gRPC, HTTP/JSON
EXPOSE 50051 8080
# 200 once a model serves, 503 before.
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health || exit 1
# Alone, the image runs the embedded default (a generated demo catalog in SQLite, in-process
# cache); docker-compose.yml replaces this command with its config file. The tools run in the
# same image: `docker run --rm vitrina vitrina-train --help`.
CMD ["vitrina-server", "--listen", "0.0.0.0:50051", "--http-listen", "0.0.0.0:8080", "--data-dir", "/var/lib/vitrina"]
