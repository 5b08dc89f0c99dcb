#!/usr/bin/python3
"""The operator dashboard in a real browser: a vitrina-server on free loopback ports (admin token
set, three trained models, one of them active but not the newest, a queued job, some traffic),
GET /dashboard opened in Debian's headless chromium, and the page's tables, charts and counters
compared with what the server's own routes answer; no console errors; a screenshot saved under
--artifacts. Skips (exit 77) only when chromium is not installed.

  dashboard_browser_test.py --server build/bin/vitrina-server --source-dir . --artifacts build/x
"""

import argparse
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from headless_chromium import HeadlessChromium, find_chromium  # noqa: E402

TOKEN = "dashboard-s3cret"
STARTUP_TIMEOUT_SECONDS = 120
RENDER_TIMEOUT_SECONDS = 60
RECOMMENDATION_CALLS = [42, 42, 43, 42]  # users; repeated users hit the cache
EXPERIMENT = "next_policy"
EXPERIMENT_USERS = 60  # users 100.. play one session each

paths = argparse.Namespace(server=None, source_dir=None, artifacts=None, chromium=None)

# Everything the page shows that a test asserts, read from its ids and data attributes.
READ_PAGE = r"""(() => {
  const data = (node) => node ? { ...node.dataset } : null;
  const rows = (selector) => [...document.querySelectorAll(selector)].map((row) => ({ ...row.dataset }));
  const visibleErrors = [...document.querySelectorAll("section > .error")].filter((e) => !e.hidden)
    .map((e) => e.textContent);
  return {
    state: document.body.dataset.state,
    status: document.getElementById("status").textContent,
    tokenFormHidden: document.getElementById("token-form").hidden,
    tokenReason: document.getElementById("token-reason").textContent,
    models: rows("#models-table tbody tr"),
    modelsChart: data(document.getElementById("models-chart")),
    jobs: rows("#jobs-table tbody tr"),
    requests: rows("#requests-table tbody tr"),
    cache: data(document.getElementById("cache-hit-rate")),
    activeModel: data(document.getElementById("active-model")),
    canvases: Object.fromEntries(["models-chart", "rate-chart", "latency-chart", "cache-chart"].map(
      (id) => [id, document.querySelectorAll(`#${id} canvas`).length])),
    experimentsEmpty: { hidden: document.getElementById("experiments-empty").hidden,
      ...data(document.getElementById("experiments-empty")),
      text: document.getElementById("experiments-empty").textContent },
    experiments: [...document.querySelectorAll("#experiments-list .experiment")].map((card) => ({
      ...card.dataset,
      arms: [...card.querySelectorAll(".arms-table tbody tr")].map((row) => ({ ...row.dataset })),
      armMeans: card.querySelector(".arm-means-chart")?.dataset.points ?? null,
      lift: card.querySelector(".lift-chart")?.dataset.points ?? null,
      comparisons: [...card.querySelectorAll(".comparisons-table tbody tr")].map((row) => ({ ...row.dataset })),
    })),
    visibleErrors,
  };
})()"""

RENDERED = ("location.pathname === '/dashboard' && document.readyState === 'complete' && "
            "Number(document.body?.dataset.refreshes) >= {refreshes} && document.body.dataset.state !== 'loading'")


def free_loopback_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(port, method, path, body=None, token=None, timeout=120):
    """(HTTP status, body text) of one request to the server's HTTP port."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode())
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def admin_json(port, path, method="GET", body=None):
    status, text = call(port, method, path, body, token=TOKEN)
    if status != 200:
        raise AssertionError(f"{method} {path}: HTTP {status}: {text}")
    return json.loads(text)


def metric_value(metrics_text, name, **labels):
    """The value of one sample of the Prometheus text whose labels include `labels` (0 if none)."""
    total = 0.0
    for line in metrics_text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{key}="{value}"' in line for key, value in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def unexpected_errors(errors, allowed_statuses=()):
    """The browser errors left once the expected network answers (`allowed_statuses`: pairs of a
    path and a status that the page handles, e.g. the experiments route's 404) are set aside."""
    left = []
    for error in errors:
        expected = error["kind"] == "log:network" and any(
            error["url"].split("?")[0].endswith(path) and f"status of {status}" in error["text"]
            for path, status in allowed_statuses)
        if not expected:
            left.append(error)
    return left


class VitrinaServer:
    """vitrina-server with HTTP and the admin token, its own data folder, stopped by its PID."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="vitrina-dashboard-")
        self.http_port = free_loopback_port()
        config = f"""\
listen: 127.0.0.1:{free_loopback_port()}
http_listen: 127.0.0.1:{self.http_port}
data_dir: {os.path.join(self.folder, "data")}
admin_token: "{TOKEN}"
demo:
  users: 300
  titles: 120
  interactions: 12000
training:
  epochs: 4
  no_components: 16
schedule:
  nightly: ""
"""
        config_path = os.path.join(self.folder, "vitrina.yaml")
        with open(config_path, "w", encoding="utf-8") as file:
            file.write(config)
        environment = {name: value for name, value in os.environ.items() if not name.startswith("VITRINA_")}
        self.log_path = os.path.join(self.folder, "server.log")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([paths.server, "--config", config_path], stdout=log,
                                            stderr=subprocess.STDOUT, cwd=self.folder, env=environment)

    def log_tail(self, lines=30):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return "".join(log.readlines()[-lines:])

    def wait_until_serving(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"vitrina-server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if call(self.http_port, "GET", "/health", timeout=5)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"vitrina-server not serving after {STARTUP_TIMEOUT_SECONDS} s:\n{self.log_tail()}")

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def screenshot(browser, name):
    os.makedirs(paths.artifacts, exist_ok=True)
    path = os.path.abspath(os.path.join(paths.artifacts, name))
    browser.screenshot(path)
    print(f"screenshot: {path}", flush=True)
    return path


class DashboardInBrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = VitrinaServer()
        cls.addClassCleanup(cls.server.stop)
        cls.server.wait_until_serving()
        port = cls.server.http_port
        # Model 1 came from start-up; 2 replaces it; 3 is newer but not activated.
        for epochs, activate in ((3, "ALWAYS"), (2, "NEVER")):
            admin_json(port, "/admin/train", "POST", {"params": {"epochs": epochs}, "activate": activate, "wait": True})
        admin_json(port, "/admin/schedule", "POST", {"at": "2030-01-01T03:00:00Z", "params": {"epochs": 7}})
        for user in RECOMMENDATION_CALLS:
            status, text = call(port, "GET", f"/titles/recommendations?user_id={user}&k=5")
            assert status == 200, text
        status, _ = call(port, "GET", "/admin/experiments", token=TOKEN)
        cls.has_experiments_api = status != 404
        if cls.has_experiments_api:
            cls.run_experiment(port)
        # The page handles a 404 from the experiments route (this server has none); the browser
        # still logs the failed fetch on its own, which is no error of the page.
        cls.expected_answers = () if cls.has_experiments_api else (("/admin/experiments", 404),)

    @staticmethod
    def run_experiment(port):
        """A three-arm experiment on the next-title policy, with sessions of every arm played over
        the classic routes, so that the server's report has means and comparisons to show."""
        arms = [("control", 2, "sticky_creator"), ("hybrid", 1, "memory_hybrid"), ("fatigue", 1, "fatigue_contextual")]
        admin_json(port, "/admin/experiments", "POST", {"experiment": {
            "name": EXPERIMENT, "arms": [{"name": n, "weight": w, "policy": p} for n, w, p in arms]}})
        for user in range(100, 100 + EXPERIMENT_USERS):
            track = 1
            for step in range(6):
                consumed = (user * 7 + step * 3) % 10 / 10
                status, text = call(port, "POST", f"/next/{user}", {"track": track, "time": consumed})
                assert status == 200, text
                track = json.loads(text)["track"]
            status, text = call(port, "POST", f"/last/{user}", {"track": track, "time": 0.5})
            assert status == 200, text

    def open_dashboard(self, browser, address_suffix, refreshes=2):
        browser.open(f"http://127.0.0.1:{self.server.http_port}/dashboard{address_suffix}")
        rendered = browser.wait_for(RENDERED.format(refreshes=refreshes), RENDER_TIMEOUT_SECONDS)
        self.assertTrue(rendered, f"the page did not render within {RENDER_TIMEOUT_SECONDS} s: "
                                  f"{browser.evaluate('document.body?.outerHTML?.slice(0, 2000)')}\n{browser.errors}")
        browser.settle(0.3)
        return browser.evaluate(READ_PAGE)

    def test_the_page_shows_the_servers_models_jobs_counters_and_experiments(self):
        port = self.server.http_port
        with HeadlessChromium(paths.chromium) as browser:
            page = self.open_dashboard(browser, f"?every=1#token={TOKEN}")
            screenshot(browser, "dashboard.png")
            self.assertEqual(browser.evaluate("location.hash"), "", "the token must leave the address")
            errors = list(browser.errors)
        models = admin_json(port, "/admin/models")
        jobs = admin_json(port, "/admin/jobs?limit=50")
        metrics = call(port, "GET", "/metrics")[1]

        self.assertEqual(page["state"], "ready", page["status"])
        self.assertEqual(page["visibleErrors"], [])
        self.assertEqual(unexpected_errors(errors, self.expected_answers), [], "the page logged errors")

        # Models: every model in the server's order, the serving one marked, metrics as served.
        self.assertEqual(models["activeModelId"], "2")
        self.assertEqual([row["modelId"] for row in page["models"]], [m["id"] for m in models["models"]])
        self.assertEqual([row["modelId"] for row in page["models"] if row["active"] == "true"], ["2"])
        for row, model in zip(page["models"], models["models"]):
            self.assertEqual(float(row["precisionAtK"]), model["metrics"]["precisionAtK"], row)
            self.assertEqual(row["role"], model["role"] or "personal")
        # The chart: personal models by version, ascending, the active one flagged.
        points = json.loads(page["modelsChart"]["points"])
        personal = sorted((m for m in models["models"] if m["role"] != "next_title"), key=lambda m: int(m["id"]))
        self.assertEqual([(p["modelId"], p["precisionAtK"], p["active"]) for p in points],
                         [(m["id"], m["metrics"]["precisionAtK"], m["id"] == "2") for m in personal])
        self.assertEqual(len(points), 3)
        self.assertEqual(page["modelsChart"]["activeModelId"], "2")
        for chart, canvases in page["canvases"].items():
            self.assertGreaterEqual(canvases, 1, f"{chart} was not drawn")

        # Jobs: ids, states and progress as the server has them, the scheduled one queued.
        self.assertEqual([(r["jobId"], r["status"], r["epoch"], r["epochs"]) for r in page["jobs"]],
                         [(j["id"], j["status"], str(j["epoch"]), str(j["epochs"])) for j in jobs["jobs"]])
        self.assertIn("QUEUED", [r["status"] for r in page["jobs"]])
        self.assertEqual(sorted(r["status"] for r in page["jobs"]).count("SUCCEEDED"), 3)

        # Counters: the page calls no recommendation route and does no cache lookup, so its
        # figures equal the server's after the render.
        served = [r for r in page["requests"] if r["transport"] == "http" and r["route"] == "GetUserRecommendations"]
        self.assertEqual(len(served), 1, page["requests"])
        self.assertEqual(float(served[0]["requests"]), len(RECOMMENDATION_CALLS))
        self.assertEqual(float(served[0]["requests"]), metric_value(
            metrics, "vitrina_requests_total", transport="http", method="GetUserRecommendations"))
        hits = metric_value(metrics, "vitrina_cache_requests_total", result="hit")
        misses = metric_value(metrics, "vitrina_cache_requests_total", result="miss")
        self.assertGreater(hits, 0)
        self.assertEqual((float(page["cache"]["hits"]), float(page["cache"]["misses"])), (hits, misses))
        self.assertAlmostEqual(float(page["cache"]["value"]), hits / (hits + misses), places=12)
        self.assertEqual(page["activeModel"]["value"], "2")

        # Experiments: the server's, or a clear "no experiments" state.
        if not self.has_experiments_api:
            self.assertFalse(page["experimentsEmpty"]["hidden"])
            self.assertEqual(page["experimentsEmpty"]["reason"], "no-api")
            self.assertIn("No experiments", page["experimentsEmpty"]["text"])
            self.assertEqual(page["experiments"], [])
        else:
            listed = admin_json(port, "/admin/experiments")["experiments"]
            self.assertEqual([e["experiment"] for e in page["experiments"]], [e["name"] for e in listed])
            self.assertEqual([e["name"] for e in listed], [EXPERIMENT])
            for card, experiment in zip(page["experiments"], listed):
                self.assertEqual([(a["arm"], float(a["weight"]), a["policy"]) for a in card["arms"]],
                                 [(a["name"], float(a["weight"]), a["policy"]) for a in experiment["arms"]])
            # The chart of per-arm means holds the server's own report of the played sessions.
            report = admin_json(port, f"/admin/experiments/{EXPERIMENT}/report")
            [card] = page["experiments"]
            self.assertEqual([(a["name"], a["mean"], a["ciLow"], a["ciHigh"]) for a in json.loads(card["armMeans"])],
                             [(a["arm"], a["consumedPerSession"]["mean"], a["consumedPerSession"]["ciLow"],
                               a["consumedPerSession"]["ciHigh"]) for a in report["arms"]])
            self.assertEqual(sum(int(a["users"]) for a in report["arms"]), EXPERIMENT_USERS)
            compared = [c for c in report["comparisons"] if c["metric"] == "consumed_per_session"]
            self.assertEqual([(c["arm"], float(c["relativeLift"])) for c in card["comparisons"]],
                             [(c["arm"], c["relativeLift"]) for c in compared])

    def test_without_the_token_the_data_stays_hidden_until_the_page_is_given_it(self):
        port = self.server.http_port
        for path in ("/admin/models", "/admin/jobs?limit=50") + (("/admin/experiments",) if self.has_experiments_api else ()):
            self.assertEqual(call(port, "GET", path)[0], 401, path)
            self.assertEqual(call(port, "GET", path, token="wrong")[0], 403, path)
        status, body = call(port, "GET", "/dashboard")
        self.assertEqual(status, 200)
        self.assertNotIn("precisionAtK", body)

        refused = self.expected_answers + (("/admin/models", 401), ("/admin/jobs", 401),
                                           ("/admin/experiments", 401), ("/admin/models", 403),
                                           ("/admin/jobs", 403), ("/admin/experiments", 403))
        with HeadlessChromium(paths.chromium) as browser:
            page = self.open_dashboard(browser, "?every=1", refreshes=1)
            self.assertEqual(page["state"], "token")
            self.assertFalse(page["tokenFormHidden"])
            self.assertEqual(page["models"], [])
            self.assertEqual(page["jobs"], [])

            def submit(token):
                browser.evaluate(f"""(() => {{
                  document.getElementById("token-input").value = {json.dumps(token)};
                  document.getElementById("token-form").requestSubmit(); }})()""")

            submit("wrong")
            self.assertTrue(browser.wait_for(
                "document.getElementById('token-reason').textContent.includes('refused')", RENDER_TIMEOUT_SECONDS))
            self.assertEqual(browser.evaluate("document.body.dataset.state"), "token")
            submit(TOKEN)
            self.assertTrue(browser.wait_for(
                "document.body.dataset.state === 'ready' && document.querySelectorAll('#models-table tbody tr').length > 0",
                RENDER_TIMEOUT_SECONDS), browser.evaluate(READ_PAGE))
            browser.settle(0.3)
            page = browser.evaluate(READ_PAGE)
            screenshot(browser, "dashboard-after-token.png")
            errors = list(browser.errors)
        self.assertEqual(len(page["models"]), 3)
        self.assertTrue(page["tokenFormHidden"])
        self.assertEqual(unexpected_errors(errors, refused), [], "the page logged errors")


class StubDataHandler(http.server.BaseHTTPRequestHandler):
    """The dashboard's files from the source tree (one of them maybe broken) and small valid
    answers for its data routes: the capture of console errors must see a broken page fail."""

    files = {}
    experiments = {"experiments": []}
    reports = {}  # experiment name -> its report
    requests = {}  # path -> how many times it was asked for

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.path.split("?")[0]
        StubDataHandler.requests[path] = StubDataHandler.requests.get(path, 0) + 1
        answers = {
            "/metrics": ("text/plain", 'vitrina_requests_total{transport="http",method="X",code="OK"} 1\n'),
            "/admin/models": ("application/json", '{"models": [], "activeModelId": "0"}'),
            "/admin/jobs": ("application/json", '{"jobs": []}'),
            "/admin/experiments": ("application/json", json.dumps(self.experiments)),
        }
        for name, report in self.reports.items():
            answers[f"/admin/experiments/{urllib.parse.quote(name, safe='')}/report"] = ("application/json", json.dumps(report))
        name = "index.html" if path == "/dashboard" else path.removeprefix("/dashboard/")
        if path in answers:
            content_type, body = answers[path]
            body = body.encode()
        elif path.startswith("/dashboard") and name in self.files:
            body = self.files[name]
            content_type = {"html": "text/html", "js": "text/javascript", "css": "text/css"}.get(
                name.rsplit(".", 1)[-1], "text/plain")
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class PageOverStubDataTest(unittest.TestCase):
    """The page's files from the source tree over stub answers: the error capture itself (the
    intact page logs nothing, a broken one is caught), the page's arithmetic, and an experiment
    with its report in the shapes of the experiments API."""

    def dashboard_files(self):
        dashboard = os.path.join(paths.source_dir, "server", "http", "dashboard")
        uplot = os.path.join(paths.source_dir, "third_party", "uplot")
        files = {}
        for name in os.listdir(dashboard):
            with open(os.path.join(dashboard, name), "rb") as file:
                files[name] = file.read()
        for name in ("uPlot.iife.min.js", "uPlot.min.css"):
            with open(os.path.join(uplot, name), "rb") as file:
                files[name] = file.read()
        return files

    def tearDown(self):
        StubDataHandler.experiments = {"experiments": []}
        StubDataHandler.reports = {}

    def errors_of(self, files, expression=None, screenshot_name=None, refreshes=1):
        """The errors the page over `files` logs; with `expression`, also its value in the page."""
        StubDataHandler.files = files
        StubDataHandler.requests = {}
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StubDataHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            with HeadlessChromium(paths.chromium) as browser:
                browser.open(f"http://127.0.0.1:{server.server_address[1]}/dashboard?every=1")
                browser.wait_for(RENDERED.format(refreshes=refreshes), 15)
                value = browser.evaluate(expression) if expression else None
                if screenshot_name:
                    screenshot(browser, screenshot_name)
                browser.settle(0.5)
                return (list(browser.errors), value) if expression else list(browser.errors)
        finally:
            server.shutdown()
            server.server_close()

    def test_an_experiment_shows_its_arms_means_comparisons_and_lift(self):
        arms = [("control", 0.5, "0", "sticky_creator", False, 2.1, 1.98, 2.22),
                ("hybrid", 0.25, "2", "memory_hybrid", True, 2.4, 2.2, 2.6),
                ("best", 0.25, "0", "improved_indexed", False, 2.3, 2.05, 2.55)]
        StubDataHandler.experiments = {"experiments": [{
            "name": "next policy/1", "salt": "s1", "layer": "next", "state": "RUNNING",
            "arms": [{"name": n, "weight": w, "modelId": m, "policy": p, "explore": e} for n, w, m, p, e, *_ in arms],
            "createdAt": "2026-12-01T10:00:00Z"}]}
        start = 1_764_583_200_000_000
        StubDataHandler.reports = {"next policy/1": {
            "experiment": "next policy/1",
            "arms": [{"arm": n, "weight": w, "control": i == 0, "users": "400", "sessions": "900",
                      "consumedPerSession": {"users": "400", "mean": mean, "standardDeviation": 1.1, "ciLow": low, "ciHigh": high}}
                     for i, (n, w, _, _, _, mean, low, high) in enumerate(arms)],
            "comparisons": [{"metric": "consumed_per_session", "arm": n, "control": "control", "computable": True,
                             "relativeLift": mean / 2.1 - 1, "liftCiLow": 0.01, "liftCiHigh": 0.2, "pValue": 0.003,
                             "significant": True} for n, *_, mean, _, _ in arms[1:]],
            "sampleRatio": {"mismatch": True, "pValue": 0.0002},
            "liftOverTime": [{"timeUnixMicros": str(start + hour * 3_600_000_000), "arm": n,
                              "metric": "consumed_per_session", "armUsers": "100", "controlUsers": "200",
                              "computable": hour > 0, "relativeLift": 0.1 + 0.01 * hour, "liftCiLow": 0.02,
                              "liftCiHigh": 0.2} for hour in range(4) for n in ("hybrid", "best")],
        }}
        errors, page = self.errors_of(self.dashboard_files(), READ_PAGE, screenshot_name="dashboard-experiment.png")
        self.assertEqual(errors, [])
        self.assertTrue(page["experimentsEmpty"]["hidden"])
        [card] = page["experiments"]
        self.assertEqual((card["experiment"], card["state"]), ("next policy/1", "RUNNING"))
        self.assertEqual([(a["arm"], float(a["weight"]), a["modelId"], a["policy"], a["explore"]) for a in card["arms"]],
                         [(n, w, m, p, "true" if e else "false") for n, w, m, p, e, *_ in arms])
        self.assertEqual([(a["name"], a["mean"], a["ciLow"], a["ciHigh"]) for a in json.loads(card["armMeans"])],
                         [(n, mean, low, high) for n, *_, mean, low, high in arms])
        self.assertEqual([(c["arm"], c["significant"]) for c in card["comparisons"]], [("hybrid", "true"), ("best", "true")])
        lift = json.loads(card["lift"])
        self.assertEqual([line["arm"] for line in lift], ["hybrid", "best"])
        self.assertEqual([p["lift"] for p in lift[0]["points"]], [None] + [0.1 + 0.01 * hour for hour in (1, 2, 3)])  # hour 0: not computable
        self.assertEqual(lift[0]["points"][1]["time"], (start + 3_600_000_000) / 1e6)

    def test_an_experiment_without_a_report_says_so(self):
        StubDataHandler.experiments = {"experiments": [{"name": "fresh", "state": "RUNNING",
                                                        "arms": [{"name": "control", "weight": 1}]}]}
        errors, text = self.errors_of(self.dashboard_files(),
                                      "document.querySelector('.experiment .report').textContent")
        self.assertEqual(text, "No report yet (no exposures logged).")
        self.assertEqual(unexpected_errors(errors, (("/admin/experiments/fresh/report", 404),)), [])

    def test_a_report_is_fetched_once_a_minute_while_the_list_follows_every_refresh(self):
        StubDataHandler.experiments = {"experiments": [{"name": "e", "state": "RUNNING", "arms": [{"name": "c", "weight": 1}]}]}
        StubDataHandler.reports = {"e": {"experiment": "e", "arms": [
            {"arm": "c", "control": True, "consumedPerSession": {"mean": 1, "ciLow": 0.5, "ciHigh": 1.5}}]}}
        errors, refreshes = self.errors_of(self.dashboard_files(), "Number(document.body.dataset.refreshes)", refreshes=3)
        self.assertEqual(errors, [])
        self.assertGreaterEqual(refreshes, 3)
        self.assertGreaterEqual(StubDataHandler.requests["/admin/experiments"], 3)
        self.assertEqual(StubDataHandler.requests["/admin/experiments/e/report"], 1)

    def test_the_counter_arithmetic_of_the_page(self):
        # The page's own modules, imported in the page: Prometheus text parsing (escapes, +Inf),
        # histogram quantiles interpolated within buckets, rates across a counter reset.
        errors, value = self.errors_of(self.dashboard_files(), r"""(async () => {
          const { parsePrometheusText } = await import("/dashboard/prometheus_text.js");
          const { histogramQuantile, intervalBetween, snapshotOf } = await import("/dashboard/traffic.js");
          const samples = parsePrometheusText('# HELP x y\nm{a="q\\"uote\\\\",b="x"} 2.5\nn +Inf\nk 3 1700000000\n');
          const buckets = (pairs) => new Map(pairs);
          const text = (requests, hits, misses) => `
vitrina_requests_total{transport="http",method="GetUserRecommendations",code="OK"} ${requests}
vitrina_requests_total{transport="http",method="Metrics",code="OK"} 99
vitrina_cache_requests_total{backend="memory",result="hit"} ${hits}
vitrina_cache_requests_total{backend="memory",result="miss"} ${misses}`;
          const before = snapshotOf(parsePrometheusText(text(100, 10, 10)), 0);
          const after = snapshotOf(parsePrometheusText(text(130, 13, 11)), 10);
          const restarted = snapshotOf(parsePrometheusText(text(5, 1, 1)), 20);
          return {
            samples,
            median: histogramQuantile(0.5, buckets([[0.001, 10], [0.01, 30], [Infinity, 40]]), null),
            p99Overflow: histogramQuantile(0.99, buckets([[0.001, 10], [0.01, 30], [Infinity, 40]]), null),
            p50OfIncrease: histogramQuantile(0.5, buckets([[0.001, 20], [0.01, 40], [Infinity, 40]]),
                                             buckets([[0.001, 10], [0.01, 10], [Infinity, 10]])),
            none: histogramQuantile(0.5, buckets([[0.001, 5], [Infinity, 5]]), buckets([[0.001, 5], [Infinity, 5]])),
            interval: intervalBetween(before, after),
            afterRestart: intervalBetween(after, restarted),
          };
        })()""")
        self.assertEqual(errors, [])
        self.assertEqual(value["samples"], [
            {"name": "m", "labels": {"a": 'q"uote\\', "b": "x"}, "value": 2.5},
            {"name": "n", "labels": {}, "value": None},  # Infinity has no JSON form
            {"name": "k", "labels": {}, "value": 3}])
        self.assertAlmostEqual(value["median"], 0.001 + 0.009 * (20 - 10) / 20)
        self.assertEqual(value["p99Overflow"], 0.01)  # in the +Inf bucket: its lower bound
        self.assertAlmostEqual(value["p50OfIncrease"], 0.001 + 0.009 * (15 - 10) / 20)  # increases: 10, 30, 30
        self.assertIsNone(value["none"])
        self.assertAlmostEqual(value["interval"]["requestRate"], 3.0)  # /metrics scrapes left out
        self.assertAlmostEqual(value["interval"]["cacheHitRate"], 0.75)
        self.assertAlmostEqual(value["afterRestart"]["requestRate"], 0.5)
        self.assertAlmostEqual(value["afterRestart"]["cacheHitRate"], 0.5)

    def test_the_intact_page_over_stub_data_logs_no_error(self):
        self.assertEqual(self.errors_of(self.dashboard_files()), [])

    def test_a_page_that_throws_is_caught(self):
        files = self.dashboard_files()
        files["main.js"] += b"\nundefinedFunctionOfABrokenPage();\n"
        errors = self.errors_of(files)
        self.assertTrue(any("undefinedFunctionOfABrokenPage" in e["text"] for e in errors), errors)

    def test_a_script_that_does_not_parse_is_caught(self):
        files = self.dashboard_files()
        files["charts.js"] = files["charts.js"].replace(b"export function colour", b"export function colour(((", 1)
        self.assertNotEqual(self.errors_of(files), [])

    def test_a_file_the_page_loads_but_the_server_lacks_is_caught(self):
        files = self.dashboard_files()
        del files["uPlot.min.css"]
        errors = self.errors_of(files)
        self.assertTrue(any(e["url"].endswith("uPlot.min.css") for e in errors), errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True, help="the vitrina-server binary")
    parser.add_argument("--source-dir", required=True, help="the project's root (the dashboard's files)")
    parser.add_argument("--artifacts", required=True, help="where the screenshots go")
    arguments, rest = parser.parse_known_args()
    paths.server = os.path.abspath(arguments.server)
    paths.source_dir = os.path.abspath(arguments.source_dir)
    paths.artifacts = arguments.artifacts
    paths.chromium = find_chromium()
    if paths.chromium is None:
        print("SKIPPED: chromium is not installed (Debian package `chromium`, in scripts/install-deps.sh)")
        return 77
    result = unittest.main(argv=[sys.argv[0], *rest], exit=False, verbosity=2).result
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
