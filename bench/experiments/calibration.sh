#!/usr/bin/env bash
# Calibrates the experiment analysis with vitrina-simulate (issue #10): A/A experiments must flag
# about 5% as significant, an A/B of random vs the best preset must be significant every time, and
# a broken split (one arm losing a share of its users' log records) must raise the SRM flag.
# Everything goes through the public API of a real vitrina-server and the exposure log it writes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly BEST_PRESET=fatigue_contextual  # bench/README.md, policy comparison

bin_dir="${VITRINA_BIN_DIR:-$ROOT/build/bin}"
work_dir=""
keep=0
warm_up_sessions=1000
aa_experiments=20
aa_sessions=3000
ab_runs=5
ab_sessions=600
drop_share=0.2
concurrency=2
seed=1
ready_timeout=300
max_seconds=600

usage() {
  cat <<USAGE
Usage: bench/experiments/calibration.sh [options]

Starts vitrina-server on the embedded default (demo catalog) on loopback ports the kernel picks,
warms it up and trains it like bench/sessions/policy_comparison.sh, then:
  A/A: creates --aa-experiments experiments, each in its own layer with its own salt and two arms
       that set nothing (both follow the request's policy, $BEST_PRESET), plays --aa-sessions
       sessions with vitrina-simulate (?policy=$BEST_PRESET) and analyses each experiment from the
       exposure log: how many are significant (p < 0.05, consumed per session, Welch)?
  A/B: --ab-runs times, an experiment random (control) vs $BEST_PRESET (its own salt), played by
       vitrina-simulate without ?policy= (the arms' policies apply) with its own seed: significant?
  SRM: the first A/A experiment's log is copied into a new folder, except every record of a
       share (--drop-share) of its arm b's users, and analysed: is the sample ratio flagged?

Options (defaults in brackets):
  --bin-dir DIR          vitrina-server, -simulate, -analyze, -exposure-log [$bin_dir]
  --work-dir DIR         data dir, logs, reports [a new temp dir, removed at the end unless --keep]
  --keep                 keep the work dir
  --warm-up-sessions N   sessions per exploring baseline before the training [$warm_up_sessions]
  --aa-experiments N     A/A experiments, at most 50 [$aa_experiments]
  --aa-sessions N        sessions played while the A/A experiments run [$aa_sessions]
  --ab-runs N            A/B runs [$ab_runs]
  --ab-sessions N        sessions per A/B run [$ab_sessions]
  --drop-share X         share of the broken arm's users whose records are lost, in (0, 1) [$drop_share]
  --concurrency N        vitrina-simulate's connections [$concurrency]
  --seed N               vitrina-simulate's seed of the A/A run; A/B run i uses seed+i, the
                         warm-up seed+1000 [$seed]
  --ready-timeout SEC    first model and each training [$ready_timeout]
  --max-seconds SEC      vitrina-simulate's limit per run [$max_seconds]

Exit status: 0 when the three checks hold, 1 otherwise or on an error.
Build first: scripts/build.sh --target vitrina-server vitrina-simulate vitrina-analyze vitrina-exposure-log
USAGE
}

script_name=calibration
# shellcheck source=../lib/demo_server.sh
source "$ROOT/bench/lib/demo_server.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --keep) keep=1; shift; continue ;;
    --bin-dir | --work-dir | --warm-up-sessions | --aa-experiments | --aa-sessions | --ab-runs | --ab-sessions | \
      --drop-share | --concurrency | --seed | --ready-timeout | --max-seconds)
      [ $# -ge 2 ] || die "$1 needs a value (see --help)" ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  case "$1" in
    --bin-dir) bin_dir="$2" ;;
    --work-dir) work_dir="$2" ;;
    --warm-up-sessions) warm_up_sessions="$2" ;;
    --aa-experiments) aa_experiments="$2" ;;
    --aa-sessions) aa_sessions="$2" ;;
    --ab-runs) ab_runs="$2" ;;
    --ab-sessions) ab_sessions="$2" ;;
    --drop-share) drop_share="$2" ;;
    --concurrency) concurrency="$2" ;;
    --seed) seed="$2" ;;
    --ready-timeout) ready_timeout="$2" ;;
    --max-seconds) max_seconds="$2" ;;
  esac
  shift 2
done
for option in warm_up_sessions aa_experiments aa_sessions ab_runs ab_sessions concurrency seed ready_timeout \
  max_seconds; do
  require_count "--${option//_/-}" "${!option}"
done
[ "$aa_experiments" -le 50 ] || die "--aa-experiments must be at most 50 (one layer each)"
[[ "$drop_share" =~ ^0?\.[0-9]*[1-9][0-9]*$ ]] || die "--drop-share must be a number in (0, 1), got '$drop_share'"
for binary in vitrina-server vitrina-simulate vitrina-analyze vitrina-exposure-log; do
  [ -x "$bin_dir/$binary" ] || die "$bin_dir/$binary not found: build it or pass --bin-dir"
done
bin_dir="$(cd "$bin_dir" && pwd)"
readonly python=/usr/bin/python3  # Debian's, as in CI
[ -x "$python" ] || die "$python is needed to read the reports' JSON"
prepare_work_dir calibration
log_dir="$work_dir/exposure-log"
start_server "experiments: {log: {dir: '$log_dir'}}"

create_experiment() {  # name layer policy-of-a policy-of-b
  http_call POST /admin/experiments "{\"experiment\": {\"name\": \"$1\", \"salt\": \"$1-salt\", \"layer\": \"$2\",
    \"arms\": [{\"name\": \"a\", \"weight\": 1, \"policy\": \"$3\"}, {\"name\": \"b\", \"weight\": 1, \"policy\": \"$4\"}]}}" \
    >/dev/null
}
stop_experiment() { http_call POST "/admin/experiments/$1/stop" '{}' >/dev/null; }
analyze() {  # experiment report.json [log dir]
  "$bin_dir/vitrina-analyze" --log-dir "${3:-$log_dir}" --experiment "$1" --json "$2" --quiet
}
# One line of a report: p-value, significant, lift (consumed per session, b vs a), SRM p-value,
# SRM flag, users of a and b.
summarize() {
  "$python" - "$1" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
(comparison,) = [c for c in report["comparisons"] if c["metric"] == "consumed_per_session"]
srm = report["sample_ratio"]
users = {arm["arm"]: arm["users"] for arm in report["arms"]}
print(f'{comparison["p_value"]:.3g} {str(comparison["significant"]).lower()} {comparison["relative_lift"]:+.3f} '
      f'{srm["p_value"]:.3g} {str(srm["mismatch"]).lower()} {users.get("a", 0)} {users.get("b", 0)}')
PY
}

warm_up_and_train "$warm_up_sessions" $((seed + 1000))

results="$work_dir/results.txt"
: >"$results"

# A/A: arms without a policy follow the request's, so no arm varies anything and the experiments
# may share the users in separate layers, each splitting them independently by its own salt.
say "A/A: $aa_experiments experiments over $aa_sessions sessions"
for i in $(seq "$aa_experiments"); do create_experiment "aa$i" "aa$i" "" ""; done
simulate "$work_dir/aa.txt" --policies "$BEST_PRESET" --sessions "$aa_sessions" --seed "$seed"
for i in $(seq "$aa_experiments"); do stop_experiment "aa$i"; done
http_call GET /admin/experiments/aa1/report >/dev/null  # flushes the log
for i in $(seq "$aa_experiments"); do
  analyze "aa$i" "$work_dir/aa$i.json"
  echo "A/A aa$i $(summarize "$work_dir/aa$i.json")" >>"$results"
done

for i in $(seq "$ab_runs"); do
  say "A/B run $i: random vs $BEST_PRESET, $ab_sessions sessions"
  create_experiment "ab$i" default random "$BEST_PRESET"
  simulate "$work_dir/ab$i.txt" --sessions "$ab_sessions" --seed $((seed + i))
  stop_experiment "ab$i"
  http_call GET "/admin/experiments/ab$i/report" >/dev/null
  analyze "ab$i" "$work_dir/ab$i.json"
  echo "A/B ab$i $(summarize "$work_dir/ab$i.json")" >>"$results"
done

# The broken split: a logging fault that loses every record of a share of one arm's users (as when
# the treatment's client fails before its events are sent, for some of its users). The users are
# chosen by a hash of their id, independent of their outcomes: the arm means stay unbiased and only
# the user counts betray the fault, which is what the sample-ratio check is for.
broken_dir="$work_dir/broken-log"
"$bin_dir/vitrina-exposure-log" cat --dir "$log_dir" 2>/dev/null |
  "$python" -c '
import json, sys, zlib
experiment, arm, share = sys.argv[1], sys.argv[2], float(sys.argv[3])
records = [json.loads(line) for line in sys.stdin]
arm_users = {r["exposure"]["user_id"] for r in records if "exposure" in r
             for a in r["exposure"].get("assignments", []) if a["experiment"] == experiment and a["arm"] == arm}
lost = {u for u in arm_users if zlib.crc32(str(u).encode()) % 10000 < share * 10000}
print(f"calibration: broken split: {len(lost)} of {len(arm_users)} users of {experiment}/{arm} lose their records",
      file=sys.stderr)
for record in records:
    body = record.get("exposure") or record.get("outcome") or {}
    if body.get("user_id") not in lost:
        record.pop("sequence", None)
        print(json.dumps(record))
' aa1 b "$drop_share" | "$bin_dir/vitrina-exposure-log" append --dir "$broken_dir" 2>/dev/null
analyze aa1 "$work_dir/broken.json" "$broken_dir"
echo "SRM aa1-broken $(summarize "$work_dir/broken.json")" >>"$results"

echo
printf '%-4s %-10s %9s %11s %7s %9s %8s %7s %7s\n' kind experiment p_value significant lift srm_p srm_flag users_a users_b
while read -r kind name p significant lift srm_p srm users_a users_b; do
  printf '%-4s %-10s %9s %11s %7s %9s %8s %7s %7s\n' "$kind" "$name" "$p" "$significant" "$lift" "$srm_p" "$srm" \
    "$users_a" "$users_b"
done <"$results"

aa_significant=$(awk '$1 == "A/A" && $4 == "true"' "$results" | wc -l)
ab_significant=$(awk '$1 == "A/B" && $4 == "true"' "$results" | wc -l)
sound_srm=$(awk '$1 != "SRM" && $7 == "true"' "$results" | wc -l)
broken_srm=$(awk '$1 == "SRM" {print $7}' "$results")
holds=1
check() {  # what, figure, holds (1/0)
  printf '%-58s %-16s %s\n' "$1" "$2" "$([ "$3" = 1 ] && echo holds || echo 'does not hold')"
  [ "$3" = 1 ] || holds=0
}
echo
check "A/A significant at p < 0.05 (target: at most 2)" "$aa_significant of $aa_experiments" $((aa_significant <= 2))
check "A/B random vs $BEST_PRESET significant (target: all)" "$ab_significant of $ab_runs" \
  $((ab_significant == ab_runs))
check "SRM flag on the sound splits (A/A and A/B; expected: none)" "$sound_srm of $((aa_experiments + ab_runs))" \
  $((sound_srm == 0))
check "SRM flag on the broken split ($drop_share of b's users lost)" "$broken_srm" \
  "$([ "$broken_srm" = true ] && echo 1 || echo 0)"
echo "calibration $([ "$holds" = 1 ] && echo holds || echo 'does not hold')"
echo
echo "command: bench/experiments/calibration.sh --warm-up-sessions $warm_up_sessions --aa-experiments $aa_experiments" \
  "--aa-sessions $aa_sessions --ab-runs $ab_runs --ab-sessions $ab_sessions --drop-share $drop_share" \
  "--concurrency $concurrency --seed $seed"
[ "$holds" = 1 ]
