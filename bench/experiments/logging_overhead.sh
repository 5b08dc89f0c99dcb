#!/usr/bin/env bash
# What the exposure log costs an answer: the same vitrina-server (demo catalog, in-process cache)
# with experiments.log.enabled false and true, alternated, measuring serial latency of
#   - GetUserRecommendations over gRPC (h2load, one connection, one stream; a cache hit, the
#     fastest path, where a fixed cost shows most), and
#   - the classic POST /next over HTTP (vitrina-bench-next --serial, keep-alive).
# Prints p50/p99 per run and the commands. Usage: bench/experiments/logging_overhead.sh [rounds]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${VITRINA_BIN_DIR:-$ROOT/build/bin}"
work="${TMPDIR:-/tmp}/vitrina-logging-overhead"
rounds="${1:-2}"
requests=2000
mkdir -p "$work"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# gRPC frame of GetUserRecommendationsRequest{user_id: 42, k: 10}.
printf '\x00\x00\x00\x00\x04\x08\x2a\x10\x0a' >"$work/request.bin"

start_server() {
  local logging="$1"
  grpc_port="$(free_port)"
  http_port="$(free_port)"
  cat >"$work/vitrina.yaml" <<YAML
listen: 127.0.0.1:$grpc_port
http_listen: 127.0.0.1:$http_port
data_dir: $work/data
training: {epochs: 5, no_components: 32, threads: 1}
schedule: {nightly: ""}
experiments:
  log: {enabled: $logging}
  definitions:
    - name: bench
      arms: [{name: control, policy: memory_hybrid}, {name: treatment, policy: memory_hybrid}]
YAML
  "$bin/vitrina-server" --config "$work/vitrina.yaml" --log-level warn >"$work/server-$logging.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 1200); do
    if curl -sf "http://127.0.0.1:$http_port/health" | grep -q SERVING; then return 0; fi
    sleep 0.25
  done
  echo "the server did not serve: $(tail -n 5 "$work/server-$logging.log")" >&2
  exit 1
}

stop_server() { kill "$server_pid"; wait "$server_pid" || true; }

recommendations() {
  local label="$1" log="$work/h2load-$1.tsv"
  rm -f "$log"
  h2load -n 500 -c 1 -m 1 -H 'content-type: application/grpc' -H 'te: trailers' -d "$work/request.bin" \
    "http://127.0.0.1:$grpc_port/vitrina.v1.Recommender/GetUserRecommendations" >/dev/null
  h2load -n "$requests" -c 1 -m 1 -H 'content-type: application/grpc' -H 'te: trailers' -d "$work/request.bin" \
    --log-file "$log" "http://127.0.0.1:$grpc_port/vitrina.v1.Recommender/GetUserRecommendations" >/dev/null
  awk -F'\t' '{ print $3 }' "$log" | LC_ALL=C sort -n | awk -v label="$label" '
    { d[NR] = $1 }
    function at(q,   i) { i = int(q * NR); if (i < q * NR) i++; return d[i] }
    END { printf "GetUserRecommendations (gRPC, cache hit) %-12s %d calls: p50 %d us, p99 %d us\n", label, NR, at(0.5), at(0.99) }'
}

next_calls() {
  local label="$1"
  printf 'POST /next (HTTP)                      %-12s ' "$label"
  "$bin/vitrina-bench-next" --port "$http_port" --serial "$requests" --requests 32 --users 50 | grep 'serial:'
}

for round in $(seq 1 "$rounds"); do
  for logging in false true; do
    start_server "$logging"
    label="log $([ "$logging" = true ] && echo on || echo off)"
    recommendations "$label"
    next_calls "$label"
    stop_server
  done
done
echo "log files written: $(find "$work/data/exposure-log" -name '*.vxl' | wc -l), $(du -sh "$work/data/exposure-log" | cut -f1)"
