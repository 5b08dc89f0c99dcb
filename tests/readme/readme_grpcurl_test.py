#!/usr/bin/env python3
"""Runs every grpcurl command of README.md as printed, in README order, against a fresh
vitrina-server on a small demo catalog: an operator who copies them must see them succeed.

Uses the real grpcurl when one is found (--grpcurl PATH, or on PATH, or in ../shared/tools/grpcurl/),
else tools/grpcurl-compat/grpcurl, which prints the same (grpcurl_compat_test.py checks that); it
says which on stderr. Asked for a real grpcurl (--grpcurl) that does not run, it fails.
"""

import argparse
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # the source tree may be read-only (CI); nothing to cache for one run

import grpcurl_programs  # noqa: E402

README_ADDRESS = "127.0.0.1:50051"
COMPAT_GRPCURL = grpcurl_programs.COMPAT_GRPCURL
VITRINA_SERVICES = ("vitrina.v1.Recommender", "vitrina.v1.Admin")
STARTUP_TIMEOUT_SECONDS = 45
COMMAND_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 15

# A catalog and model small enough to generate and train in a few seconds.
CONFIG_TEMPLATE = """\
listen: {address}
http_listen: ""
data_dir: {data_dir}
demo:
  users: 300
  titles: 120
  interactions: 12000
training:
  epochs: 5
  no_components: 16
schedule:
  nightly: ""
"""

paths = argparse.Namespace(server=None, readme=None, running=None, grpcurl=None, compat=False, program=None)


def readme_grpcurl_commands(markdown):
    """Every line of a fenced code block that starts with `grpcurl `, continuation lines joined."""
    commands, in_code, pending = [], False, ""
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            in_code, pending = not in_code, ""
            continue
        if not in_code:
            continue
        line = pending + line.strip()
        if line.endswith("\\"):
            pending = line[:-1]
            continue
        pending = ""
        if line.startswith("grpcurl "):
            commands.append(line)
    return commands


def free_loopback_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_grpcurl(program, arguments):
    return subprocess.run([program, *arguments], capture_output=True, text=True, timeout=COMMAND_TIMEOUT_SECONDS,
                          check=False)


def request_of(arguments):
    """The JSON request of a grpcurl command line (after -d), as a dict; {} when there is none."""
    if "-d" not in arguments:
        return {}
    text = arguments[arguments.index("-d") + 1]
    return json.loads(text) if text.strip() else {}


def poll_until_serving(address, timeout_seconds, interval_seconds, check_alive):
    """Polls the gRPC health check (with the chosen grpcurl) until it says SERVING; False on timeout.
    check_alive() runs before each poll and raises when waiting is pointless."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        check_alive()
        program = paths.program or str(COMPAT_GRPCURL)
        check = run_grpcurl(program, ["-plaintext", address, "grpc.health.v1.Health/Check"])
        if check.returncode == 0 and json.loads(check.stdout).get("status") == "SERVING":
            return True
        time.sleep(interval_seconds)
    return False


class DemoServer:
    """vitrina-server on a free loopback port with its own data folder, stopped by its PID."""

    def __init__(self, binary, settings=None):
        """`settings`: top-level config keys ({"admin_token": "x"}) set instead of the template's."""
        self.binary = os.path.abspath(binary)  # it starts in its own folder
        self.settings = settings or {}
        self.folder = tempfile.mkdtemp(prefix="vitrina-readme-")
        self.address = f"127.0.0.1:{free_loopback_port()}"
        self.log_path = os.path.join(self.folder, "server.log")
        self.process = None

    def start(self):
        config_path = os.path.join(self.folder, "vitrina.yaml")
        with open(config_path, "w", encoding="utf-8") as config:
            text = CONFIG_TEMPLATE.format(address=self.address, data_dir=os.path.join(self.folder, "data"))
            kept = [line for line in text.splitlines(keepends=True)
                    if line.partition(":")[0] not in self.settings]
            kept += [f"{key}: {json.dumps(value)}\n" for key, value in self.settings.items()]
            config.write("".join(kept))
        # VITRINA_* variables override the config: an operator's shell must not redirect the test.
        environment = {name: value for name, value in os.environ.items() if not name.startswith("VITRINA_")}
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([self.binary, "--config", config_path], stdout=log,
                                            stderr=subprocess.STDOUT, cwd=self.folder, env=environment)

    def log_tail(self, lines=30):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return "".join(log.readlines()[-lines:])

    def check_alive(self):
        if self.process.poll() is not None:
            raise AssertionError(f"vitrina-server exited with {self.process.returncode}:\n{self.log_tail()}")

    def wait_until_serving(self):
        if not poll_until_serving(self.address, STARTUP_TIMEOUT_SECONDS, 0.25, self.check_alive):
            raise AssertionError(f"vitrina-server not SERVING after {STARTUP_TIMEOUT_SECONDS} s:\n{self.log_tail()}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class RunningServer(DemoServer):
    """A server someone else started (e.g. scripts/run.sh on a fresh machine): waited for, not stopped."""

    def __init__(self, address, timeout_seconds):
        self.address, self.timeout_seconds, self.process = address, timeout_seconds, None

    def start(self):
        pass

    def log_tail(self, lines=30):
        return "(the server's log is wherever it was started)"

    def wait_until_serving(self):
        if not poll_until_serving(self.address, self.timeout_seconds, 1, lambda: None):
            raise AssertionError(f"nothing SERVING at {self.address} after {self.timeout_seconds} s")

    def stop(self):
        pass


class ReadmeGrpcurlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(paths.readme, encoding="utf-8") as readme:
            cls.commands = readme_grpcurl_commands(readme.read())
        cls.server = RunningServer(README_ADDRESS, paths.running) if paths.running else DemoServer(paths.server)
        cls.addClassCleanup(cls.server.stop)
        cls.server.start()
        cls.server.wait_until_serving()

    def run_readme_command(self, command):
        """Runs one README line against the test's server; returns its arguments and stdout."""
        self.assertIn(README_ADDRESS, command, "every README example must target the documented address")
        arguments = shlex.split(command.replace(README_ADDRESS, self.server.address))[1:]
        result = run_grpcurl(paths.program, arguments)
        self.assertEqual(result.returncode, 0,
                         f"{command}\nexit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}\n"
                         f"server log:\n{self.server.log_tail()}")
        return arguments, result.stdout

    def test_every_readme_command_succeeds_in_order(self):
        self.assertGreater(len(self.commands), 0, f"no grpcurl line in the code blocks of {paths.readme}")
        for command in self.commands:
            with self.subTest(command=command):
                arguments, output = self.run_readme_command(command)
                target = arguments[arguments.index(self.server.address) + 1:]
                if target[0] == "list":
                    self.check_list(target[1] if len(target) > 1 else None, output)
                elif target[0] == "describe":
                    self.check_describe(target[1], output)
                else:
                    check = RESPONSE_CHECKS.get(target[0])
                    response = json.loads(output)
                    if check is not None:
                        check(self, request_of(arguments), response)

    def test_readme_has_an_example_for_every_method(self):
        program = paths.program
        documented = {command.split()[-1] for command in self.commands}
        for service in VITRINA_SERVICES:
            listed = run_grpcurl(program, ["-plaintext", self.server.address, "list", service])
            self.assertEqual(listed.returncode, 0, listed.stderr)
            methods = listed.stdout.split()
            self.assertGreater(len(methods), 0, f"reflection lists no method of {service}")
            for method in methods:
                name = f"{service}/{method.rpartition('.')[2]}"
                self.assertIn(name, documented, f"README.md has no grpcurl example for {name}")

    def check_list(self, service, output):
        listed = output.split()
        if service is None:
            for expected in (*VITRINA_SERVICES, "grpc.health.v1.Health"):
                self.assertIn(expected, listed)
        else:
            self.assertGreater(len(listed), 0, f"no method listed for {service}")
            for method in listed:
                self.assertTrue(method.startswith(f"{service}."), method)

    def check_describe(self, symbol, output):
        self.assertTrue(output.startswith(f"{symbol} is a "), output)
        if symbol in VITRINA_SERVICES:
            self.assertIn(f"service {symbol.rpartition('.')[2]} {{", output)
            self.assertIn("rpc ", output)

    def check_recommendations(self, request, response):
        titles = [item["title_id"] for item in response.get("items", [])]
        self.assertEqual(len(titles), request.get("k", 10), response)
        excluded = {str(title) for title in request.get("exclude_title_ids", [])}
        if "title_id" in request:
            excluded.add(str(request["title_id"]))
        self.assertFalse(excluded & set(titles), f"excluded titles answered: {response}")
        self.assertIn(response.get("source"), ("MODEL", "POPULAR"))

    def check_training(self, request, response):
        self.assertIn("job_id", response)
        if request.get("wait"):
            self.assertIn("model_id", response, "a waited training answers with its model")

    def check_model_list(self, request, response):
        models = response.get("models", [])
        self.assertGreater(len(models), 0)
        self.assertIn(response.get("active_model_id"), [model["id"] for model in models])

    def check_model(self, request, response):
        self.assertEqual(response.get("id"), str(request["model_id"]))

    def check_activation(self, request, response):
        self.assertEqual(response["model"]["id"], str(request["model_id"]))
        self.assertTrue(response["model"].get("active"), response)

    def check_empty(self, request, response):
        self.assertEqual(response, {})

    def check_job_list(self, request, response):
        jobs = response.get("jobs", [])
        self.assertGreater(len(jobs), 0)
        self.assertLessEqual(len(jobs), request.get("limit", 100))

    def check_job(self, request, response):
        self.assertEqual(response.get("id"), str(request["job_id"]))

    def check_scheduled(self, request, response):
        self.assertEqual(response.get("status"), "QUEUED", response)
        self.assertEqual(response.get("scheduled_at"), request["at"])

    def check_cancelled(self, request, response):
        self.assertEqual(response.get("id"), str(request["job_id"]))
        self.assertEqual(response.get("status"), "CANCELLED", response)

    def check_search_started(self, request, response):
        self.assertIn("id", response)
        self.assertEqual(response.get("params", {}).get("kind"), "SEARCH", response)
        self.assertEqual(response.get("search", {}).get("budget"), {"max_trials": request["budget"]["max_trials"]})

    def check_trials(self, request, response):
        # The search may still be queued or running: the trials measured so far, by rung then trial.
        self.assertEqual(response.get("metric"), "precision@k", response)
        rungs = [trial.get("rung", 0) for trial in response.get("trials", [])]
        self.assertEqual(rungs, sorted(rungs), response)

    def check_invalidation(self, request, response):
        expected = f"user {request['user_id']}" if "user_id" in request else "all"
        self.assertEqual(response.get("scope"), expected)

    def check_blacklist_change(self, request, response):
        self.assertEqual(response.get("changed"), len(request["title_ids"]), response)

    def check_blacklist(self, request, response):
        entries = response.get("entries", [])
        self.assertGreater(len(entries), 0)
        owner = str(request["user_id"]) if "user_id" in request else None
        for entry in entries:
            self.assertEqual(entry.get("user_id"), owner, entry)

    def check_deleted(self, request, response):
        # The README records this interaction just before deleting it.
        self.assertGreaterEqual(int(response.get("deleted", "0")), 1, response)

    # Experiments the README created: name -> {arm: policy}. An arm's policy replaces the request's.
    arm_policies = {}

    def check_next_title(self, request, response):
        items = response.get("items", [])
        self.assertEqual(len(items), request.get("k", 1), response)
        expected_policy = request.get("policy", "memory_hybrid")
        for experiment, arm in response.get("experiments", {}).items():
            expected_policy = self.arm_policies[experiment].get(arm) or expected_policy
        self.assertEqual(response.get("policy"), expected_policy, response)
        self.assertNotIn(response.get("branch"), (None, "", "none"), response)
        self.assertIn("model_id", response)
        self.assertEqual(response.get("session_id"), request.get("session_id"))
        for item in items:
            self.assertNotEqual(item["title_id"], str(request.get("previous_title_id")), response)
            self.assertGreater(item.get("probability", 0), 0, item)
            self.assertLessEqual(item["probability"], 1, item)
            self.assertTrue(item.get("source"), item)

    def check_experiment_created(self, request, response):
        definition = request["experiment"]
        self.assertEqual(response.get("name"), definition["name"])
        self.assertEqual(response.get("state"), "RUNNING")
        self.assertIn("created_at", response)
        ReadmeGrpcurlTest.arm_policies[definition["name"]] = {
            arm["name"]: arm.get("policy", "") for arm in definition["arms"]}

    def check_experiment_list(self, request, response):
        names = [experiment["name"] for experiment in response.get("experiments", [])]
        for name in self.arm_policies:
            self.assertIn(name, names, response)

    def check_experiment(self, request, response):
        self.assertEqual(response.get("name"), request["name"])
        self.assertEqual([arm["name"] for arm in response.get("arms", [])], list(self.arm_policies[request["name"]]))

    def check_experiment_report(self, request, response):
        self.assertEqual(response.get("experiment"), request["name"], response)
        self.assertEqual(sorted(arm["arm"] for arm in response.get("arms", [])),
                         sorted(self.arm_policies[request["name"]]), response)

    def check_experiment_stopped(self, request, response):
        self.assertEqual(response.get("state"), "STOPPED")
        self.assertIn("stopped_at", response)

    def check_health(self, request, response):
        self.assertEqual(response.get("status"), "SERVING")


# What the answer of each README method must show beyond exit status 0, as grpcurl prints it: proto
# field names (gRPC C++ serves descriptors without json_name, so grpcurl prints `title_id`, not
# `titleId`), 64-bit integers as strings, default values omitted.
RESPONSE_CHECKS = {
    "grpc.health.v1.Health/Check": ReadmeGrpcurlTest.check_health,
    "vitrina.v1.Recommender/GetUserRecommendations": ReadmeGrpcurlTest.check_recommendations,
    "vitrina.v1.Recommender/GetTitleRelevant": ReadmeGrpcurlTest.check_recommendations,
    "vitrina.v1.Recommender/TrainModel": ReadmeGrpcurlTest.check_training,
    "vitrina.v1.Recommender/GetNextTitle": ReadmeGrpcurlTest.check_next_title,
    "vitrina.v1.Recommender/EndSession": ReadmeGrpcurlTest.check_empty,
    "vitrina.v1.Admin/ListModels": ReadmeGrpcurlTest.check_model_list,
    "vitrina.v1.Admin/GetModel": ReadmeGrpcurlTest.check_model,
    "vitrina.v1.Admin/ActivateModel": ReadmeGrpcurlTest.check_activation,
    "vitrina.v1.Admin/DeleteModel": ReadmeGrpcurlTest.check_empty,
    "vitrina.v1.Admin/ListJobs": ReadmeGrpcurlTest.check_job_list,
    "vitrina.v1.Admin/GetJob": ReadmeGrpcurlTest.check_job,
    "vitrina.v1.Admin/ScheduleTraining": ReadmeGrpcurlTest.check_scheduled,
    "vitrina.v1.Admin/CancelJob": ReadmeGrpcurlTest.check_cancelled,
    "vitrina.v1.Admin/StartSearch": ReadmeGrpcurlTest.check_search_started,
    "vitrina.v1.Admin/ListTrials": ReadmeGrpcurlTest.check_trials,
    "vitrina.v1.Admin/InvalidateCache": ReadmeGrpcurlTest.check_invalidation,
    "vitrina.v1.Admin/AddToBlacklist": ReadmeGrpcurlTest.check_blacklist_change,
    "vitrina.v1.Admin/RemoveFromBlacklist": ReadmeGrpcurlTest.check_blacklist_change,
    "vitrina.v1.Admin/ListBlacklist": ReadmeGrpcurlTest.check_blacklist,
    "vitrina.v1.Admin/RecordInteraction": ReadmeGrpcurlTest.check_empty,
    "vitrina.v1.Admin/DeleteInteractions": ReadmeGrpcurlTest.check_deleted,
    "vitrina.v1.Admin/CreateExperiment": ReadmeGrpcurlTest.check_experiment_created,
    "vitrina.v1.Admin/ListExperiments": ReadmeGrpcurlTest.check_experiment_list,
    "vitrina.v1.Admin/GetExperiment": ReadmeGrpcurlTest.check_experiment,
    "vitrina.v1.Admin/GetExperimentReport": ReadmeGrpcurlTest.check_experiment_report,
    "vitrina.v1.Admin/StopExperiment": ReadmeGrpcurlTest.check_experiment_stopped,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", help="the vitrina-server binary to start on a demo catalog")
    parser.add_argument("--running", type=int, metavar="SECONDS",
                        help=f"instead, wait up to SECONDS for a server already started at {README_ADDRESS} "
                             "(what scripts/run.sh starts) and run the commands against it, unchanged")
    parser.add_argument("--readme", required=True, help="README.md whose grpcurl lines to run")
    parser.add_argument("--grpcurl", metavar="PATH",
                        help="the real grpcurl to run them with (an error when it does not run); default: the real "
                             f"one on PATH or at {grpcurl_programs.SHARED_GRPCURL}, else the compat client")
    parser.add_argument("--compat", action="store_true",
                        help="run them with tools/grpcurl-compat/grpcurl even when a real grpcurl is found")
    _, unittest_arguments = parser.parse_known_args(namespace=paths)
    if (paths.server is None) == (paths.running is None):
        parser.error("give exactly one of --server and --running")
    if paths.compat and paths.grpcurl:
        parser.error("give at most one of --grpcurl and --compat")
    if paths.compat:
        paths.program, which = str(COMPAT_GRPCURL), f"compat client (as asked): {COMPAT_GRPCURL}"
    else:
        try:
            paths.program, which = grpcurl_programs.choose_grpcurl(paths.grpcurl)
        except grpcurl_programs.GrpcurlNotUsable as error:
            parser.error(f"--grpcurl: {error}")
    print(f"README examples run with the {which}", file=sys.stderr)
    unittest.main(argv=[sys.argv[0], *unittest_arguments])


if __name__ == "__main__":
    main()
