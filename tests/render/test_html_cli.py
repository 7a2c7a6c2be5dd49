"""`zoomplans plan --html FILE` and `--format html` end to end, against the sandbox on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ACME = """\
account_id: sub_8Jk2Lm
name: "Acme <EMEA> & Co"
plans:
  plan_base: {type: business_monthly, hosts: 25}
  plan_zoom_rooms: {type: zroom_monthly, hosts: 2}
  plan_webinar:
    - {type: webinar500_monthly, hosts: 3}
    - {type: webinar1000_monthly, state: cancelled}
  plan_recording: cmr_monthly_commitment_40
  plan_audio: {type: tollfree_payongo, tollfree_countries: [CA, US], callout_countries: US}
"""


def plan(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    full.update(env)
    full["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "reconciler", "plan", *args],
        capture_output=True,
        text=True,
        env=full,
        cwd=cwd,
        check=False,
        timeout=60,
    )


def test_html_file_beside_json_on_stdout(sandbox: Any, tmp_path: Path) -> None:
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "acme.yaml").write_text(ACME)
    sb = sandbox()
    report = tmp_path / "out" / "plan.html"
    result = plan(["--format", "json", "--html", str(report)], sb.env(), tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # stdout stays what --format asks for
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<td>Acme &lt;EMEA&gt; &amp; Co</td>" in html
    assert f'<code id="desired_sha256">{data["desired_sha256"]}</code>' in html
    assert "<li>plan_base business_monthly: hosts 20 -&gt; 25</li>" in html
    assert ">Base plan</text>" in html and "+5 seat(s)" in html  # the seat chart
    assert sb.env()["ZOOM_CLIENT_SECRET"] not in html
    assert list(report.parent.glob(".plan.html.*")) == []  # no temporary file left behind

    as_html = plan(["--format", "html"], sb.env(), tmp_path)
    assert as_html.returncode == 0, as_html.stderr
    assert as_html.stdout.startswith("<!DOCTYPE html>") and "sub_8Jk2Lm" in as_html.stdout


def test_a_report_that_cannot_be_written_is_a_clear_error(sandbox: Any, tmp_path: Path) -> None:
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "acme.yaml").write_text(ACME)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = plan(["--html", str(blocker / "plan.html")], sandbox().env(), tmp_path)
    assert result.returncode == 1
    assert "zoomplans: error: cannot write the HTML report" in result.stderr
    assert "Traceback" not in result.stderr
