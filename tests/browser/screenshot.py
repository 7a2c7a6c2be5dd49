"""Remake docs/img/html-report.png: the top of a 300-account plan's report, in headless Chromium.

    .venv/bin/python -m tests.browser.screenshot [docs/img/html-report.png]

The same plan and the same browser as the browser test, so the picture in the README is what a
reviewer gets.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from reconciler.render.html import render_html
from tests.browser.chromium import file_url, open_page
from tests.report_plan import report_plan

DEFAULT = Path(__file__).resolve().parents[2] / "docs" / "img" / "html-report.png"


def main(out: Path = DEFAULT) -> None:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "plan.html"
        report.write_text(render_html(report_plan(300)), encoding="utf-8")
        with open_page(width=1280, height=1150) as page:
            page.load(file_url(report))
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(page.screenshot())
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
