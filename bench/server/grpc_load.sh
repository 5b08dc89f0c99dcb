#!/usr/bin/env bash
# gRPC load benchmark of vitrina-server's GetUserRecommendations (h2load from nghttp2-client).
# Prints p50/p99/p99.9 latency and requests/s per scenario and the command that reproduces them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly METHOD_PATH=/vitrina.v1.Recommender/GetUserRecommendations

bin_dir="${VITRINA_BIN_DIR:-$ROOT/build/bin}"
work_dir="${TMPDIR:-/tmp}/vitrina-grpc-load"
users=20000
titles=100000
interactions=1000000
seed=42
components=64
epochs=5
serial_requests=5000
requests=20000
clients=4
streams=8
user_id=42
k=10
with_redis=1
ready_timeout=1800
ann_ef_search=""

usage() {
  cat <<EOF
Usage: bench/server/grpc_load.sh [options]

Load benchmark of vitrina-server's GetUserRecommendations over gRPC with h2load. It generates an
embedded catalog once (vitrina-datagen; kept in the work dir with the trained model, so later runs
start in seconds), then for each cache backend starts vitrina-server on 127.0.0.1 with a port the
kernel picks, checks one call for grpc-status 0, and runs a serial run (1 connection, 1 stream:
latency) and a concurrent run (throughput) of the same request:
  hit   memory  the in-process cache answers (same user, cache warmed by the first call)
  miss  none    no cache: every request scores every title (d $components) and selects the top k
  hit   redis   a redis-server started here on a free loopback port (skip with --no-redis)
Every run is checked against the server's own counters (/metrics on a loopback HTTP port the
kernel picks): all requests answered OK, and all of them cache hits (or all misses).

Options (defaults in brackets):
  --bin-dir DIR           vitrina-server and vitrina-datagen [$bin_dir, or \$VITRINA_BIN_DIR]
  --work-dir DIR          catalog, model, configs, logs [$work_dir]
  --users N               catalog users [$users]
  --titles N              catalog titles [$titles]
  --interactions N        catalog interactions [$interactions]
  --seed N                catalog seed [$seed]
  --components N          model dimension (training.no_components) [$components]
  --epochs N              training epochs of the model served [$epochs]
  --serial-requests N     requests of each serial run [$serial_requests]
  --requests N            requests of each concurrent run [$requests]
  --clients N             connections of the concurrent runs [$clients]
  --streams N             concurrent streams per connection [$streams]
  --user ID               the user asked for (must be in the catalog) [$user_id]
  --k N                   titles per answer [$k]
  --no-redis              skip the Redis scenario
  --ann-ef-search N       serving.ann.ef_search (catalogs from serving.ann.min_titles titles are
                          answered from the HNSW graph the training builds) [the server's default]
  --ready-timeout SEC     how long a server may take to serve (first training) [$ready_timeout]
  -h, --help              this text

Needs h2load and nghttp (nghttp2-client) and, for Redis, redis-server (scripts/install-deps.sh).
Build first: cmake --build build --target vitrina-server vitrina-datagen (Release).
EOF
}

say() { echo "grpc_load: $*" >&2; }
die() {
  say "error: $*"
  exit 1
}

require_count() {
  [[ "$2" =~ ^[1-9][0-9]{0,8}$ ]] || die "$1 must be a positive integer, got '$2'"
}

while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --no-redis) with_redis=0; shift; continue ;;
    --bin-dir | --work-dir | --users | --titles | --interactions | --seed | --components | --epochs | \
      --serial-requests | --requests | --clients | --streams | --user | --k | --ready-timeout | \
      --ann-ef-search)
      [ $# -ge 2 ] || die "$1 needs a value (see --help)" ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  case "$1" in
    --bin-dir) bin_dir="$2" ;;
    --work-dir) work_dir="$2" ;;
    --users) users="$2" ;;
    --titles) titles="$2" ;;
    --interactions) interactions="$2" ;;
    --seed) seed="$2" ;;
    --components) components="$2" ;;
    --epochs) epochs="$2" ;;
    --serial-requests) serial_requests="$2" ;;
    --requests) requests="$2" ;;
    --clients) clients="$2" ;;
    --streams) streams="$2" ;;
    --user) user_id="$2" ;;
    --k) k="$2" ;;
    --ready-timeout) ready_timeout="$2" ;;
    --ann-ef-search) ann_ef_search="$2" ;;
  esac
  shift 2
done

require_count --users "$users"
require_count --titles "$titles"
require_count --interactions "$interactions"
require_count --components "$components"
require_count --epochs "$epochs"
require_count --serial-requests "$serial_requests"
require_count --requests "$requests"
require_count --clients "$clients"
require_count --streams "$streams"
require_count --user "$user_id"
require_count --k "$k"
require_count --ready-timeout "$ready_timeout"
[ -z "$ann_ef_search" ] || require_count --ann-ef-search "$ann_ef_search"
[[ "$seed" =~ ^[0-9]{1,9}$ ]] || die "--seed must be a non-negative integer, got '$seed'"
[ "$components" -le 4096 ] || die "--components must be at most 4096 (the server's limit)"
[ "$k" -le 1000 ] || die "--k must be at most 1000 (the server's max_k)"
for tool in h2load nghttp; do
  command -v "$tool" >/dev/null || die "$tool not found: apt-get install nghttp2-client"
done
if [ "$with_redis" = 1 ]; then
  command -v redis-server >/dev/null || die "redis-server not found: install it or pass --no-redis"
fi
for binary in vitrina-server vitrina-datagen; do
  [ -x "$bin_dir/$binary" ] || die "$bin_dir/$binary not found: build it (Release) or pass --bin-dir"
done
bin_dir="$(cd "$bin_dir" && pwd)"
# The server's VITRINA_* environment overrides would replace the configs written below (ports,
# cache backend, data source).
unset "${!VITRINA_@}"
mkdir -p "$work_dir"
work_dir="$(cd "$work_dir" && pwd)"

# --- processes started here, stopped by PID at exit -------------------------------------------

server_pid=""
redis_pid=""

stop_process() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  stop_process "$server_pid"
  stop_process "$redis_pid"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- catalog and model, made once per spec ------------------------------------------------------

catalog_spec="users=$users titles=$titles interactions=$interactions seed=$seed"
model_spec="$catalog_spec components=$components epochs=$epochs"

# The registry and models the servers write here; stale when the catalog or the training changes,
# and after an interrupted first training (its job would be reported at the next start).
remove_model() {
  rm -rf "$work_dir/registry.db" "$work_dir/registry.db-wal" "$work_dir/registry.db-shm" \
    "$work_dir/models" "$work_dir/model-spec"
}

prepare_catalog() {
  if [ "$(cat "$work_dir/model-spec" 2>/dev/null)" != "$model_spec" ]; then remove_model; fi
  if [ -f "$work_dir/catalog.db" ] && [ "$(cat "$work_dir/catalog-spec" 2>/dev/null)" = "$catalog_spec" ]; then
    return 0
  fi
  remove_model
  rm -f "$work_dir/catalog.db" "$work_dir/catalog-spec"
  say "generating the catalog ($users users, $titles titles, $interactions interactions)"
  "$bin_dir/vitrina-datagen" --output "$work_dir/catalog.db" --seed "$seed" --users "$users" \
    --titles "$titles" --interactions "$interactions" >"$work_dir/datagen.log" 2>&1 ||
    die "vitrina-datagen failed: $(tail -n 5 "$work_dir/datagen.log")"
  echo "$catalog_spec" >"$work_dir/catalog-spec"
}

yaml_quoted() { printf "'%s'" "${1//\'/\'\'}"; }

# Port 0 for both listeners: the kernel picks free ports, read back from the server's log, so
# runs never collide with other servers on this machine.
write_config() {
  local file="$1" backend="$2" redis_url="${3:-}"
  {
    echo "listen: 127.0.0.1:0"
    echo "http_listen: 127.0.0.1:0"
    echo "data_dir: $(yaml_quoted "$work_dir")"
    echo "log_level: info"
    echo "data_source:"
    echo "  kind: embedded"
    echo "  embedded: {path: $(yaml_quoted "$work_dir/catalog.db")}"
    echo "demo: {generate_if_missing: false}"
    echo "cache:"
    echo "  backend: $backend"
    [ -z "$redis_url" ] || echo "  url: $(yaml_quoted "$redis_url")"
    echo "training:"
    echo "  no_components: $components"
    echo "  epochs: $epochs"
    echo "  threads: 2"
    echo "schedule: {nightly: \"\"}"
    [ -z "$ann_ef_search" ] || echo "serving: {ann: {ef_search: $ann_ef_search}}"
  } >"$file"
}

# --- the server ---------------------------------------------------------------------------------

grpc_port=""
http_port=""
server_log=""

port_in_log() { sed -n "s/.*$1.*/\\1/p" "$server_log" | head -n 1; }

start_server() {
  local name="$1" config="$2"
  server_log="$work_dir/server-$name.log"
  "$bin_dir/vitrina-server" --config "$config" >"$server_log" 2>&1 &
  server_pid=$!
  local deadline=$((SECONDS + ready_timeout)) announced=0
  while :; do
    kill -0 "$server_pid" 2>/dev/null || die "vitrina-server exited: $(tail -n 5 "$server_log")"
    grep -Eq 'job [0-9]+ failed' "$server_log" && die "training failed: $(grep -E 'job [0-9]+ failed' "$server_log")"
    grpc_port="$(port_in_log 'gRPC listening on .* (port \([0-9]*\))')"
    http_port="$(port_in_log 'HTTP listening on port \([0-9]*\)')"
    if [ -n "$grpc_port" ] && [ -n "$http_port" ] &&
      grep -Eq 'serving model [0-9]+ \(|model [0-9]+ now serving' "$server_log"; then
      break
    fi
    if [ "$announced" = 0 ] && grep -q 'first training queued' "$server_log"; then
      say "training the first model (d $components, $epochs epochs; log: $server_log)"
      announced=1
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "vitrina-server not serving after ${ready_timeout}s: see $server_log"
    sleep 0.2
  done
}

stop_server() {
  stop_process "$server_pid"
  server_pid=""
}

# Warnings and errors in the log of the server that served a scenario make its figures suspect.
check_server_log() {
  if grep -E '\[(warning|error|critical)\]' "$server_log" >&2; then
    die "the server logged the problems above (see $server_log)"
  fi
}

http_get() {
  local path="$1"
  exec 3<>"/dev/tcp/127.0.0.1/$http_port"
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
  cat <&3
  exec 3<&-
}

# What the server counted between two /metrics snapshots, for GetUserRecommendations over gRPC
# and the cache: "ok other_codes handler_seconds hits misses errors handler_p99_bound_ms". The
# bound is the upper edge of the histogram bucket holding the 99th percentile. A series is read
# once even when /metrics renders it more than once.
metrics_delta() {
  awk '
    FNR == 1 { file++ }
    /^vitrina_(requests_total|request_duration_seconds_(sum|bucket)|cache_requests_total)\{/ {
      if (file == 1) before[$1] = $2; else after[$1] = $2
    }
    END {
      for (series in after) {
        delta = after[series] - before[series]
        # Labels in any order (the server renders them sorted by name).
        ours = index(series, "method=\"GetUserRecommendations\"") > 0 && index(series, "transport=\"grpc\"") > 0
        answered_ok = index(series, "code=\"OK\"") > 0
        if (ours && index(series, "vitrina_requests_total{") == 1) {
          if (answered_ok) ok += delta; else other += delta
        } else if (ours && answered_ok && index(series, "vitrina_request_duration_seconds_sum{") == 1) {
          seconds = delta
        } else if (ours && answered_ok && index(series, "vitrina_request_duration_seconds_bucket{") == 1) {
          le = series; sub(/.*le="/, "", le); sub(/".*/, "", le)
          if (le != "+Inf") below[le + 0] = delta
        } else if (series ~ /^vitrina_cache_requests_total\{.*result="hit"/) {
          hits = delta
        } else if (series ~ /^vitrina_cache_requests_total\{.*result="miss"/) {
          misses = delta
        } else if (series ~ /^vitrina_cache_requests_total\{.*result="error"/) {
          errors = delta
        }
      }
      bound = "inf"
      n = asort_keys(below, edges)
      for (i = 1; i <= n; i++) if (below[edges[i]] >= 0.99 * ok) { bound = edges[i] * 1000; break }
      printf "%d %d %.9f %d %d %d %s\n", ok, other, seconds, hits, misses, errors, bound
    }
    # The keys of a numeric-keyed array in ascending order (mawk has no asorti).
    function asort_keys(array, sorted,   key, n, i, j, swap) {
      n = 0
      for (key in array) sorted[++n] = key + 0
      for (i = 2; i <= n; i++) for (j = i; j > 1 && sorted[j - 1] > sorted[j]; j--) {
        swap = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = swap
      }
      return n
    }' "$1" "$2"
}

# CPU ticks so far: the machine's busy and total, the server's, and this shell's reaped children's
# (h2load once it has exited).
cpu_ticks() {
  echo "$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)" \
    "$(awk '{ print $14 + $15 }' "/proc/$server_pid/stat")" "$(awk '{ print $16 + $17 }' "/proc/$$/stat")"
}

# --- requests -----------------------------------------------------------------------------------

# Protobuf varint of a non-negative integer, as printf escapes.
varint_escapes() {
  local value="$1" out=""
  while [ "$value" -ge 128 ]; do
    out+="$(printf '\\x%02x' $(((value & 127) | 128)))"
    value=$((value >> 7))
  done
  out+="$(printf '\\x%02x' "$value")"
  printf '%s' "$out"
}

# gRPC frame of GetUserRecommendationsRequest{user_id: 1, k: 2}: flag 0, big-endian length, message.
write_request_body() {
  local file="$1" message="$work_dir/request.pb"
  printf '%b' "\\x08$(varint_escapes "$user_id")\\x10$(varint_escapes "$k")" >"$message"
  local length
  length="$(stat -c %s "$message")"
  {
    printf '\x00'
    printf '%b' "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((length >> 24 & 255)) \
      $((length >> 16 & 255)) $((length >> 8 & 255)) $((length & 255)))"
    cat "$message"
  } >"$file"
}

request_body="$work_dir/request.bin"

# One call with nghttp: h2load counts any HTTP 200 as success, gRPC errors included.
check_one_call() {
  local trace="$work_dir/check-call.txt"
  nghttp -v -H 'content-type: application/grpc' -H 'te: trailers' -d "$request_body" \
    "http://127.0.0.1:$grpc_port$METHOD_PATH" >"$trace" 2>&1 || die "nghttp failed: $(tail -n 5 "$trace")"
  grep -q 'grpc-status: 0' "$trace" ||
    die "the check call did not answer grpc-status 0: $(grep -E 'grpc-(status|message)' "$trace" | tr '\n' ' ')"
}

# --- runs and figures ---------------------------------------------------------------------------

rows=()
readonly MAX_WARM_UP=1000

h2load_run() {
  local requests_n="$1" clients_n="$2" streams_n="$3" log_file="$4" output="$5"
  h2load -n "$requests_n" -c "$clients_n" -m "$streams_n" -t 1 -H 'content-type: application/grpc' \
    -H 'te: trailers' -d "$request_body" ${log_file:+--log-file "$log_file"} \
    "http://127.0.0.1:$grpc_port$METHOD_PATH" >"$output" 2>&1 || die "h2load failed: $(tail -n 5 "$output")"
  local succeeded
  succeeded="$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' "$output")"
  [ "$succeeded" = "$requests_n" ] || die "h2load: $succeeded of $requests_n requests succeeded ($output)"
}

# Runs one scenario after a warm-up and appends its table row. `expect` is hit or miss: every
# measured request must have been answered OK and counted as that by the cache.
measure() {
  local label="$1" slug="$2" expect="$3" requests_n="$4" clients_n="$5" streams_n="$6"
  local warm_up=$((requests_n < MAX_WARM_UP ? requests_n : MAX_WARM_UP))
  h2load_run "$warm_up" "$clients_n" "$streams_n" "" "$work_dir/h2load-$slug-warm-up.txt"

  local log_file="$work_dir/h2load-$slug.tsv" output="$work_dir/h2load-$slug.txt"
  local metrics_before="$work_dir/metrics-$slug-before.prom" metrics_after="$work_dir/metrics-$slug-after.prom"
  local cpu_before cpu_after
  # h2load appends to an existing log file.
  rm -f "$log_file"
  http_get /metrics >"$metrics_before"
  cpu_before="$(cpu_ticks)"
  h2load_run "$requests_n" "$clients_n" "$streams_n" "$log_file" "$output"
  cpu_after="$(cpu_ticks)"
  http_get /metrics >"$metrics_after"

  local ok other server_seconds hits misses errors server_p99_bound
  read -r ok other server_seconds hits misses errors server_p99_bound \
    < <(metrics_delta "$metrics_before" "$metrics_after")
  if [ "$ok" != "$requests_n" ] || [ "$other" != 0 ]; then
    die "$label: the server answered $ok OK and $other errors for $requests_n requests"
  fi
  [ "$errors" = 0 ] || die "$label: $errors cache errors"
  local expected_count="$hits"
  [ "$expect" = hit ] || expected_count="$misses"
  [ "$expected_count" = "$requests_n" ] ||
    die "$label: expected $requests_n cache ${expect}es, counted $hits hits and $misses misses" \
      "(a user the model does not know gets popular titles, never cached: is user $user_id in it?)"

  # Shares of the whole machine (all cores = 100%): what the server, h2load and everything else
  # on this shared machine used during the run.
  local cpu_shares
  cpu_shares="$(echo "$cpu_before $cpu_after" | awk '{
    total = $6 - $2; server = $7 - $3; client = $8 - $4; others = $5 - $1 - server - client
    if (others < 0) others = 0
    printf "%.0f/%.0f/%.0f", 100 * server / total, 100 * client / total, 100 * others / total }')"

  local rate
  rate="$(sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' "$output")"
  local figures
  figures="$(awk -F'\t' -v n="$requests_n" '$2 != 200 { bad++ } { print $3 } END { if (bad || NR != n) exit 1 }' "$log_file" |
    LC_ALL=C sort -n | awk -v server_seconds="$server_seconds" '
      { d[NR] = $1 }
      function at(q,   i) { i = int(q * NR); if (i < q * NR) i++; if (i < 1) i = 1; return d[i] / 1000 }
      END { printf "%.3f %.3f %.3f %.3f", at(0.5), at(0.99), at(0.999), server_seconds * 1000 / NR }')" ||
    die "$label: h2load logged a non-200 response or not $requests_n requests ($log_file)"
  local p50 p99 p999 server_mean
  read -r p50 p99 p999 server_mean <<<"$figures"
  rows+=("$label|$requests_n|$rate|$p50|$p99|$p999|$server_mean|$server_p99_bound|$cpu_shares")
  say "$label: $rate req/s, p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms"
}

# Serial latency, then concurrent throughput, against the server started for one backend.
run_backend_scenarios() {
  local expect="$1" backend="$2" what="$3"
  write_request_body "$request_body"
  check_one_call
  measure "$what, serial (1 conn x 1 stream)" "$backend-serial" "$expect" "$serial_requests" 1 1
  measure "$what, $clients conn x $streams streams" "$backend-concurrent" "$expect" "$requests" \
    "$clients" "$streams"
  check_server_log
}

free_loopback_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free loopback port found"
}

start_redis() {
  local port log="$work_dir/redis.log"
  for _ in 1 2 3; do
    port="$(free_loopback_port)"
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$work_dir" \
      --logfile "$log" --daemonize no >/dev/null 2>&1 &
    redis_pid=$!
    for _ in $(seq 50); do
      if grep -q 'Ready to accept connections' "$log" 2>/dev/null; then
        redis_port="$port"
        return 0
      fi
      kill -0 "$redis_pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_process "$redis_pid"
    redis_pid=""
    rm -f "$log"
  done
  die "redis-server did not start (see $log)"
}

# --- main ---------------------------------------------------------------------------------------

read -r load_before _ < /proc/loadavg
prepare_catalog

write_config "$work_dir/server-memory.yaml" memory
start_server memory "$work_dir/server-memory.yaml"
echo "$model_spec" >"$work_dir/model-spec"
run_backend_scenarios hit memory "cache hit, memory"
stop_server

write_config "$work_dir/server-none.yaml" none
start_server none "$work_dir/server-none.yaml"
model_line="$(grep -oE 'serving model [0-9]+ \([0-9]+ users, [0-9]+ titles\)' "$server_log" | head -n 1)"
run_backend_scenarios miss none "cache miss, none"
stop_server

if [ "$with_redis" = 1 ]; then
  redis_port=""
  start_redis
  write_config "$work_dir/server-redis.yaml" redis "redis://127.0.0.1:$redis_port/0"
  start_server redis "$work_dir/server-redis.yaml"
  run_backend_scenarios hit redis "cache hit, redis"
  stop_server
  stop_process "$redis_pid"
  redis_pid=""
fi
read -r load_after _ < /proc/loadavg

echo
echo "vitrina-server GetUserRecommendations over gRPC (h2load, k $k, user $user_id)"
echo "catalog: $users users, $titles titles, $interactions interactions (seed $seed); $model_line, d $components"
echo "machine: $(nproc) CPUs, load average $load_before before, $load_after after"
echo
echo "| scenario | requests | req/s | p50 ms | p99 ms | p99.9 ms | handler mean ms | handler p99 <= ms | CPU % server/h2load/other |"
echo "|---|---|---|---|---|---|---|---|---|"
for row in "${rows[@]}"; do
  echo "| ${row//|/ | } |"
done
echo
echo "Latencies are h2load's per request (request sent to end of response). \"handler\" is the server's"
echo "own request histogram (the gRPC handler, transport excluded): its mean, and the bucket edge"
echo "under which its 99th percentile lies. CPU: shares of all $(nproc) cores during the run (other ="
echo "everything else running on the machine)."
echo
echo "Reproduce:"
reproduce="cd $ROOT && bench/server/grpc_load.sh --bin-dir $bin_dir --work-dir $work_dir"
reproduce+=" --users $users --titles $titles --interactions $interactions --seed $seed"
reproduce+=" --components $components --epochs $epochs --serial-requests $serial_requests"
reproduce+=" --requests $requests --clients $clients --streams $streams --user $user_id --k $k"
[ "$with_redis" = 1 ] || reproduce+=" --no-redis"
echo "  $reproduce"
