"""The manual's structure, checked without MkDocs (`make docs` builds the site; this runs in
`make test`): the site's nav lists every page, and every relative link in README.md and docs/
reaches a file that exists and, for a page, a heading that exists, as GitHub and the site agree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
MANUAL_FILES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} +(.+?) *#*$")
FENCE = re.compile(r"^\s*(```|~~~)")


class MkDocsConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its `!!python/...` tags (the slug function)."""


MkDocsConfigLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/", lambda loader, suffix, node: None
)


def nav_pages(entries: list[Any]) -> list[str]:
    pages: list[str] = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages.extend(nav_pages(value) if isinstance(value, list) else [value])
    return pages


def prose_lines(path: Path) -> list[str]:
    """The lines outside fenced code blocks, with inline code spans blanked."""
    lines, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(re.sub(r"`[^`]*`", "``", line))
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading; mkdocs.yml makes the site use the same (pymdownx slugs)."""
    text = re.sub(r"<[^>]+>", "", heading.replace("`", "")).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    fenced, found = False, set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := HEADING.match(line)):
            found.add(slug(match.group(1)))
    return found


def relative_links(path: Path) -> list[str]:
    return [
        target
        for line in prose_lines(path)
        for target in LINK.findall(line)
        if not re.match(r"[a-z][a-z0-9+.-]*:", target)
    ]


def test_the_nav_lists_every_page_once_and_only_pages_that_exist() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), MkDocsConfigLoader)
    pages = nav_pages(config["nav"])
    assert sorted(pages) == sorted(p.name for p in DOCS.glob("*.md"))
    assert len(pages) == len(set(pages))
    assert pages[0] == "index.md"


def test_the_readme_is_a_landing_page_under_300_lines() -> None:
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) < 300


@pytest.mark.parametrize("path", MANUAL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(path: Path) -> None:
    broken = []
    for target in relative_links(path):
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.is_relative_to(ROOT) or not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target}: no heading with that anchor")
    assert broken == []


def test_the_link_check_sees_links_and_finds_a_broken_one(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# A `title`: here\n\n[ok](#a-title-here) [gone](#nowhere) [file](missing.md)\n"
        "`[not a link](code.md)`\n```\n[fenced](fenced.md)\n```\n[web](https://example.com)\n",
        encoding="utf-8",
    )
    assert relative_links(page) == ["#a-title-here", "#nowhere", "missing.md"]
    assert anchors(page) == {"a-title-here"}
