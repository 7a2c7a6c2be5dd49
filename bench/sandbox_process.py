"""`zoomplans sandbox` as a separate process, for benchmarks.

In one process the client and the fake Zoom share the GIL: the sandbox's work (routing, JSON,
the request log) delays the client's paced wake-ups, which made planning about 1 s slower per
1,000 accounts. Zoom is another machine, so the benchmark gives the sandbox its own process,
waits for the two lines it prints once it accepts connections, and reads its request log over
HTTP (`/_sandbox/requests`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.request import urlopen

from machine import user_env

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60.0


class SandboxDidNotStart(RuntimeError):
    """The sandbox process exited or printed nothing in time; the message holds its stderr."""


class SandboxProcess:
    """Start with a seed file and options; stop on exit. `env` is what a CLI child needs."""

    def __init__(
        self,
        seed_file: Path,
        *,
        latency_ms: int,
        rate_limit: str,
        log_dir: Path,
        revoke_every_s: float = 0.0,
    ) -> None:
        self.seed_file = seed_file
        self.options = ["--latency-ms", str(latency_ms), "--rate-limit", rate_limit]
        if revoke_every_s:
            self.options += ["--revoke-tokens-every", str(revoke_every_s)]
        self.log_path = log_dir / f"sandbox-{os.getpid()}-{time.monotonic_ns()}.log"
        self.env: dict[str, str] = {}
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> SandboxProcess:
        command = [sys.executable, "-m", "reconciler", "sandbox", "--port", "0"]
        command += ["--seed", str(self.seed_file), *self.options]
        with self.log_path.open("w") as stderr:
            self._process = subprocess.Popen(
                command, cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True
            )
        assert self._process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while len(self.env) < 2:
            line = self._process.stdout.readline()
            if not line or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise SandboxDidNotStart(self.log_path.read_text()[-2000:])
            key, _, value = line.strip().partition("=")
            self.env[key] = value
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    @property
    def origin(self) -> str:
        return self.env["ZOOM_API_BASE_URL"].removesuffix("/v2")

    def requests(self) -> list[dict[str, Any]]:
        """The sandbox's request log: one dict per request (method, path, status, label...)."""
        with urlopen(f"{self.origin}/_sandbox/requests", timeout=30) as answer:
            return list(json.load(answer)["requests"])

    def client_env(self, credentials: dict[str, str]) -> dict[str, str]:
        """Environment for a `zoomplans` child process pointed at this sandbox."""
        env = {k: v for k, v in user_env().items() if not k.startswith("ZOOM_")}
        env.update(self.env)
        env["ZOOM_ACCOUNT_ID"] = credentials["account_id"]
        env["ZOOM_CLIENT_ID"] = credentials["client_id"]
        env["ZOOM_CLIENT_SECRET"] = credentials["client_secret"]
        return env


def request_figures(requests: list[dict[str, Any]]) -> dict[str, int]:
    """What a phase's slice of the request log says: requests, 401s, token requests, 429s."""
    return {
        "requests": len(requests),
        "sandbox_401": sum(1 for r in requests if r["status"] == 401),
        "token_requests": sum(1 for r in requests if r["path"].endswith("/oauth/token")),
        "sandbox_429": sum(1 for r in requests if r["status"] == 429),
    }


def wall_figures(count: int, wall: float, bound: float) -> dict[str, Any]:
    """A timed phase of ``count`` accounts beside its rate-limit bound."""
    return {
        "accounts": count,
        "wall_s": round(wall, 2),
        "bound_s": round(bound, 2),
        "over_bound": round(wall / bound - 1, 3),
    }
