#!/usr/bin/python3
"""tools/grpcurl-compat/grpcurl must print what the real grpcurl prints: same stdout, same stderr,
same exit status, for every grpcurl line of README.md (in README order) and for the usual
mistakes (a bad request, an unknown method or service, a missing admin token).

Both clients call the same demo server through a replaying proxy (replaying_proxy.py): the real
grpcurl's calls reach the server, the compat client gets the very same answers replayed, so any
difference is the compat client's. Needs the real grpcurl (--grpcurl PATH, or found on PATH or in
../shared/tools/grpcurl/); without one it exits with SKIP_EXIT_STATUS, which CTest shows as skipped.
"""

import argparse
import re
import shlex
import sys
import unittest

sys.dont_write_bytecode = True  # the source tree may be read-only (CI); nothing to cache for one run

import grpcurl_programs  # noqa: E402
import readme_grpcurl_test as readme  # noqa: E402
from replaying_proxy import ReplayingProxy  # noqa: E402

SKIP_EXIT_STATUS = 77
ADMIN_TOKEN = "compat-test-token"

options = argparse.Namespace(server=None, readme=None, grpcurl=None, real_grpcurl=None)


RECOMMEND = "vitrina.v1.Recommender/GetUserRecommendations"
SCHEDULE = "vitrina.v1.Admin/ScheduleTraining"
RECORD = "vitrina.v1.Admin/RecordInteraction"
# Requests spoiled the ways users spoil them, and what else a request may look like: (-d text, method).
REQUESTS = [
    ('{"user_id": 42, "k": 5000}', RECOMMEND),  # the server's InvalidArgument
    ('{"model_id": 999999}', "vitrina.v1.Admin/GetModel"),  # the server's NotFound
    ('{"user_id": 42, "k": 5', RECOMMEND), ('{"user_id" 42}', RECOMMEND), ('{"user_id": 42  "k": 5}', RECOMMEND),
    ('{"user_id": 42,}', RECOMMEND), ("{'user_id': 42}", RECOMMEND), ('{"user_id": tru}', RECOMMEND),
    ('{"user_id": 01}', RECOMMEND), ('{"user_id": 1.}', RECOMMEND), ('{"user_id": -}', RECOMMEND),
    ('{"k": 5} {"k": 6}', RECOMMEND), ('{"k": 5}}', RECOMMEND), ('{"k": 5} x', RECOMMEND),
    ("[]", RECOMMEND), ('"text"', RECOMMEND), ("5", RECOMMEND), ("", RECOMMEND), ("  ", RECOMMEND),
    ("null", RECOMMEND),
    ('{"no_such_field": 1}', RECOMMEND), ('{"userId": 42, "k": 3}', RECOMMEND),
    ('{"user_id": "42", "k": "3"}', RECOMMEND), ('{"user_id": "forty-two"}', RECOMMEND),
    ('{"user_id": 1.5}', RECOMMEND), ('{"user_id": 1e2}', RECOMMEND), ('{"user_id": true}', RECOMMEND),
    ('{"user_id": {}}', RECOMMEND), ('{"user_id": [41, 42], "k": 2}', RECOMMEND),
    ('{"user_id": 9223372036854775808}', RECOMMEND), ('{"k": 2147483648}', RECOMMEND),
    ('{"user_id": 42, "exclude_seen": "true", "k": 2}', RECOMMEND), ('{"exclude_seen": 1}', RECOMMEND),
    ('{"exclude_seen": null}', RECOMMEND), ('{"user_id": 42, "exclude_title_ids": 7, "k": 2}', RECOMMEND),
    ('{"exclude_title_ids": [1, "x"]}', RECOMMEND),
    ('{"user_id": 42, "k": 3, "exclude_title_ids": [1, null]}', RECOMMEND),
    ('{"user_id": 42, "k": 2, "exclude_title_ids": [37], "exclude_title_ids": [105]}', RECOMMEND),
    ('{"user_id": [], "k": 2}', RECOMMEND), ('{"user_id": 42, "k": 2, "exclude_seen": [true, null]}', RECOMMEND),
    ('{"params": {"epochs": 3}, "params": {"loss": "BPR"}, "at": "2031-01-01T03:00:00.250+02:00"}', SCHEDULE),
    ('{"params": {"loss": "NO_SUCH_LOSS"}}', SCHEDULE), ('{"params": {"loss": 3.5}}', SCHEDULE),
    ('{"params": {"loss": true}}', SCHEDULE), ('{"params": 5}', SCHEDULE), ('{"params": {"seed": -1}}', SCHEDULE),
    ('{"at": "tomorrow"}', SCHEDULE), ('{"at": "2030-01-01T03:00:00"}', SCHEDULE),
    ('{"at": "2030-13-01T03:00:00Z"}', SCHEDULE), ('{"at": "2030-02-30T03:00:00Z"}', SCHEDULE),
    ('{"at": "2030-01-01 03:00:00Z"}', SCHEDULE), ('{"at": 5}', SCHEDULE), ('{"at": {}}', SCHEDULE),
    ('{"value": "x"}', RECORD), ('{"value": 1e400}', RECORD), ('{"type": 5}', RECORD),
]


class GrpcurlCompatTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(options.readme, encoding="utf-8") as readme_file:
            cls.commands = readme.readme_grpcurl_commands(readme_file.read())
        cls.server = readme.DemoServer(options.server)
        cls.addClassCleanup(cls.server.stop)
        cls.server.start()
        cls.server.wait_until_serving()
        cls.proxy = ReplayingProxy(cls.server.address)
        cls.addClassCleanup(cls.proxy.stop)
        cls.proxy.start()

    def assert_same_output(self, arguments, proxy=None):
        """Runs grpcurl ARGUMENTS (address replaced by the proxy's) with both clients."""
        proxy = proxy or self.proxy
        arguments = [proxy.address if argument == readme.README_ADDRESS else argument for argument in arguments]
        proxy.record()
        real = readme.run_grpcurl(options.real_grpcurl, arguments)
        proxy.replay()
        compat = readme.run_grpcurl(str(grpcurl_programs.COMPAT_GRPCURL), arguments)
        shown = shlex.join(["grpcurl", *arguments])
        self.assertEqual(proxy.misses, [],
                         f"{shown}\nthe compat client made calls the real grpcurl did not (another request?)\n"
                         f"compat stderr:\n{compat.stderr}")
        self.assertEqual(proxy.unreplayed(), [], f"{shown}\nthe compat client left out calls the real grpcurl made")
        self.assertEqual(compat.stdout, real.stdout, f"{shown}: stdout differs")
        self.assertEqual(compat.stderr.replace(str(grpcurl_programs.COMPAT_GRPCURL), "grpcurl"),
                         real.stderr.replace(options.real_grpcurl, "grpcurl"), f"{shown}: stderr differs")
        self.assertEqual(compat.returncode, real.returncode, f"{shown}: exit status differs\n{real.stderr}")
        return real

    def test_every_readme_command_prints_the_same(self):
        self.assertGreater(len(self.commands), 0, f"no grpcurl line in the code blocks of {options.readme}")
        for command in self.commands:
            with self.subTest(command=command):
                self.assert_same_output(shlex.split(command)[1:])

    def test_requests_print_the_same(self):
        for data, method in REQUESTS:
            with self.subTest(data=data, method=method):
                self.assert_same_output(["-plaintext", "-d", data, readme.README_ADDRESS, method])

    def test_other_mistakes_print_the_same(self):
        address = readme.README_ADDRESS
        cases = [
            ["-plaintext", "-d", "{}", address, "vitrina.v1.Recommender/NoSuchMethod"],
            ["-plaintext", "-d", "{}", address, "vitrina.v1.NoSuchService/Get"],
            ["-plaintext", "-d", "{}", address, "vitrina.v1.Recommender"],
            ["-plaintext", "-d", "{}", address, "NoSuchMethod"],
            ["-plaintext", address, "list", "vitrina.v1.NoSuchService"],
            ["-plaintext", address, "list", "vitrina.v1.Loss"],
            ["-plaintext", address, "describe", "vitrina.v1.NoSuchMessage"],
            ["-plaintext", "-d", "{}", address, "list"],
            ["-plaintext", address],
            ["-plaintext"],
            ["-plaintext", address, "list", "vitrina.v1.Admin", "extra"],
            ["-plaintext", "-H", "bad header", address, "list"],
            ["-plaintext", "-d", "{}", f"127.0.0.1:{readme.free_loopback_port()}", RECOMMEND],
        ]
        for arguments in cases:
            with self.subTest(arguments=shlex.join(arguments)):
                self.assert_same_output(arguments)

    def test_describe_prints_the_same_for_every_symbol(self):
        """describe with no symbol, then every service, method, message and enum reachable from the
        services (types found in the describe text: `.pkg.Type name = n;`)."""
        address = readme.README_ADDRESS
        self.assert_same_output(["-plaintext", address, "describe"])
        pending = self.assert_same_output(["-plaintext", address, "list"]).stdout.split()
        described = set()
        while pending:
            symbol = pending.pop()
            if symbol in described:
                continue
            described.add(symbol)
            with self.subTest(symbol=symbol):
                text = self.assert_same_output(["-plaintext", address, "describe", symbol]).stdout
            pending += re.findall(r"[( ]\.([A-Za-z_][\w.]*)", text)
            if " is a service:" in text:
                pending += self.assert_same_output(["-plaintext", address, "list", symbol]).stdout.split()
        self.assertIn("vitrina.v1.TrainingParams", described)

    def test_admin_token_errors_print_the_same(self):
        guarded = readme.DemoServer(options.server, settings={"admin_token": ADMIN_TOKEN})
        self.addCleanup(guarded.stop)
        guarded.start()
        guarded.wait_until_serving()
        proxy = ReplayingProxy(guarded.address)
        self.addCleanup(proxy.stop)
        proxy.start()
        call = ["-plaintext", "-d", "{}", readme.README_ADDRESS, "vitrina.v1.Admin/ListModels"]
        # grpcurl's exit status is 64 + the gRPC code: UNAUTHENTICATED is 16, PERMISSION_DENIED 7.
        for headers, exit_status in (([], 64 + 16), (["-H", "authorization: Bearer wrong"], 64 + 7),
                                     (["-H", "authorization: Basic abc"], 64 + 7),
                                     (["-H", f"authorization: Bearer {ADMIN_TOKEN}"], 0)):
            with self.subTest(headers=headers):
                real = self.assert_same_output([*headers, *call], proxy)
                self.assertEqual(real.returncode, exit_status, real.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", required=True, help="the vitrina-server binary to start on a demo catalog")
    parser.add_argument("--readme", required=True, help="README.md whose grpcurl lines to compare")
    parser.add_argument("--grpcurl", metavar="PATH",
                        help="the real grpcurl (an error when it does not run); default: found on PATH or in "
                             f"{grpcurl_programs.SHARED_GRPCURL}, skipped when there is none")
    _, unittest_arguments = parser.parse_known_args(namespace=options)
    if options.grpcurl:
        try:
            options.real_grpcurl, version = grpcurl_programs.real_grpcurl(options.grpcurl)
        except grpcurl_programs.GrpcurlNotUsable as error:
            parser.error(f"--grpcurl: {error}")
    else:
        found = grpcurl_programs.find_real_grpcurl()
        if found is None:
            print(f"skipped: no real grpcurl on PATH or at {grpcurl_programs.SHARED_GRPCURL} to compare with")
            sys.exit(SKIP_EXIT_STATUS)
        options.real_grpcurl, version = found
    readme.paths.program = options.real_grpcurl
    print(f"comparing {grpcurl_programs.COMPAT_GRPCURL} with the real grpcurl {options.real_grpcurl} ({version})",
          file=sys.stderr)
    unittest.main(argv=[sys.argv[0], *unittest_arguments])


if __name__ == "__main__":
    main()
