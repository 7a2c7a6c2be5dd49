"""The plan header's provenance lines in text, Markdown and HTML: present, and inert."""

from __future__ import annotations

from datetime import UTC, datetime

from reconciler.planner.header import GitState, Setting
from reconciler.planner.model import Plan
from reconciler.render.html import render_html
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text

HOSTILE = "p`</summary>\n\n# forged<script>alert(1)</script>.yaml"


def plan() -> Plan:
    now = datetime(2026, 12, 7, tzinfo=UTC)
    base = Plan(created_at=now, expires_at=now, git_commit="c" * 40, desired_sha256="0" * 64)
    settings = (Setting(name="prices", value=HOSTILE, origin="zoomplans.yaml:2"),)
    return base.with_provenance(GitState("c" * 40, True, ("accounts/a.yaml",)), settings)


def test_text_puts_the_dirty_tree_first_and_each_setting_on_one_line() -> None:
    lines = render_text(plan()).splitlines()
    assert lines[0] == (
        "! Made from uncommitted changes: 1 file(s) read differ from git commit cccccccccccc "
        "or are untracked: accounts/a.yaml"
    )
    assert lines[1] == (
        "  setting prices = p`</summary>\\x0a\\x0a# forged<script>alert(1)</script>.yaml "
        "(from zoomplans.yaml:2)"
    )


def test_markdown_keeps_a_hostile_value_inside_one_code_span() -> None:
    text = render_markdown(plan())
    assert "> [!WARNING]\n> **Made from uncommitted changes:** `1 file(s)" in text
    (line,) = [row for row in text.splitlines() if "setting prices" in row]
    assert line == (
        "- `setting prices = p'</summary>\\x0a\\x0a# forged<script>alert(1)</script>.yaml "
        "(from zoomplans.yaml:2)`"
    )
    assert "\n# forged" not in text


def test_html_escapes_every_header_line() -> None:
    html = render_html(plan())
    assert '<p class="dirty" id="git-dirty">' in html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
