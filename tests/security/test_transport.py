"""Transport rules of every command that talks to Zoom, run as a user runs them (subprocess).

- plain http only to loopback IP literals and exactly `localhost`;
- a URL that cannot be parsed is a configuration error: one line, exit 1, no traceback;
- a token endpoint that keeps failing stops the whole run after its own retries, not once per
  account (measured on a real loopback server that counts the token requests it got);
- `-v` shows the traceback of an internal error, and only `-v` does.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.zoom.auth import TOKEN_FETCH_ATTEMPTS

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = str(ROOT / "tests" / "apply" / "fixtures" / "accounts")
CREDENTIALS = {"ZOOM_ACCOUNT_ID": "M1", "ZOOM_CLIENT_ID": "c1", "ZOOM_CLIENT_SECRET": "s1-audit"}
COMMANDS = {
    "plan": ("plan", ACCOUNTS),
    "apply": ("apply", ACCOUNTS, "--auto-approve"),
    "import": ("import", "--out", "imported"),
}


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("zoomplans")]


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FailingTokenEndpoint:
    """A loopback server whose /oauth/token always answers 503; counts the requests."""

    def __init__(self) -> None:
        self.token_requests = 0
        self.api_requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                if self.path.startswith("/oauth/token"):
                    owner.token_requests += 1
                else:
                    owner.api_requests += 1
                body = b'{"reason": "Service temporarily unavailable", "error": "server_error"}'
                self.send_response(503)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

            def log_message(self, *_args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def failing_token_endpoint() -> Iterator[FailingTokenEndpoint]:
    endpoint = FailingTokenEndpoint()
    thread = threading.Thread(target=endpoint.server.serve_forever, daemon=True)
    thread.start()
    yield endpoint
    endpoint.server.shutdown()
    endpoint.server.server_close()
    thread.join()


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    "url",
    ["http://zoom.localhost:9000/v2", "http://localhost.evil.example/v2", "http://[::2]/v2"],
)
def test_plain_http_to_a_name_under_localhost_is_refused(
    command: str, url: str, tmp_path: Path, zoomplans
) -> None:
    done = zoomplans(
        *COMMANDS[command], env={**CREDENTIALS, "ZOOM_API_BASE_URL": url}, cwd=tmp_path
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert url in done.stderr
    assert "uses plain http; https is required" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://[::1", "is not a valid URL (Invalid IPv6 URL)"),
        ("https://api.zoom.us:port/v2", "is not a valid URL (Port could not be cast"),
        ("https://api.zoom.us /v2", "is not a valid URL (it contains spaces"),
    ],
)
def test_a_malformed_url_is_one_configuration_line(
    command: str, url: str, problem: str, tmp_path: Path, zoomplans
) -> None:
    done = zoomplans(
        "-v", *COMMANDS[command], env={**CREDENTIALS, "ZOOM_API_BASE_URL": url}, cwd=tmp_path
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = error_lines(done.stderr)
    assert len(lines) == 1, done.stderr
    assert f"ZOOM_API_BASE_URL {url!r} {problem}" in lines[0]
    assert "internal error" not in done.stderr
    assert "Traceback" not in done.stderr


def test_a_url_with_a_password_is_refused_without_quoting_it(tmp_path: Path, zoomplans) -> None:
    url = "https://admin:hunter2-secret@api.zoom.us/v2"
    done = zoomplans(*COMMANDS["plan"], env={**CREDENTIALS, "ZOOM_API_BASE_URL": url})
    assert done.returncode == 1
    assert "ZOOM_API_BASE_URL must not carry a user name or password" in done.stderr
    assert "hunter2" not in done.stdout + done.stderr


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_failing_token_endpoint_stops_the_run_once(
    command: str, failing_token_endpoint: FailingTokenEndpoint, tmp_path: Path, zoomplans
) -> None:
    env = {
        **CREDENTIALS,
        "ZOOM_API_BASE_URL": f"{failing_token_endpoint.origin}/v2",
        "ZOOM_OAUTH_TOKEN_URL": f"{failing_token_endpoint.origin}/oauth/token",
    }
    done = zoomplans(*COMMANDS[command], env=env, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    # Four accounts in the files, but one token request per attempt: the run stopped at once.
    assert failing_token_endpoint.token_requests == TOKEN_FETCH_ATTEMPTS
    assert failing_token_endpoint.api_requests == 0
    lines = error_lines(done.stderr)
    assert len(lines) == 1, done.stderr
    assert "cannot get an access token from the Zoom OAuth endpoint" in lines[0]
    assert f"gave up after {TOKEN_FETCH_ATTEMPTS} attempts (HTTP 503)" in lines[0]
    assert "Traceback" not in done.stderr
    assert "s1-audit" not in done.stdout + done.stderr


def test_apply_of_a_saved_plan_stops_at_once_when_the_token_endpoint_fails(
    sandbox, failing_token_endpoint: FailingTokenEndpoint, tmp_path: Path, zoomplans
) -> None:
    """`apply --plan` plans again from a fresh read, before sending anything, the accounts its
    file's own snapshots cannot prove (here the 2 of 4 without calls: the other 2 are proved
    offline, service/offline_proof.py): the first read needs a token, the endpoint is asked 4
    times, and the run stops with nothing sent."""
    sb = sandbox(seed=ROOT / "tests" / "apply" / "fixtures" / "seed.yaml")
    planned = zoomplans("plan", ACCOUNTS, "--out", "plan.json", env=sb.env(), cwd=tmp_path)
    assert (tmp_path / "plan.json").exists(), planned.stderr
    env = {**sb.env(), "ZOOM_OAUTH_TOKEN_URL": f"{failing_token_endpoint.origin}/oauth/token"}
    done = zoomplans(
        "apply",
        "--plan",
        "plan.json",
        ACCOUNTS,
        "--journal",
        "journal.jsonl",
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert failing_token_endpoint.token_requests == TOKEN_FETCH_ATTEMPTS
    assert "read no account's live plans (of 2): cannot get an access token" in done.stderr
    assert done.stderr.rstrip().endswith("nothing was sent")
    assert sb.writes() == []
    assert "Traceback" not in done.stderr


def test_an_unreachable_token_endpoint_stops_the_plan_once(tmp_path: Path, zoomplans) -> None:
    port = closed_port()
    env = {
        **CREDENTIALS,
        "ZOOM_API_BASE_URL": f"http://127.0.0.1:{port}/v2",
        "ZOOM_OAUTH_TOKEN_URL": f"http://127.0.0.1:{port}/oauth/token",
    }
    done = zoomplans(*COMMANDS["plan"], env=env, cwd=tmp_path)
    assert done.returncode == 1
    lines = error_lines(done.stderr)
    assert len(lines) == 1, done.stderr
    assert "unreachable (ConnectError)" in lines[0]
    assert done.stderr.count("cannot get an access token") == 1


@pytest.fixture
def root_logging() -> Iterator[None]:
    """`-v` reconfigures the root logger; put it back for the tests that follow."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def broken_loader(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("a bug in the loader")


@pytest.mark.parametrize("verbose", [True, False])
def test_verbose_shows_the_traceback_of_an_internal_error(
    verbose: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], root_logging
) -> None:
    # validate imports the loader when it runs (so its --help stays quick): patch its home.
    monkeypatch.setattr("reconciler.desired.load_desired", broken_loader)
    args = ["-v", "validate", ACCOUNTS] if verbose else ["validate", ACCOUNTS]
    with pytest.raises(SystemExit) as ended:
        main(args)
    assert ended.value.code == 1
    stderr = capsys.readouterr().err
    assert "zoomplans: internal error: RuntimeError: a bug in the loader" in stderr
    if verbose:
        assert "Traceback (most recent call last)" in stderr
        assert 'raise RuntimeError("a bug in the loader")' in stderr
    else:
        assert "Traceback" not in stderr
        assert "run with -v to see its traceback" in stderr
