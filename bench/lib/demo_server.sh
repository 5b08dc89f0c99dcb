# Sourced by the bench scripts that drive a real vitrina-server on the embedded default through
# its public API (bench/sessions/policy_comparison.sh, bench/experiments/calibration.sh): messages,
# the work dir, the server's start (loopback ports the kernel picks) and stop by PID, HTTP calls
# without curl, vitrina-simulate runs, and the warm-up + trainings both benches begin with.
# The sourcing script sets: script_name, bin_dir, work_dir, keep, ready_timeout, concurrency,
# max_seconds.

say() { echo "$script_name: $*" >&2; }
die() {
  say "error: $*"
  exit 1
}
require_count() {
  [[ "$2" =~ ^[1-9][0-9]{0,8}$ ]] || die "$1 must be a positive integer, got '$2'"
}

# A new temp work dir named after `purpose`, or the given one, which must hold no data dir yet.
prepare_work_dir() {
  local purpose="$1"
  if [ -z "$work_dir" ]; then
    work_dir="$(mktemp -d "${TMPDIR:-/tmp}/vitrina-$purpose-XXXXXX")"
  else
    mkdir -p "$work_dir"
    work_dir="$(cd "$work_dir" && pwd)"
    [ ! -e "$work_dir/data" ] || die "$work_dir/data exists: the run starts from an empty data dir"
  fi
  # VITRINA_* overrides would replace the config written by start_server (ports, data dir, data source).
  unset "${!VITRINA_@}"
  trap stop_server_and_clean_up EXIT
  trap 'exit 130' INT TERM
}

server_pid=""
stop_server_and_clean_up() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$keep" = 0 ]; then rm -rf "$work_dir"; else say "kept $work_dir"; fi
}

# Starts the server on the embedded default and waits until a model serves. Only the ports, the
# data dir and no nightly training (it would retrain in the middle of a run) differ from
# config/vitrina.example.yaml; extra config lines are the arguments. Sets http_port.
start_server() {
  local config="$work_dir/vitrina.yaml" line
  {
    echo "listen: 127.0.0.1:0"
    echo "http_listen: 127.0.0.1:0"
    echo "data_dir: '$work_dir/data'"
    echo "schedule: {nightly: \"\"}"
    for line in "$@"; do echo "$line"; done
  } >"$config"
  server_log="$work_dir/server.log"
  : >"$server_log"  # exists before the first sed below, whichever of the two the shell runs first
  "$bin_dir/vitrina-server" --config "$config" >"$server_log" 2>&1 &
  server_pid=$!
  http_port=""
  local deadline=$((SECONDS + ready_timeout))
  while :; do
    kill -0 "$server_pid" 2>/dev/null || die "vitrina-server exited: $(tail -n 5 "$server_log")"
    http_port="$(sed -n 's/.*HTTP listening on port \([0-9]*\).*/\1/p' "$server_log" | head -n 1)"
    [ -n "$http_port" ] && grep -Eq 'serving model [0-9]+ \(|model [0-9]+ now serving' "$server_log" && break
    [ "$SECONDS" -lt "$deadline" ] || die "vitrina-server not serving after ${ready_timeout}s: see $server_log"
    sleep 0.2
  done
  say "server on 127.0.0.1:$http_port (HTTP), work dir $work_dir"
}

# An HTTP request over bash's /dev/tcp (no curl needed); prints the body of a 200 answer.
http_call() {
  local method="$1" path="$2" body="${3:-}" response
  exec 3<>"/dev/tcp/127.0.0.1/$http_port"
  printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$method" "$path" "${#body}" "$body" >&3
  response="$(timeout "$ready_timeout" cat <&3)" || die "$method $path: no answer within ${ready_timeout}s"
  exec 3<&-
  case "$response" in
    "HTTP/1.1 200"*) printf '%s\n' "${response#*$'\r\n\r\n'}" ;;
    *) die "$method $path: $(printf '%s' "$response" | head -n 1) ${response#*$'\r\n\r\n'}" ;;
  esac
}

# vitrina-simulate against the server, its table into `output`; the other arguments go to it.
simulate() {
  local output="$1"
  shift
  local command=("$bin_dir/vitrina-simulate" --http "127.0.0.1:$http_port" --catalog "$work_dir/data/catalog.db"
    --users 2000 --concurrency "$concurrency" --max-seconds "$max_seconds" "$@")
  say "${command[*]}"
  "${command[@]}" >"$output" 2>"$output.err" || die "vitrina-simulate failed: $(cat "$output.err")"
}

# Sessions of the exploring baselines (random, top_popular) over /next, every reported title a
# 'play' interaction; then a full and a NEXT_TITLE training, both activated (ALWAYS: the warm-up's
# model is the one to serve even when its precision@10 on its own held-out split does not beat the
# first model's, the quality gate comparing different test sets).
warm_up_and_train() {
  local sessions="$1" seed="$2" body answer
  say "warm-up: $sessions sessions of random and of top_popular"
  simulate "$work_dir/warm-up.txt" --policies random,top_popular --sessions "$sessions" --seed "$seed"
  for body in '{"params": {}, "activate": "ALWAYS", "wait": true}' \
    '{"params": {"kind": "NEXT_TITLE"}, "activate": "ALWAYS", "wait": true}'; do
    answer="$(http_call POST /admin/train "$body")"
    [[ "$answer" == *'"activated":true'* ]] || die "training $body: not activated: $answer"
  done
  say "trained (full, then NEXT_TITLE)"
}
