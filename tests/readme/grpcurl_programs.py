"""Which grpcurl the README tests run: the real one (github.com/fullstorydev/grpcurl) when it is
found, else tools/grpcurl-compat/grpcurl, and always saying which.

The real grpcurl is looked for on PATH, then in ../shared/tools/grpcurl/ beside the project root
(where the project's machines and CI keep a copy). A program given explicitly (--grpcurl) must be
a real grpcurl: a missing or wrong one is an error, never a silent fall-back to the compat client.
"""

import os
import pathlib
import shutil
import subprocess

PROJECT_ROOT = pathlib.Path(__file__).resolve().parents[2]
COMPAT_GRPCURL = PROJECT_ROOT / "tools" / "grpcurl-compat" / "grpcurl"
SHARED_GRPCURL = PROJECT_ROOT.parent / "shared" / "tools" / "grpcurl" / "grpcurl"
VERSION_TIMEOUT_SECONDS = 10


class GrpcurlNotUsable(Exception):
    pass


def version_of(program):
    """What `program -version` prints ("grpcurl v1.8.7"); grpcurl prints it on stderr."""
    try:
        answer = subprocess.run([str(program), "-version"], capture_output=True, text=True,
                                timeout=VERSION_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GrpcurlNotUsable(f"{program} does not run: {error}") from error
    text = (answer.stdout + answer.stderr).strip()
    if answer.returncode != 0 or not text.startswith("grpcurl "):
        raise GrpcurlNotUsable(f"{program} -version answered {text!r} (exit {answer.returncode}), "
                               "not a grpcurl version")
    return text


def is_compat(program):
    return pathlib.Path(program).resolve() == COMPAT_GRPCURL.resolve()


def real_grpcurl(program):
    """`program` checked to be a real grpcurl that runs: (path, version)."""
    path = shutil.which(str(program))
    if path is None:
        raise GrpcurlNotUsable(f"{program}: no such executable")
    if is_compat(path):
        raise GrpcurlNotUsable(f"{path} is the compat client, not the real grpcurl")
    return path, version_of(path)


def find_real_grpcurl():
    """The real grpcurl on PATH or in ../shared/tools/grpcurl/, as (path, version); None if neither runs."""
    for candidate in (shutil.which("grpcurl"), SHARED_GRPCURL):
        if candidate is None or not os.access(candidate, os.X_OK) or is_compat(candidate):
            continue
        try:
            return real_grpcurl(candidate)
        except GrpcurlNotUsable:
            continue
    return None


def choose_grpcurl(explicit):
    """The grpcurl to run README examples with and a line saying which: the one given (which must
    be real), else the real one found, else the compat client."""
    if explicit:
        path, version = real_grpcurl(explicit)
        return path, f"real grpcurl (as asked): {path} ({version})"
    found = find_real_grpcurl()
    if found is not None:
        path, version = found
        return path, f"real grpcurl: {path} ({version})"
    return str(COMPAT_GRPCURL), (f"tools/grpcurl-compat/grpcurl (no real grpcurl on PATH or at {SHARED_GRPCURL}): "
                                 f"{COMPAT_GRPCURL}")
