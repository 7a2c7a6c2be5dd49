"""Remake docs/img/html-report.png: the report of the committed example plan, in headless Chromium.

    .venv/bin/python -m tests.browser.screenshot [docs/img/html-report.png]

`make test-browser` runs it after the browser tests, so the picture in the docs is always the
report of examples/plan.json (the examples planned against the example sandbox world, kept
current by tests/render/test_formats_agree.py) as this version renders it.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from reconciler.planner.model import Plan
from reconciler.render.html import render_html
from tests.browser.chromium import file_url, open_page
from tests.render.worlds import EXAMPLE_PLAN

DEFAULT = Path(__file__).resolve().parents[2] / "docs" / "img" / "html-report.png"


def main(out: Path = DEFAULT) -> None:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "plan.html"
        plan = Plan.from_json(json.loads(EXAMPLE_PLAN.read_text(encoding="utf-8")))
        report.write_text(render_html(plan), encoding="utf-8")
        with open_page(width=1280, height=1700) as page:
            page.load(file_url(report))
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(page.screenshot())
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
