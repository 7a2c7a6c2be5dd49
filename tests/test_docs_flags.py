"""Docs that cannot drift (issue 20): every flag a command's page names in its usage block or
flag table exists in that command's real `--help`, every flag in `--help` is on its page, and
every `--help` ends with two or three examples (whose flags exist) and the link to that page.

The page of `zoomplans NAME` (and of NAME's subcommands, for a group) is docs/NAME.md. The help
is read as a user sees it: `zoomplans ... --help` through the CLI's entry point, in process.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import click
import pytest

from reconciler.cli import cli, main
from reconciler.cli.epilogs import MANUAL

DOCS = Path(__file__).resolve().parents[1] / "docs"
FLAG = re.compile(r"--[a-z][a-z0-9-]*")
#: On every command and documented once for all in verbose-output.md (and `[-v]` in each usage).
EVERYWHERE = {"--help", "--verbose"}


def _leaves(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every runnable command's path: `("plan",)`, or `("journal", "show")` under a group."""
    found: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found.extend(_leaves(command, (*path, name)))
        else:
            found.append((*path, name))
    return found


COMMANDS = _leaves(cli)


def help_text(path: tuple[str, ...]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as done:
        main([*path, "--help"])
    assert done.value.code == 0
    return out.getvalue()


def help_flags(text: str) -> set[str]:
    """The flags of the `Options:` section: each option's first column (`-a, --all / --none`)."""
    flags: set[str] = set()
    options = text.split("\nOptions:\n", 1)[1]
    for line in options.splitlines():
        if line and not line.startswith(" "):
            break  # the next section, or the epilog
        if re.match(r"^ {1,4}-", line):
            flags |= set(FLAG.findall(re.split(r"\s{2,}", line.strip())[0]))
    return flags - EVERYWHERE


def help_examples(text: str) -> tuple[list[str], str]:
    """The epilog's example lines and its last line."""
    parts = re.split(r"\n *Examples:\n", text, maxsplit=1)
    epilog = parts[1] if len(parts) == 2 else ""
    examples = [line.strip() for line in epilog.split("\n\n", 1)[0].splitlines()]
    last = text.rstrip("\n").splitlines()[-1].strip()
    return examples, last


def page_flags(page: Path, name: str) -> set[str]:
    """Flags in the page's usage block (a fenced block from `zoomplans [-v] NAME` on) and in
    its flag tables (rows whose first cell starts with `-`)."""
    flags: set[str] = set()
    fenced = usage = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced, usage = not fenced, False
            continue
        if fenced:
            usage = usage or bool(re.match(rf"^zoomplans (\[-v\] )?{re.escape(name)}\b", line))
            if usage:
                flags |= set(FLAG.findall(line))
        elif line.startswith("| `-"):
            flags |= set(FLAG.findall(line.split("|")[1]))
    return flags - EVERYWHERE


def _page(path: tuple[str, ...]) -> Path:
    return DOCS / f"{path[0]}.md"


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_flag_in_help_is_on_the_commands_page(path: tuple[str, ...]) -> None:
    page = _page(path)
    assert page.is_file(), f"zoomplans {' '.join(path)} has no page {page.name} in docs/"
    missing = help_flags(help_text(path)) - page_flags(page, path[0])
    assert not missing, f"{page.name}: add {sorted(missing)} to its usage block or flag table"


@pytest.mark.parametrize("name", sorted({path[0] for path in COMMANDS}))
def test_every_flag_a_page_names_exists_in_help(name: str) -> None:
    known = set().union(*(help_flags(help_text(p)) for p in COMMANDS if p[0] == name))
    unknown = page_flags(DOCS / f"{name}.md", name) - known
    assert not unknown, f"{name}.md names {sorted(unknown)}, which `zoomplans {name}` lacks"


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_help_ends_with_examples_and_the_manual_link(path: tuple[str, ...]) -> None:
    text = help_text(path)
    examples, last = help_examples(text)
    assert 2 <= len(examples) <= 3, text
    command = "zoomplans " + " ".join(path)
    flags = help_flags(text)
    for example in examples:
        assert command in example, example
        assert set(FLAG.findall(example)) <= flags, example  # examples cannot drift either
    assert last == f"Manual: {MANUAL}{_page(path).name}"


def test_the_flag_reader_sees_a_missing_flag() -> None:
    """The checks above compare real sets: a page without a flag's row is caught."""
    flags = help_flags(help_text(("plan",)))
    assert {"--out", "--timeout", "--extends-root", "--detailed-exitcode"} <= flags
    assert "--out" not in page_flags(DOCS / "validate.md", "validate")
