"""Debian's headless chromium driven through the DevTools protocol over --remote-debugging-pipe
(file descriptors 3 and 4, NUL-terminated JSON): no port to pick, no extra Python package.

Collects what the page logs as errors: uncaught exceptions, console.error/assert calls and the
browser's own error entries (failed loads, Content-Security-Policy violations). Every wait is
bounded."""

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time

COMMAND_TIMEOUT_SECONDS = 30


def find_chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(Exception):
    pass


class HeadlessChromium:
    def __init__(self, program, width=1400, height=2000):
        self.profile = tempfile.mkdtemp(prefix="vitrina-chromium-")
        self.width, self.height = width, height
        # The pipe ends the browser gets, numbered 10 and up so that bash can move them to 3 and 4
        # without clobbering one with the other.
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        child_read = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
        child_write = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
        os.close(to_browser_read)
        os.close(from_browser_write)
        arguments = [
            program, "--headless", "--remote-debugging-pipe", f"--user-data-dir={self.profile}",
            "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio", f"--window-size={width},{height}",
        ]
        if os.geteuid() == 0:
            arguments.append("--no-sandbox")  # chromium refuses to run as root with its sandbox
        self.log_path = os.path.join(self.profile, "chromium.log")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                ["bash", "-c", f'exec "$@" 3<&{child_read} 4>&{child_write} {child_read}<&- {child_write}>&-',
                 "chromium", *arguments],
                pass_fds=(child_read, child_write), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        os.close(child_read)
        os.close(child_write)
        self._next_id = 0
        self._answers = {}
        self._events = queue.Queue()
        self._answered = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session = None
        self.errors = []

    def _read(self):
        pending = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                with self._answered:
                    self._answers[None] = "closed"
                    self._answered.notify_all()
                return
            pending += chunk
            while b"\0" in pending:
                raw, pending = pending.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._answered:
                        self._answers[message["id"]] = message
                        self._answered.notify_all()
                else:
                    self._events.put(message)

    def send(self, method, params=None, session=True, timeout=COMMAND_TIMEOUT_SECONDS):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._answered:
            while self._next_id not in self._answers:
                if None in self._answers:
                    raise BrowserError(f"chromium closed the pipe during {method}:\n{self.log_tail()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BrowserError(f"chromium did not answer {method} within {timeout} s")
                self._answered.wait(left)
            answer = self._answers.pop(self._next_id)
        self._collect_events()
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def _collect_events(self):
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                return
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                text = details.get("exception", {}).get("description") or details.get("text", "")
                self.errors.append({"kind": "exception", "text": text, "url": details.get("url", "")})
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
                self.errors.append({"kind": "console." + params["type"], "text": text, "url": ""})
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                entry = params["entry"]
                self.errors.append({"kind": "log:" + entry.get("source", ""), "text": entry.get("text", ""),
                                    "url": entry.get("url", "")})

    def open(self, url):
        """Opens `url` in a new tab of the window's size and listens to its errors."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            self.send(domain)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False})
        self.send("Page.navigate", {"url": url})

    def evaluate(self, expression):
        """The JSON value of a JavaScript expression in the page (awaited when it is a promise)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"evaluating {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout_seconds):
        """Polls until `expression` is truthy; False when the time runs out."""
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BrowserError(f"chromium exited with {self.process.returncode}:\n{self.log_tail()}")
            if self.evaluate(expression):
                return True
            time.sleep(0.1)
        return False

    def settle(self, seconds):
        """Lets events arrive, then collects them."""
        time.sleep(seconds)
        self.evaluate("0")

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
        with open(path, "wb") as image:
            image.write(base64.b64decode(data))

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return ""

    def close(self):
        try:
            if self.process.poll() is None:
                self.send("Browser.close", session=False, timeout=5)
        except BrowserError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        self._reader.join(timeout=5)
        os.close(self._from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
