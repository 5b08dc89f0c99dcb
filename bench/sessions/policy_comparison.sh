#!/usr/bin/env bash
# Compares the shipped next-title policies with vitrina-simulate after a warm-up through the
# public API, on the embedded default (the generated demo catalog). Prints the table, the lifts of
# the best preset over the baselines, and the commands that reproduce them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly PRESETS=(memory_hybrid improved_indexed fatigue_contextual creator_blend)
readonly BASELINES=(random top_popular sticky_creator)

bin_dir="${VITRINA_BIN_DIR:-$ROOT/build/bin}"
work_dir=""
keep=0
warm_up_sessions=2000
sessions=2000
concurrency=4
warm_up_seed=1001
seed=1
ready_timeout=300
max_seconds=900

usage() {
  cat <<EOF
Usage: bench/sessions/policy_comparison.sh [options]

Starts vitrina-server on the embedded default (no catalog in a new temp data dir: the server
generates the demo catalog and trains its first model) on loopback ports the kernel picks, then,
through the public API only:
  1. warm-up: vitrina-simulate plays --warm-up-sessions sessions with each exploring baseline
     (random, top_popular) over POST /next and /last; every reported title is recorded as a
     'play' interaction;
  2. POST /admin/train: a full training (activated: it learned from the warm-up), then a
     NEXT_TITLE training (learns which titles follow which from the catalog and the warm-up);
  3. vitrina-simulate plays --sessions sessions per policy (every preset and baseline; other
     sessions than the warm-up's: another seed) and prints its table;
  4. the best preset's lift over random and sticky_creator, and whether the 95% intervals overlap.

Options (defaults in brackets):
  --bin-dir DIR            vitrina-server and vitrina-simulate [$bin_dir, or \$VITRINA_BIN_DIR]
  --work-dir DIR           data dir, configs, logs [a new temp dir, removed at the end unless --keep]
  --keep                   keep the work dir
  --warm-up-sessions N     sessions per exploring baseline in the warm-up [$warm_up_sessions]
  --sessions N             sessions per policy in the comparison [$sessions]
  --concurrency N          vitrina-simulate's keep-alive connections [$concurrency]
  --warm-up-seed N         vitrina-simulate's seed in the warm-up [$warm_up_seed]
  --seed N                 vitrina-simulate's seed in the comparison [$seed]
  --ready-timeout SEC      how long the first model and each training may take [$ready_timeout]
  --max-seconds SEC        vitrina-simulate's time limit per run [$max_seconds]
  -h, --help               this text

Build first (Release): scripts/build.sh --target vitrina-server vitrina-simulate
EOF
}

script_name=policy_comparison
# shellcheck source=../lib/demo_server.sh
source "$ROOT/bench/lib/demo_server.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --keep) keep=1; shift; continue ;;
    --bin-dir | --work-dir | --warm-up-sessions | --sessions | --concurrency | --warm-up-seed | --seed | \
      --ready-timeout | --max-seconds)
      [ $# -ge 2 ] || die "$1 needs a value (see --help)" ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  case "$1" in
    --bin-dir) bin_dir="$2" ;;
    --work-dir) work_dir="$2" ;;
    --warm-up-sessions) warm_up_sessions="$2" ;;
    --sessions) sessions="$2" ;;
    --concurrency) concurrency="$2" ;;
    --warm-up-seed) warm_up_seed="$2" ;;
    --seed) seed="$2" ;;
    --ready-timeout) ready_timeout="$2" ;;
    --max-seconds) max_seconds="$2" ;;
  esac
  shift 2
done
require_count --warm-up-sessions "$warm_up_sessions"
require_count --sessions "$sessions"
require_count --concurrency "$concurrency"
require_count --warm-up-seed "$warm_up_seed"
require_count --seed "$seed"
require_count --ready-timeout "$ready_timeout"
require_count --max-seconds "$max_seconds"
[ "$warm_up_seed" != "$seed" ] || die "--warm-up-seed and --seed must differ (the comparison plays new sessions)"
for binary in vitrina-server vitrina-simulate; do
  [ -x "$bin_dir/$binary" ] || die "$bin_dir/$binary not found: build it (Release) or pass --bin-dir"
done
bin_dir="$(cd "$bin_dir" && pwd)"
prepare_work_dir policy-comparison
start_server
warm_up_and_train "$warm_up_sessions" "$warm_up_seed"
cat "$work_dir/warm-up.txt"

policies="$(IFS=,; echo "${PRESETS[*]},${BASELINES[*]}")"
say "comparison: $sessions sessions per policy"
simulate "$work_dir/comparison.txt" --policies "$policies" --sessions "$sessions" --seed "$seed"
cat "$work_dir/comparison.txt"

# Table rows: policy sessions mean [low, high] ...
awk -v presets="${PRESETS[*]}" '
  BEGIN { split(presets, names, " "); for (i in names) preset[names[i]] = 1 }
  $4 ~ /^\[/ { mean[$1] = $3; low[$1] = substr($4, 2) + 0; high[$1] = $5 + 0 }
  END {
    for (name in preset) if (name in mean && (best == "" || mean[name] > mean[best])) best = name
    if (best == "" || !("random" in mean) || !("sticky_creator" in mean)) { print "no table to compare"; exit 1 }
    printf "\nbest preset: %s, %.3f consumed per session\n", best, mean[best]
    split("random sticky_creator", baselines, " ")
    target["random"] = 50; target["sticky_creator"] = 15
    holds = 1
    for (i = 1; i <= 2; i++) {
      b = baselines[i]
      lift = 100 * (mean[best] / mean[b] - 1)
      apart = low[best] > high[b]
      ok = lift >= target[b] && apart
      if (!ok) holds = 0
      printf "vs %-15s %+7.1f%% (target >= +%d%%); 95%% intervals %s: %s\n", b, lift, target[b],
             apart ? "do not overlap" : "overlap", ok ? "holds" : "does not hold"
    }
    printf "target %s\n", holds ? "holds" : "does not hold"
  }' "$work_dir/comparison.txt"

echo
echo "command: bench/sessions/policy_comparison.sh --warm-up-sessions $warm_up_sessions --sessions $sessions" \
  "--concurrency $concurrency --warm-up-seed $warm_up_seed --seed $seed"
