#!/usr/bin/env bash
# The libFuzzer targets of fuzz/ (see fuzz/README.md), built with clang into their own tree.
#   scripts/fuzz.sh build                   configure and build the fuzz tree
#   scripts/fuzz.sh run TARGET SECONDS      run one target (fuzz_TARGET) from its committed seeds
#   scripts/fuzz.sh all SECONDS             build, then run every target in turn (the long runs)
# The test suite runs `build` and then `run` for each target (ctest -L fuzz). New inputs go to
# <tree>/corpus/TARGET, never into fuzz/corpus; a crash leaves <tree>/crashes/TARGET/crash-* and
# fails. VITRINA_FUZZ_BUILD_DIR (default build/fuzz) is the tree, VITRINA_JOBS the build's jobs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tree="${VITRINA_FUZZ_BUILD_DIR:-$root/build/fuzz}"

build() {
  cmake -S "$root" -B "$tree" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DVITRINA_FUZZ=ON -DVITRINA_BUILD_TESTS=OFF -DVITRINA_BUILD_BENCH=OFF -DVITRINA_WERROR=ON >/dev/null
  cmake --build "$tree" -j"${VITRINA_JOBS:-2}"
}

run() {
  local target="$1" seconds="$2"
  local binary="$tree/bin/fuzz_$target"
  local seeds="$root/fuzz/corpus/$target"
  local corpus="$tree/corpus/$target"
  local crashes="$tree/crashes/$target"
  [ -x "$binary" ] || { echo "fuzz: $binary is missing: run scripts/fuzz.sh build" >&2; exit 1; }
  mkdir -p "$corpus" "$crashes"
  if [ "$target" = model_file ]; then
    # Seeds trained by the current trainer, so that they carry the current format version.
    "$tree/bin/fuzz_model_seeds" "$corpus"
  fi
  local dirs=("$corpus")
  [ -d "$seeds" ] && dirs+=("$seeds")
  local log="$tree/fuzz_$target.log"
  local status=0
  # -rss_limit_mb: ASan's shadow memory on top of the inputs; -timeout: one input taking longer
  # than that is a finding (a hang).
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "${dirs[@]}" >"$log" 2>&1 || status=$?
  local runs coverage features
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  coverage="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  features="$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$log"
    echo "fuzz_$target: FAILED (exit $status) after ${runs:-?} runs; input saved in $crashes/"
    exit 1
  fi
  echo "fuzz_$target: ok, ${runs:-?} runs in ${seconds}s, 0 crashes, coverage ${coverage:-?} edges, ${features:-?} features"
}

case "${1:-}" in
  build) build ;;
  run) [ $# -eq 3 ] || { echo "usage: $0 run TARGET SECONDS" >&2; exit 2; }; run "$2" "$3" ;;
  all)
    [ $# -eq 2 ] || { echo "usage: $0 all SECONDS" >&2; exit 2; }
    build
    failed=()
    for binary in "$tree"/bin/fuzz_*; do
      target="${binary##*/fuzz_}"
      [ "$target" = model_seeds ] && continue
      # A subshell, so that one target's failure does not stop the others.
      (run "$target" "$2") || failed+=("$target")
    done
    if [ ${#failed[@]} -ne 0 ]; then
      echo "fuzz: FAILED: ${failed[*]}"
      exit 1
    fi
    echo "fuzz: every target ran ${2}s without a crash"
    ;;
  *) echo "usage: $0 build | run TARGET SECONDS | all SECONDS" >&2; exit 2 ;;
esac
