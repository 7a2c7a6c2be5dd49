"""A real headless Chromium driven over the DevTools protocol, for the HTML report's tests.

No browser download and no driver: Debian's `chromium` package and a small DevTools client over
one WebSocket (the `websockets` package), with every event kept so that a test can assert what
the page requested and what it logged. The flags are those known to work on a closed network:
without the background-networking ones Chromium itself phones Google at start, which would drown
the one fact we test (the report asks for nothing).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
)
_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")


class ChromiumMissing(RuntimeError):
    """No Chromium binary: install Debian's package (`apt-get install -y chromium`)."""


class DevToolsError(RuntimeError):
    """Chromium answered a command with an error, or did not answer in time."""


def chromium_path() -> str:
    """$CHROMIUM, else `chromium` on PATH; a clear error instead of a skipped test."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not found:
        raise ChromiumMissing("no chromium on PATH: apt-get install -y chromium")
    return found


class Page:
    """One tab, attached in flat mode: commands carry its session id, events are recorded."""

    def __init__(self, socket: ClientConnection, session_id: str) -> None:
        self._socket = socket
        self._session = session_id
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        self.url = "about:blank"

    def load(self, url: str) -> None:
        """Record network, console and log events from the start, then load `url` fully."""
        for domain in ("Network", "Runtime", "Log", "Page"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        self.url = url

    def send(self, method: str, timeout: float = 20.0, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer, recording every event seen meanwhile."""
        ident = next(self._ids)
        message = {"id": ident, "method": method, "params": params, "sessionId": self._session}
        self._socket.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DevToolsError(f"{method}: no answer in {timeout} s")
            data = json.loads(self._socket.recv(timeout=left))
            if data.get("id") == ident:
                if "error" in data:
                    raise DevToolsError(f"{method}: {data['error']}")
                return dict(data.get("result") or {})
            if "method" in data:
                self.events.append(data)

    def wait_for(self, event: str, timeout: float = 20.0) -> dict[str, Any]:
        """The first recorded or coming event named `event`."""
        for seen in self.events:
            if seen["method"] == event:
                return seen
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            data = json.loads(self._socket.recv(timeout=left))
            if "method" in data:
                self.events.append(data)
                if data["method"] == event:
                    return data
        raise DevToolsError(f"no {event} in {timeout} s")

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page (exceptions raise)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression!r} threw {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self) -> bytes:
        """A PNG of what the window shows (the top of the page)."""
        shot = self.send("Page.captureScreenshot", format="png")
        return base64.b64decode(shot["data"])


def _drain(stream: Any, lines: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):
        lines.put(line)


@contextmanager
def open_page(width: int = 1280, height: int = 900) -> Iterator[Page]:
    """A fresh Chromium (empty profile) with one blank tab; killed and cleaned up after."""
    profile = tempfile.mkdtemp(prefix="zoomplans-chromium-")
    process = subprocess.Popen(
        [chromium_path(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_drain, args=(process.stderr, lines), daemon=True).start()
    try:
        endpoint = _endpoint(lines, process)
        with connect(endpoint, max_size=64 * 2**20, open_timeout=20) as socket:
            target = _browser_call(socket, "Target.createTarget", url="about:blank")
            attached = _browser_call(
                socket, "Target.attachToTarget", targetId=target["targetId"], flatten=True
            )
            yield Page(socket, attached["sessionId"])
    finally:
        process.kill()
        process.wait(timeout=20)
        shutil.rmtree(profile, ignore_errors=True)


def _endpoint(lines: queue.Queue[str], process: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + 30
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        found = _LISTENING.search(line)
        if found:
            return found.group(1)
    raise DevToolsError(f"chromium did not open its DevTools port (exit code {process.poll()})")


_browser_ids = itertools.count(1_000_000)


def _browser_call(socket: ClientConnection, method: str, **params: Any) -> dict[str, Any]:
    ident = next(_browser_ids)
    socket.send(json.dumps({"id": ident, "method": method, "params": params}))
    deadline = time.monotonic() + 20
    while (left := deadline - time.monotonic()) > 0:
        data = json.loads(socket.recv(timeout=left))
        if data.get("id") == ident:
            if "error" in data:
                raise DevToolsError(f"{method}: {data['error']}")
            return dict(data.get("result") or {})
    raise DevToolsError(f"{method}: no answer")


def file_url(path: Path) -> str:
    return path.resolve().as_uri()
