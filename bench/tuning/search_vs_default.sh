#!/usr/bin/env bash
# Issue #12's target, measured end to end: on ml-100k (ua split, rating >= 4), per seed, one default
# training (WARP d 30, 30 epochs, lr 0.05) is timed, then a search is given --budget-factor times
# that wall time (vitrina-train --search-seconds: the search stops launching rungs it cannot finish
# in time, the winner's refit included). Prints each seed's test P@10 for both, the search's wall
# time over the default's, the mean gain over the seeds and the load averages. The test file is
# read by the search run only after its search is over (cli_test SearchChoicesDoNotDependOnTheTestFile).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly PYTHON=/usr/bin/python3  # Debian's, as everywhere in bench/

bin_dir="${VITRINA_BIN_DIR:-$ROOT/build/bin}"
data_dir="$ROOT/../shared/data/ml-100k"
seeds="1 2 3"
budget_factor=5
trials=30
threads=2
search_flags=""

usage() {
  cat <<USAGE
Usage: bench/tuning/search_vs_default.sh [options]

  --bin-dir DIR         vitrina-train's folder (default build/bin, or \$VITRINA_BIN_DIR)
  --data-dir DIR        ml-100k folder with ua.base and ua.test (default ../shared/data/ml-100k)
  --seeds "S ..."       seeds, each a default training then a search (default "$seeds")
  --budget-factor F     the search's wall-time budget in default trainings (default $budget_factor)
  --trials N            most trials a search samples; the budget usually stops it first (default $trials)
  --threads N           both runs' threads (default $threads)
  --search-flags "..."  more vitrina-train --search flags (space, rungs; default none)
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --bin-dir) bin_dir="$2"; shift 2 ;;
    --data-dir) data_dir="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --budget-factor) budget_factor="$2"; shift 2 ;;
    --trials) trials="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --search-flags) search_flags="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

train_bin="$bin_dir/vitrina-train"
[ -x "$train_bin" ] || { echo "no $train_bin: scripts/build.sh --target vitrina-train" >&2; exit 1; }
for f in ua.base ua.test; do
  [ -r "$data_dir/$f" ] || { echo "no $data_dir/$f (--data-dir)" >&2; exit 1; }
done

work_dir="$(mktemp -d)"  # kept: every run's JSON and the searches' trial lines
common=(--train "$data_dir/ua.base" --test "$data_dir/ua.test" --min-rating 4 --threads "$threads"
        --metrics-json)

now() { date +%s.%N; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

results="$work_dir/results.tsv"
for seed in $seeds; do
  load_before="$(loadavg)"
  t0="$(now)"
  "$train_bin" "${common[@]}" --loss warp --no-components 30 --epochs 30 --learning-rate 0.05 \
      --seed "$seed" >"$work_dir/default-$seed.json" 2>"$work_dir/default-$seed.log"
  t1="$(now)"
  default_seconds="$("$PYTHON" -c "print($t1 - $t0)")"
  budget="$("$PYTHON" -c "print(round($budget_factor * $default_seconds, 3))")"
  t2="$(now)"
  "$train_bin" "${common[@]}" --search --search-trials "$trials" --search-seconds "$budget" \
      $search_flags --seed "$seed" >"$work_dir/search-$seed.json" 2>"$work_dir/search-$seed.log"
  t3="$(now)"
  search_seconds="$("$PYTHON" -c "print($t3 - $t2)")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$seed" "$default_seconds" "$search_seconds" "$budget" \
      "$load_before" "$(loadavg)" "$(grep -c '^trial' "$work_dir/search-$seed.log" || true)" >>"$results"
done

"$PYTHON" - "$work_dir" "$results" "$budget_factor" <<'PY'
import json, sys
work, results, factor = sys.argv[1], sys.argv[2], float(sys.argv[3])
rows = []
print("| seed | default P@10 | default wall s | search budget s | search wall s | ratio | measurements | winner (epochs) | winner P@10 | gain | load before -> after |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for line in open(results):
    seed, default_s, search_s, budget, load0, load1, measurements = line.rstrip("\n").split("\t")
    default = json.load(open(f"{work}/default-{seed}.json"))
    search = json.load(open(f"{work}/search-{seed}.json"))
    ratio = float(search_s) / float(default_s)
    gain = search["precision_at_k"] / default["precision_at_k"] - 1
    rows.append((default["precision_at_k"], search["precision_at_k"], ratio))
    winner = (f'd {search["no_components"]} lr {search["learning_rate"]:.3g} '
              f'alphas {search["item_alpha"]:.2g}/{search["user_alpha"]:.2g} '
              f'ms {search["max_sampled"]} ({search["epochs"]})')
    print(f"| {seed} | {default['precision_at_k']:.4f} | {float(default_s):.2f} | {float(budget):.2f} "
          f"| {float(search_s):.2f} | {ratio:.2f}x | {measurements} | {winner} "
          f"| {search['precision_at_k']:.4f} | {gain:+.1%} | {load0} -> {load1} |")
mean_default = sum(r[0] for r in rows) / len(rows)
mean_search = sum(r[1] for r in rows) / len(rows)
worst = max(r[2] for r in rows)
gain = mean_search / mean_default - 1
print(f"\nmean test P@10: default {mean_default:.4f}, search {mean_search:.4f}: gain {gain:+.1%}; "
      f"largest wall-time ratio {worst:.2f}x (budget {factor:g}x)")
target = gain >= 0.05 and worst <= factor
print("target (gain >= +5%, every ratio <= budget): " + ("holds" if target else "MISSED"))
PY
echo "outputs (trial lines in search-SEED.log): $work_dir"
echo "reproduce: bench/tuning/search_vs_default.sh --seeds \"$seeds\" --budget-factor $budget_factor --trials $trials --threads $threads${search_flags:+ --search-flags \"$search_flags\"}"
