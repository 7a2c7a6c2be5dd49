"""The manual (README.md, the landing page, and docs/*.md) must match the code and the last
benchmark run: a flag it names must exist, every option must be in it, its figures are measured."""

from __future__ import annotations

import json
import re
from pathlib import Path

from reconciler.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
MANUAL = "\n".join([README, *(page.read_text() for page in sorted((ROOT / "docs").glob("*.md")))])
# Flags of the benchmark scripts, which the manual shows next to `make bench`.
BENCH_FLAGS = {
    "--accounts",
    "--sandbox",
    "--skip-sequential",
    "--cpu-accounts",
    "--out",
    "--case",
    "--trace",
    "--runs",  # bench/startup.py, bench/first_request.py
    "--profile",  # bench/first_request.py
}
# Flags of other tools: pytest's, which docs/CONTRIBUTING.md names.
OTHER_TOOLS_FLAGS = {
    "--import-mode",
    # pip's and git's, which docs/install.md shows
    "--require-hashes",
    "--no-deps",
    "--depth",
    "--branch",
    # schemathesis, as docs/sandbox.md quotes its run against Zoom's document
    "--url",
    "--include-path-regex",
    "--checks",
    "--max-examples",
}


def cli_options() -> dict[str, set[str]]:
    """Every long option, per command; `--help` and `--version` are click's own."""
    options = {"": {o for p in cli.params for o in p.opts if o.startswith("--")} - {"--version"}}
    for name, command in cli.commands.items():
        options[name] = {o for p in command.params for o in p.opts if o.startswith("--")}
        for sub, inner in getattr(command, "commands", {}).items():  # a group: `journal list`
            options[f"{name} {sub}"] = {
                o for p in inner.params for o in [*p.opts, *p.secondary_opts] if o.startswith("--")
            }
    return options


def manual_flags() -> set[str]:
    return set(re.findall(r"(?<![\w.-])(--[a-z][a-z0-9-]+)(?![\w])", MANUAL))


def test_every_flag_the_manual_names_exists() -> None:
    known = (
        set().union(*cli_options().values())
        | BENCH_FLAGS
        | OTHER_TOOLS_FLAGS
        | {"--help", "--version"}
    )
    assert manual_flags() - known == set()


def test_every_option_of_every_command_is_documented() -> None:
    undocumented = {name: sorted(flags - manual_flags()) for name, flags in cli_options().items()}
    assert {name: flags for name, flags in undocumented.items() if flags} == {}


def test_the_performance_table_is_the_committed_benchmark_run() -> None:
    results = json.loads((ROOT / "bench" / "results.json").read_text())
    performance = (ROOT / "docs" / "performance.md").read_text()
    assert results["table"] in performance
    assert results["machine"]["date"] in performance


def test_the_landing_page_gives_the_two_setup_commands() -> None:
    assert "make demo" in README
    assert "make test" in README
