"""`zoomplans sandbox` as a user runs it: a subprocess that prints two lines and serves."""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parents[2]
SMALL = ROOT / "tests" / "fixtures" / "seeds" / "small.yaml"
FORM = {"grant_type": "account_credentials", "account_id": "MASTER1"}


def zoomplans(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reconciler", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def first_lines(proc: subprocess.Popen[str], count: int, timeout_s: float = 20) -> list[str]:
    """Read `count` stdout lines without hanging the suite if the server never comes up.

    Reads the raw pipe (os.read), since a buffered readline would swallow both lines at once
    and leave the selector waiting for data that already arrived.
    """
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while buffer.count(b"\n") < count:
            if not selector.select(timeout_s):
                raise AssertionError(f"no output within {timeout_s} s; got {buffer!r}")
            chunk = os.read(fd, 4096)
            if not chunk:
                raise AssertionError(f"stdout closed early after {buffer!r}")
            buffer += chunk
    return buffer.decode().splitlines()[:count]


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    proc = zoomplans("sandbox", "--port", "0", "--seed", str(SMALL))
    try:
        lines = first_lines(proc, 2)
        yield proc, dict(line.split("=", 1) for line in lines)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


def test_prints_exactly_the_two_url_lines_and_serves_a_working_token(
    served: tuple[subprocess.Popen[str], dict[str, str]],
) -> None:
    proc, env = served
    assert list(env) == ["ZOOM_API_BASE_URL", "ZOOM_OAUTH_TOKEN_URL"]
    base = env["ZOOM_API_BASE_URL"]
    assert base.startswith("http://127.0.0.1:") and base.endswith("/v2")
    assert env["ZOOM_OAUTH_TOKEN_URL"] == base[: -len("/v2")] + "/oauth/token"
    with httpx.Client(verify=False, timeout=10) as http:
        bad = http.post(env["ZOOM_OAUTH_TOKEN_URL"], auth=("demo-client", "wrong"), data=FORM)
        assert bad.status_code == 401
        no_token = http.get(f"{base}/accounts/sub_8Jk2Lm/plans")
        assert (no_token.status_code, no_token.json()["code"]) == (401, 124)
        token = http.post(
            env["ZOOM_OAUTH_TOKEN_URL"], auth=("demo-client", "demo-secret"), data=FORM
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        plans = http.get(f"{base}/accounts/sub_8Jk2Lm/plans", headers=headers)
        assert plans.status_code == 200
        assert plans.json()["plan_base"]["type"] == "business_monthly"
        log = http.get(base[: -len("/v2")] + "/_sandbox/requests").json()
        assert [r["status"] for r in log["requests"]] == [401, 401, 200, 200]
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert out == ""  # nothing after the two lines
    assert "ZOOM_CLIENT_ID=demo-client" in err
    assert "demo-secret" not in out + err  # not even the public demo secret
    assert token.json()["access_token"] not in err
    assert "Traceback" not in err


def test_sigint_stops_cleanly(served: tuple[subprocess.Popen[str], dict[str, str]]) -> None:
    proc, _env = served
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "stopped" in err
    assert "Traceback" not in err


def test_rate_limit_and_state_options(tmp_path: Path) -> None:
    state = tmp_path / "world.json"
    args = ["sandbox", "--port", "0", "--seed", str(SMALL), "--state", str(state)]
    proc = zoomplans(*args, "--rate-limit", "heavy=1", "--token-ttl", "120")
    try:
        env = dict(line.split("=", 1) for line in first_lines(proc, 2))
        with httpx.Client(verify=False, timeout=10) as http:
            token = http.post(
                env["ZOOM_OAUTH_TOKEN_URL"], auth=("demo-client", "demo-secret"), data=FORM
            )
            assert token.json()["expires_in"] == 120
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            url = f"{env['ZOOM_API_BASE_URL']}/accounts/sub_pro/plans/base"
            first = http.put(url, json={"type": "monthly", "hosts": 7}, headers=headers)
            second = http.put(url, json={"type": "monthly", "hosts": 8}, headers=headers)
        assert (first.status_code, second.status_code) == (204, 429)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    restarted = zoomplans(*args)
    try:
        env = dict(line.split("=", 1) for line in first_lines(restarted, 2))
        with httpx.Client(verify=False, timeout=10) as http:
            token = http.post(
                env["ZOOM_OAUTH_TOKEN_URL"], auth=("demo-client", "demo-secret"), data=FORM
            )
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            plans = http.get(f"{env['ZOOM_API_BASE_URL']}/accounts/sub_pro/plans", headers=headers)
        assert plans.json()["plan_base"]["hosts"] == 7
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.communicate(timeout=10)


def test_revoke_tokens_every_revokes_on_a_timer() -> None:
    proc = zoomplans("sandbox", "--port", "0", "--seed", str(SMALL), "--revoke-tokens-every", "1")
    try:
        env = dict(line.split("=", 1) for line in first_lines(proc, 2))
        url = f"{env['ZOOM_API_BASE_URL']}/accounts/sub_8Jk2Lm/plans"
        with httpx.Client(timeout=10) as http:

            def fresh_headers() -> dict[str, str]:
                token = http.post(
                    env["ZOOM_OAUTH_TOKEN_URL"], auth=("demo-client", "demo-secret"), data=FORM
                )
                return {"Authorization": f"Bearer {token.json()['access_token']}"}

            headers = fresh_headers()
            statuses = [http.get(url, headers=headers).status_code]
            deadline = time.monotonic() + 5
            while statuses[-1] == 200 and time.monotonic() < deadline:
                time.sleep(0.1)
                statuses.append(http.get(url, headers=headers).status_code)
            renewed = http.get(url, headers=fresh_headers()).status_code
        # The token worked, then stopped working within the period; a new one works again.
        assert statuses[0] == 200 or statuses == [401]
        assert statuses[-1] == 401
        assert renewed == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)


def test_read_lag_and_write_errors_from_the_command_line() -> None:
    """A write lands but is answered 503, and GET keeps showing the old seats for 30 s."""
    args = ["sandbox", "--port", "0", "--seed", str(SMALL)]
    proc = zoomplans(*args, "--read-lag", "30", "--write-error-rate", "1")
    try:
        env = dict(line.split("=", 1) for line in first_lines(proc, 2))
        with httpx.Client(verify=False, timeout=10) as http:
            token = http.post(
                env["ZOOM_OAUTH_TOKEN_URL"], auth=("demo-client", "demo-secret"), data=FORM
            )
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            plans = f"{env['ZOOM_API_BASE_URL']}/accounts/sub_pro/plans"
            put = http.put(f"{plans}/base", json={"type": "monthly", "hosts": 7}, headers=headers)
            again = http.put(
                f"{plans}/base", json={"type": "monthly", "hosts": 99}, headers=headers
            )
            seen = http.get(plans, headers=headers).json()["plan_base"]["hosts"]
            log = http.get(env["ZOOM_API_BASE_URL"][: -len("/v2")] + "/_sandbox/requests").json()
        assert (put.status_code, again.status_code, seen) == (503, 400, 5)
        writes = [r for r in log["requests"] if r["method"] == "PUT"]
        assert [(r["status"], r["applied"]) for r in writes] == [(503, True), (400, False)]
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=10)
    assert "GET answers trail writes by 30 s" in err
    assert "Traceback" not in err


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def test_a_bad_seed_is_a_located_message_and_exit_1(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("credentials: {account_id: M, client_id: c, client_secret: s}\naccounts: [x]\n")
    result = run("sandbox", "--port", "0", "--seed", str(seed))
    assert result.returncode == 1
    assert f"{seed}:2:11: 'accounts' must be a mapping" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_a_missing_seed_is_exit_1(tmp_path: Path) -> None:
    result = run("sandbox", "--port", "0", "--seed", str(tmp_path / "none.yaml"))
    assert result.returncode == 1
    assert "not found" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--host", "0.0.0.0"],
        ["--host", "example.com"],
        ["--rate-limit", "heavy=lots"],
        ["--fault-rate", "2"],
        ["--port", "-1"],
        ["--write-error-rate", "2"],
        ["--read-lag", "-1"],
        ["--read-lag", "2", "--visibility-delay-ms", "500"],
    ],
)
def test_usage_errors_exit_64(args: list[str]) -> None:
    result = run("sandbox", "--port", "0", *args) if "--port" not in args else run("sandbox", *args)
    assert result.returncode == 64
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_taken_port_is_exit_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = str(taken.getsockname()[1])
        result = run("sandbox", "--port", port, "--seed", str(SMALL))
    assert result.returncode == 1
    assert "cannot listen" in result.stderr


def test_without_seed_outside_a_checkout_serves_the_packaged_demo_seed(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "sandbox", "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = first_lines(proc, 2)
        assert lines[0].startswith("ZOOM_API_BASE_URL=http://127.0.0.1:")
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=10)
    assert "demo-seed.yaml" in err
    assert "demo-secret" not in err
