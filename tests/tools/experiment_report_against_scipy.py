#!/usr/bin/env python3
"""A three-arm experiment played by vitrina-simulate through a real vitrina-server, checked with SciPy.

Starts vitrina-server (embedded demo catalog, loopback ports the kernel picks, a temp data dir),
plays a warm-up with vitrina-simulate (?policy=random: the users' pre-experiment history, CUPED's
covariate), creates the experiment through the Admin HTTP API (control sticky_creator,
memory_hybrid, fatigue_contextual), plays sessions with vitrina-simulate over the classic /next and
/last routes without ?policy= (the server's assignment applies), then reads the report from
GET /admin/experiments/{name}/report and from `vitrina-analyze --json --svg`, and recomputes every
figure from the exposure log read independently (`vitrina-exposure-log cat`, JSON lines) with
NumPy/SciPy, the definitions of docs/EXPERIMENTS.md as analyze_against_scipy.py implements them,
to 1e-9 relative. The SVG's per-arm labels must show the same numbers.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

try:
    import analyze_against_scipy as reference  # NumPy/SciPy; the reference definitions
except ImportError as missing:  # CI installs python3-scipy (scripts/install-deps.sh)
    print(f"SKIPPED: {missing} (install python3-scipy and python3-numpy: scripts/install-deps.sh)")
    sys.exit(77)  # ctest's SKIP_RETURN_CODE

EXPERIMENT = "three_arms"
ARMS = [("control", 1.0, "sticky_creator"), ("hybrid", 1.0, "memory_hybrid"), ("fatigue", 1.0, "fatigue_contextual")]
INT64_FIELDS = {"sequence", "time_unix_micros", "user_id", "title_id", "model_id", "latency_micros",
                "session_started_unix_micros"}


def snake_case(value):
    """HTTP JSON names fields in lowerCamelCase; the reference reads the proto names."""
    if isinstance(value, dict):
        return {re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), k): snake_case(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_case(v) for v in value]
    return value


def normalized(record):
    """A record of `vitrina-exposure-log cat` (proto3 JSON: int64 as strings, defaults omitted) in the
    shape the reference reads."""
    def ints(value):
        if isinstance(value, dict):
            return {k: (int(v) if k in INT64_FIELDS else ints(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [ints(v) for v in value]
        return value

    record = ints(record)
    record.setdefault("time_unix_micros", 0)
    if "exposure" in record:
        e = record["exposure"]
        for key, default in (("session_id", ""), ("request_id", ""), ("route", ""), ("assignments", []),
                             ("titles", []), ("latency_micros", 0), ("user_id", 0)):
            e.setdefault(key, default)
        for a in e["assignments"]:
            a.setdefault("arm_weight", 0.0)
            a.setdefault("control", False)
        for t in e["titles"]:
            t.setdefault("title_id", 0)
    else:
        o = record["outcome"]
        for key, default in (("user_id", 0), ("session_id", ""), ("title_id", 0), ("consumed_share", 0.0)):
            o.setdefault(key, default)
    return record


class Server:
    def __init__(self, binary, work_dir):
        self.work_dir = work_dir
        self.log_dir = os.path.join(work_dir, "exposure-log")
        config = os.path.join(work_dir, "vitrina.yaml")
        with open(config, "w") as f:
            f.write("listen: 127.0.0.1:0\nhttp_listen: 127.0.0.1:0\n"
                    f"data_dir: '{work_dir}/data'\nschedule: {{nightly: \"\"}}\n"
                    f"experiments: {{log: {{dir: '{self.log_dir}', flush_interval_ms: 20}}}}\n")
        self.log_path = os.path.join(work_dir, "server.log")
        env = {k: v for k, v in os.environ.items() if not k.startswith("VITRINA_")}
        self.process = subprocess.Popen([binary, "--config", config], stdout=open(self.log_path, "w"),
                                        stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 120
        self.port = None
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"vitrina-server exited: {self.log_tail()}")
            text = open(self.log_path).read()
            port = re.search(r"HTTP listening on port (\d+)", text)
            if port and re.search(r"serving model \d+ \(|model \d+ now serving", text):
                self.port = int(port.group(1))
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"vitrina-server not serving after 120 s: {self.log_tail()}")
            time.sleep(0.1)

    def log_tail(self):
        return "".join(open(self.log_path).readlines()[-5:])

    def call(self, method, path, body=None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read())

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def simulate(args, server, *options):
    command = [args.simulate, "--http", f"127.0.0.1:{server.port}", "--catalog",
               os.path.join(server.work_dir, "data", "catalog.db"), "--users", str(args.users),
               "--concurrency", "2", "--max-seconds", "60", *options]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: exit {result.returncode}: {result.stderr}")
    return result.stdout


def compare(source, report, records):
    """Every figure of one report against the SciPy recomputation; returns the arms by name."""
    before = len(reference.failures)
    arms = reference.check(report, records)
    reference.failures[before:] = [f"{source}: {failure}" for failure in reference.failures[before:]]
    return arms


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", required=True)
    parser.add_argument("--simulate", required=True)
    parser.add_argument("--analyze", required=True)
    parser.add_argument("--exposure-log-tool", required=True)
    parser.add_argument("--work-dir", help="kept after the run (default: a temp dir, removed)")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--warm-up-sessions", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=600)
    args = parser.parse_args()

    work_dir = args.work_dir or tempfile.mkdtemp(prefix="vitrina-experiment-scipy-")
    if args.work_dir:
        shutil.rmtree(work_dir, ignore_errors=True)
        os.makedirs(work_dir)
    server = Server(args.server, work_dir)
    try:
        simulate(args, server, "--policies", "random", "--sessions", str(args.warm_up_sessions), "--seed", "7")
        server.call("POST", "/admin/experiments", {"experiment": {
            "name": EXPERIMENT, "salt": "scipy-check",
            "arms": [{"name": name, "weight": weight, "policy": policy} for name, weight, policy in ARMS]}})
        played = simulate(args, server, "--sessions", str(args.sessions), "--seed", "8")
        api_report = snake_case(server.call("GET", f"/admin/experiments/{EXPERIMENT}/report"))
    finally:
        server.stop()

    dumped = subprocess.run([args.exposure_log_tool, "cat", "--dir", server.log_dir], capture_output=True,
                            text=True, check=True)
    records = [normalized(json.loads(line)) for line in dumped.stdout.splitlines()]
    report_path, svg_path = os.path.join(work_dir, "report.json"), os.path.join(work_dir, "report.svg")
    subprocess.run([args.analyze, "--log-dir", server.log_dir, "--experiment", EXPERIMENT, "--json", report_path,
                    "--svg", svg_path, "--quiet"], check=True)
    with open(report_path) as f:
        analyze_report = json.load(f)

    # The reference's module-level experiment: these arms, control first, then in first-seen order
    # (the report's order).
    seen = []
    for r in records:
        for a in r.get("exposure", {}).get("assignments", []):
            if a["experiment"] == EXPERIMENT and a["arm"] not in seen:
                seen.append(a["arm"])
    reference.EXPERIMENT = EXPERIMENT
    reference.ARMS = [(name, weight, name == ARMS[0][0]) for name, weight, _ in ARMS]
    reference.ARMS.sort(key=lambda arm: (not arm[2], seen.index(arm[0]) if arm[0] in seen else len(seen)))

    if sorted(seen) != sorted(name for name, _, _ in ARMS):
        reference.failures.append(f"the log's answers name the arms {seen}, the experiment has {ARMS}")
    compare("GetExperimentReport", api_report, records)
    arms = compare("vitrina-analyze", analyze_report, records)
    reference.check_svg(svg_path, arms)
    # The recomputation must have had something to compare: every arm played and CUPED applied.
    for name, _, _ in ARMS:
        users = int(arms[name]["users"]) if name in arms else 0
        if users < 20:
            reference.failures.append(f"arm {name} has {users} users: too few to check the statistics")
    if int(analyze_report["cuped"]["users_with_covariate"]) < 20:
        reference.failures.append("fewer than 20 users with a pre-experiment value: CUPED not checked")

    if args.work_dir is None:
        shutil.rmtree(work_dir, ignore_errors=True)
    if reference.failures:
        print(played)
        print(f"{len(reference.failures)} differences:\n  " + "\n  ".join(reference.failures[:50]))
        return 1
    per_arm = ", ".join(f"{name} {int(a['users'])} users, {a['consumed_per_session']['mean']:.4f}"
                        for name, a in arms.items())
    print(f"GetExperimentReport and vitrina-analyze (JSON and SVG) match SciPy to {reference.RELATIVE:g} relative "
          f"({reference.checks} values) on {len(records)} records from a live server: {per_arm} consumed per "
          f"session")
    return 0


if __name__ == "__main__":
    sys.exit(main())
