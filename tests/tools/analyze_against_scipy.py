#!/usr/bin/env python3
"""Checks vitrina-analyze against an independent computation with SciPy.

Generates a fixture of exposures and outcomes (three arms, a second experiment on the same traffic,
pre-experiment history for CUPED, a user seen in two arms), writes it to an exposure log with the
project's own writer (vitrina-exposure-log append), runs `vitrina-analyze --json --svg`, then
recomputes every figure of the report from the fixture's own events with NumPy/SciPy
(scipy.stats.ttest_ind(equal_var=False), the t quantile, norm.ppf, chisquare) and compares them to 1e-9
relative. The definitions recomputed are the ones docs/EXPERIMENTS.md states.
"""
import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import numpy as np
from scipy import special, stats

EXPERIMENT = "next_policy"
ARMS = [("sticky_creator", 2.0, True), ("memory_hybrid", 1.0, False), ("creator_blend", 1.0, False)]
EFFECT = {"sticky_creator": 0.0, "memory_hybrid": 0.04, "creator_blend": 0.12}
START = 1_764_000_000_000_000  # unix micros
WINDOW = 24 * 3600 * 1_000_000  # vitrina-analyze's default consumption window
RELATIVE = 1e-9
failures = []
checks = 0
ppf_deviation = 0.0


def generate(seed, users):
    rng = random.Random(seed)
    records = []
    weights = [w for _, w, _ in ARMS]
    for user in range(1, users + 1):
        arm, _, _ = rng.choices(ARMS, weights=weights)[0]
        base = rng.uniform(0.2, 0.8)  # the user's own taste: what CUPED's covariate captures
        if rng.random() < 0.7:  # history before the experiment
            for s in range(rng.randint(1, 3)):
                t = START - rng.randint(1, 10_000_000_000)
                session = f"pre-{user}-{s}"
                records.append(answer(t, user, session, [], 2, rng))
                records.append(outcome(t + 1000, user, session, min(1.0, max(0.0, rng.gauss(base, 0.15))), None))
        for s in range(rng.randint(1, 4)):
            t = START + rng.randint(0, 7 * 86_400_000_000)
            kind = rng.random()  # outside sessions, an implicit session (empty id, named by its start), an id
            session = "" if kind < 0.3 else f"u{user}-s{s}"
            started = t if 0.1 <= kind < 0.3 else 0
            for step in range(rng.randint(1, 5)):
                t += rng.randint(1_000_000, 60_000_000)
                layers = [(EXPERIMENT, arm)] + ([("ranking_layer", "x")] if user % 3 == 0 else [])
                records.append(answer(t, user, session, layers, rng.randint(1, 3), rng, started))
                if rng.random() < 0.85:
                    share = min(1.0, max(0.0, rng.gauss(base + EFFECT[arm], 0.2)))
                    seconds = share * 1800 if rng.random() < 0.5 else None
                    records.append(outcome(t + 500_000, user, session, share, seconds))
    # A user answered in two arms (a broken assignment): excluded by the analysis.
    records.append(answer(START + 5, users + 1, "x1", [(EXPERIMENT, "sticky_creator")], 1, rng))
    records.append(answer(START + 6, users + 1, "x2", [(EXPERIMENT, "memory_hybrid")], 1, rng))
    records.sort(key=lambda r: r["time_unix_micros"])
    return records


def answer(t, user, session, layers, titles, rng, started=0):
    weight = {name: w for name, w, _ in ARMS}
    control = {name: c for name, _, c in ARMS}
    return {
        "time_unix_micros": t,
        "exposure": {
            "request_id": f"r{t}-{user}",
            "route": "next" if session or started else "GetUserRecommendations",
            "user_id": user,
            "session_id": session,
            "session_started_unix_micros": started,
            "assignments": [
                {"experiment": e, "arm": a, "arm_weight": weight.get(a, 1.0), "control": control.get(a, True)}
                for e, a in layers
            ],
            "policy": "p",
            "branch": "b",
            "model_id": 7,
            "titles": [{"title_id": 100 + i, "position": i, "pick_probability": 0.5} for i in range(titles)],
            "latency_micros": rng.randint(200, 20_000),
        },
    }


def outcome(t, user, session, share, seconds):
    body = {"source": "NEXT_CALL", "user_id": user, "session_id": session, "title_id": 100,
            "consumed_share": share}
    if seconds is not None:
        body["consumed_seconds"] = seconds
    return {"time_unix_micros": t, "outcome": body}


def user_of(record):
    return (record.get("exposure") or record.get("outcome"))["user_id"]


class Expected:
    """The report recomputed from the fixture's events."""

    def __init__(self, records):
        self.users = {}
        for r in records:
            if "exposure" in r:
                e = r["exposure"]
                started = e.get("session_started_unix_micros", 0)
                if started:  # an id and its start name one session (the implicit one's id is empty)
                    key = "session:%s@%d" % (e["session_id"], started)
                elif e["session_id"]:
                    key = "session:" + e["session_id"]
                else:
                    key = "request:" + e["request_id"]
                arms = [a["arm"] for a in e["assignments"] if a["experiment"] == EXPERIMENT]
                recommended = [t["title_id"] for t in e["titles"]] if e["route"] == "GetUserRecommendations" else []
                self.users.setdefault(e["user_id"], {"answers": [], "outcomes": []})["answers"].append(
                    (r["time_unix_micros"], key, len(e["titles"]), e["latency_micros"], arms[0] if arms else None,
                     recommended))
            else:
                o = r["outcome"]
                self.users.setdefault(o["user_id"], {"answers": [], "outcomes": []})["outcomes"].append(
                    (r["time_unix_micros"], o["consumed_share"], o.get("consumed_seconds", 0.0), o["title_id"]))
        # consumed seconds per session is reported only when some outcome carried seconds
        self.any_seconds = any("consumed_seconds" in r["outcome"] for r in records if "outcome" in r)
        self.members = {}
        self.several = 0
        for user, log in self.users.items():
            arms = {a[4] for a in log["answers"] if a[4] is not None}
            if not arms:
                continue
            if len(arms) > 1:
                self.several += 1
                continue
            first = min(a[0] for a in log["answers"] if a[4] is not None)
            self.members[user] = (arms.pop(), first)
        self.start = min(first for _, first in self.members.values())
        ends = []
        for user, (_, first) in self.members.items():
            ends += [a[0] for a in self.users[user]["answers"] if a[4] is not None]
            ends += [o[0] for o in self.users[user]["outcomes"] if o[0] >= first]
        self.end = max(ends)

    def totals(self, user, cutoff):
        _, first = self.members[user]
        answers = [a for a in self.users[user]["answers"] if a[4] is not None and a[0] <= cutoff]
        outcomes = [o for o in self.users[user]["outcomes"] if first <= o[0] <= cutoff]
        sessions = len({a[1] for a in answers})
        return (sessions, sum(a[2] for a in answers), sum(o[1] for o in outcomes), sum(o[2] for o in outcomes))

    def recommended_consumed(self, user):
        shown = consumed = 0
        for a in self.users[user]["answers"]:
            if a[4] is None:
                continue
            for title in a[5]:
                shown += 1
                consumed += any(o[3] == title and o[1] > 0 and a[0] < o[0] <= a[0] + WINDOW
                                for o in self.users[user]["outcomes"])
        return consumed / shown if shown else None

    def covariate(self, user):
        sessions = {a[1] for a in self.users[user]["answers"] if a[0] < self.start}
        if not sessions:
            return None
        return sum(o[1] for o in self.users[user]["outcomes"] if o[0] < self.start) / len(sessions)

    def values(self, cutoff):
        out = {name: {"titles": [], "consumed": [], "seconds": [], "recommended": []} for name, _, _ in ARMS}
        for user, (arm, first) in self.members.items():
            if first > cutoff:
                continue
            sessions, titles, consumed, seconds = self.totals(user, cutoff)
            out[arm]["titles"].append(titles / sessions)
            out[arm]["consumed"].append(consumed / sessions)
            out[arm]["seconds"].append(seconds / sessions)
            share = self.recommended_consumed(user) if cutoff == self.end else None
            if share is not None:
                out[arm]["recommended"].append(share)
        return out


def close(what, actual, expected):
    global checks
    checks += 1
    if not isinstance(expected, (float, np.floating)):
        ok = actual == expected  # counts, flags, names: exactly
    else:
        actual = float(actual)
        ok = abs(actual - expected) <= RELATIVE * max(abs(actual), abs(expected)) or (actual == expected == 0)
    if not ok:
        failures.append(f"{what}: vitrina-analyze {actual!r}, scipy {expected!r}")


def t_quantile(p, df):
    """The Student t quantile through the inverse regularized incomplete beta function.

    SciPy 1.10's t.ppf (cephes stdtrit) is off by up to a few 1e-9 relative (t.sf(t.ppf(0.975, df),
    df) = 0.025000000126 at df 50.4), more than this check's tolerance; betaincinv agrees with
    Boost.Math to ~1e-16. The quantile is verified through SciPy's t.sf, and t.ppf's largest
    deviation from it is printed.
    """
    global ppf_deviation
    x = special.betaincinv(df / 2, 0.5, 2 * (1 - p))
    quantile = math.sqrt(df * (1 - x) / x)
    tail = stats.t.sf(quantile, df)
    if abs(tail - (1 - p)) > 1e-12 * (1 - p):
        failures.append(f"reference t quantile for df {df}: t.sf gives {tail!r}, not {1 - p!r}")
    ppf_deviation = max(ppf_deviation, abs(stats.t.ppf(p, df) / quantile - 1))
    return quantile


def welch(a, b):
    a, b = np.asarray(a), np.asarray(b)
    result = stats.ttest_ind(a, b, equal_var=False)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    diff = a.mean() - b.mean()
    half = t_quantile(0.975, df) * math.sqrt(va + vb)
    lift = diff / b.mean()
    lift_half = stats.norm.ppf(0.975) * math.sqrt(va / b.mean() ** 2 + a.mean() ** 2 * vb / b.mean() ** 4)
    return {"difference": diff, "difference_ci_low": diff - half, "difference_ci_high": diff + half,
            "degrees_of_freedom": df, "t_statistic": result.statistic, "p_value": result.pvalue,
            "relative_lift": lift, "lift_ci_low": lift - lift_half, "lift_ci_high": lift + lift_half}


def check_comparison(where, got, a, b):
    if len(a) < 2 or len(b) < 2 or (np.var(a) == 0 and np.var(b) == 0):
        # no Welch test (e.g. seconds never reported, or no GetUserRecommendations answers)
        close(f"{where} computable", got["computable"], False)
        close(f"{where} significant", got["significant"], False)
        return
    expected = welch(a, b)
    close(f"{where} computable", got["computable"], True)
    for field, value in expected.items():
        close(f"{where} {field}", got[field], value)
    close(f"{where} significant", got["significant"], bool(expected["p_value"] < 0.05))


def check(report, fixture):
    exp = Expected(fixture)
    close("start", int(report["start_unix_micros"]), exp.start)
    close("end", int(report["end_unix_micros"]), exp.end)
    close("users_in_several_arms", int(report["log"]["users_in_several_arms"]), exp.several)
    close("records", int(report["log"]["records"]), len(fixture))
    values = exp.values(exp.end)
    arms = {a["arm"]: a for a in report["arms"]}
    close("arm order", [a["arm"] for a in report["arms"]], [name for name, _, _ in ARMS])
    for name, _, _ in ARMS:
        got = arms[name]
        members = [u for u, (arm, _) in exp.members.items() if arm == name]
        totals = [exp.totals(u, exp.end) for u in members]
        close(f"{name} users", int(got["users"]), len(members))
        close(f"{name} sessions", int(got["sessions"]), sum(t[0] for t in totals))
        close(f"{name} titles_shown", int(got["titles_shown"]), sum(t[1] for t in totals))
        for metric, key in (("titles_per_session", "titles"), ("consumed_per_session", "consumed"),
                            ("consumed_seconds_per_session", "seconds"), ("recommended_titles_consumed", "recommended")):
            x = np.asarray(values[name][key])
            if key == "seconds" and not exp.any_seconds:
                close(f"{name} {metric} present without seconds in the log", metric in got, False)
                continue
            if metric not in got:  # the report leaves out a metric no user of the arm has
                close(f"{name} {metric} absent, users", 0, len(x))
                continue
            close(f"{name} {metric} users", int(got[metric]["users"]), len(x))
            if len(x) < 2:
                continue
            half = t_quantile(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
            close(f"{name} {metric} mean", got[metric]["mean"], x.mean())
            close(f"{name} {metric} sd", got[metric]["standard_deviation"], x.std(ddof=1))
            close(f"{name} {metric} ci_low", got[metric]["ci_low"], x.mean() - half)
            close(f"{name} {metric} ci_high", got[metric]["ci_high"], x.mean() + half)
        latencies = sorted(a[3] for u in members for a in exp.users[u]["answers"] if a[4] is not None)
        for p, field in ((0.5, "p50_ms"), (0.95, "p95_ms"), (0.99, "p99_ms")):
            # nearest rank, as numpy's 'inverted_cdf' method
            close(f"{name} latency {field}", got["latency"][field],
                  float(np.percentile(latencies, p * 100, method="inverted_cdf")) / 1000)
        close(f"{name} latency mean", got["latency"]["mean_ms"], float(np.mean(latencies)) / 1000)

    comparisons = {(c["metric"], c["arm"]): c for c in report["comparisons"]}
    control = ARMS[0][0]
    for name, _, _ in ARMS[1:]:
        for metric, key in (("consumed_per_session", "consumed"), ("titles_per_session", "titles"),
                            ("consumed_seconds_per_session", "seconds"), ("recommended_titles_consumed", "recommended")):
            if key == "seconds" and not exp.any_seconds:
                close(f"{metric} {name} present without seconds in the log", (metric, name) in comparisons, False)
                continue
            if (metric, name) not in comparisons:  # left out when either arm has no value of the metric
                close(f"{metric} {name} absent, users", 0, min(len(values[name][key]), len(values[control][key])))
                continue
            check_comparison(f"{metric} {name}", comparisons[(metric, name)], values[name][key], values[control][key])

    # CUPED: theta over the users with a pre-experiment value, all arms pooled.
    users = list(exp.members)
    y = np.asarray([exp.totals(u, exp.end)[2] / exp.totals(u, exp.end)[0] for u in users])
    xs = [exp.covariate(u) for u in users]
    have = np.asarray([x is not None for x in xs])
    x = np.asarray([v if v is not None else 0.0 for v in xs])
    theta = np.cov(x[have], y[have], ddof=1)[0, 1] / np.var(x[have], ddof=1)
    adjusted = np.where(have, y - theta * (x - x[have].mean()), y)
    cuped = report["cuped"]
    close("cuped users_with_covariate", int(cuped["users_with_covariate"]), int(have.sum()))
    close("cuped theta", cuped["theta"], theta)
    close("cuped variance_reduction", cuped["variance_reduction"], 1 - adjusted.var(ddof=1) / y.var(ddof=1))
    cuped_comparisons = {c["arm"]: c for c in cuped["comparisons"]}
    arm_of = np.asarray([exp.members[u][0] for u in users])
    for name, _, _ in ARMS[1:]:
        check_comparison(f"cuped {name}", cuped_comparisons[name], adjusted[arm_of == name], adjusted[arm_of == control])

    observed = [len([u for u, (arm, _) in exp.members.items() if arm == name]) for name, _, _ in ARMS]
    weights = np.asarray([w for _, w, _ in ARMS])
    expected_users = sum(observed) * weights / weights.sum()
    chi = stats.chisquare(observed, expected_users)
    ratio = report["sample_ratio"]
    close("srm chi_square", ratio["chi_square"], chi.statistic)
    close("srm p_value", ratio["p_value"], chi.pvalue)
    close("srm mismatch", ratio["mismatch"], bool(chi.pvalue < 0.001))
    for i, value in enumerate(expected_users):
        close(f"srm expected {i}", ratio["expected_users"][i], value)

    points = report["lift_over_time"]
    count = len(points) // (len(ARMS) - 1)
    for point in points:
        t = int(point["time_unix_micros"])
        index = [i for i in range(1, count + 1) if exp.start + (exp.end - exp.start) * i // count == t]
        close(f"lift time {t} is a cutoff", len(index), 1)
        v = exp.values(t)
        a, b = v[point["arm"]]["consumed"], v[control]["consumed"]
        close(f"lift {t} {point['arm']} users", int(point["arm_users"]), len(a))
        if len(a) < 2 or len(b) < 2:
            close(f"lift {t} {point['arm']} computable", point["computable"], False)
            continue
        expected = welch(a, b)
        for field in ("relative_lift", "lift_ci_low", "lift_ci_high"):
            close(f"lift {t} {point['arm']} {field}", point[field], expected[field])
    return arms


def check_svg(path, arms):
    tree = ElementTree.parse(path)  # well-formed XML or this raises
    texts = [("".join(t.itertext())) for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    for name, got in arms.items():
        mean = got["consumed_per_session"]
        label = f"{mean['mean']:.4g} [{mean['ci_low']:.4g}, {mean['ci_high']:.4g}]"
        if not any(t.startswith(name) for t in texts):
            failures.append(f"svg: no label names arm {name}")
        if not any(label in t for t in texts):
            failures.append(f"svg: no label '{label}' for {name}'s consumed per session")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exposure-log-tool", required=True)
    parser.add_argument("--analyze", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--users", type=int, default=900)
    parser.add_argument("--seed", type=int, default=20261204)
    args = parser.parse_args()

    shutil.rmtree(args.work_dir, ignore_errors=True)
    os.makedirs(args.work_dir)
    fixture = generate(args.seed, args.users)
    # Two replicas' folders (records split by user), each written by three runs of the writer (a
    # restart starts a new file): the reader must join several files in each folder.
    log_dirs = [os.path.join(args.work_dir, f"replica-{i}") for i in range(2)]
    for i, log_dir in enumerate(log_dirs):
        lines = [json.dumps(r) + "\n" for r in fixture if user_of(r) % 2 == i]
        for run in range(3):
            chunk = lines[run * len(lines) // 3:(run + 1) * len(lines) // 3]
            subprocess.run([args.exposure_log_tool, "append", "--dir", log_dir], input="".join(chunk).encode(),
                           check=True)
    report_path = os.path.join(args.work_dir, "report.json")
    svg_path = os.path.join(args.work_dir, "report.svg")
    subprocess.run([args.analyze, "--log-dir", log_dirs[0], "--log-dir", log_dirs[1], "--experiment", EXPERIMENT,
                    "--json", report_path, "--svg", svg_path], check=True)
    with open(report_path) as f:
        report = json.load(f)
    if int(report["log"]["files"]) != 6:
        failures.append(f"{report['log']['files']} log files read, 6 written")
    arms = check(report, fixture)
    check_svg(svg_path, arms)
    if failures:
        print(f"{len(failures)} differences:\n  " + "\n  ".join(failures[:50]))
        return 1
    print(f"vitrina-analyze matches SciPy to {RELATIVE:g} relative ({checks} values) on {len(fixture)} records, "
          f"{report['log']['files']} files ({args.work_dir}); scipy's own t.ppf deviates up to "
          f"{ppf_deviation:.1e} relative from the exact quantile")
    return 0


if __name__ == "__main__":
    sys.exit(main())
