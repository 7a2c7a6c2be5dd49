"""Start only what a command uses (issue 19): the CLI's commands load lazily.

`import reconciler.cli`, `zoomplans --version` and the --help of `validate` and `plan` must not
import the sandbox's server stack, the apply package or (for the first two) httpx; the group's
--help and completion list every command from the registry's short help, which must stay the
command's own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest

from reconciler.cli import COMMANDS, cli
from reconciler.cli.journal_options import DEFAULT_JOURNAL_FILE

SERVER_STACK = ("uvicorn", "starlette")
APPLY = "reconciler.apply"


def modules_after(*argv: str) -> set[str]:
    """The modules a fresh interpreter holds after `zoomplans ARGV` (or only the import)."""
    code = (
        "import json, sys\n"
        "from reconciler.cli import main\n"
        f"argv = {list(argv)!r}\n"
        "if argv:\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write(json.dumps(sorted(k for k, v in sys.modules.items() if v)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(done.stderr))


def heavy(modules: set[str], *prefixes: str) -> set[str]:
    return {m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes)}


def test_importing_the_cli_loads_no_command() -> None:
    modules = modules_after()
    assert heavy(modules, *SERVER_STACK, APPLY, "httpx", "jsonschema", "yaml") == set()
    assert not heavy(modules, "reconciler.cli.plan", "reconciler.cli.sandbox")


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        (("--version",), (*SERVER_STACK, APPLY, "httpx", "jsonschema")),
        (("--help",), (*SERVER_STACK, APPLY, "httpx", "jsonschema")),
        (("validate", "--help"), (*SERVER_STACK, APPLY, "httpx", "jsonschema", "yaml")),
        (("plan", "--help"), (*SERVER_STACK, APPLY)),
        (("prices", "--help"), (*SERVER_STACK, APPLY, "httpx", "jsonschema", "yaml")),
    ],
)
def test_a_command_loads_only_what_it_uses(argv: tuple[str, ...], absent: tuple[str, ...]) -> None:
    assert heavy(modules_after(*argv), *absent) == set()


def test_validating_loads_no_client_planner_or_apply() -> None:
    """`validate` itself (not only its --help) reads files: no HTTP client, planner or apply."""
    accounts = str(Path(__file__).resolve().parents[1] / "examples" / "accounts")
    modules = modules_after("validate", accounts)
    assert "reconciler.desired.loader" in modules  # it did validate
    absent = (*SERVER_STACK, APPLY, "httpx", "deepdiff", "reconciler.planner")
    assert heavy(modules, *absent) == set()
    # Valid files are accepted by the compiled schemas alone (reconciler/desired/schema_fast_path)
    assert heavy(modules, "jsonschema", "referencing") == set()


def test_the_http_client_leaves_httpx_s_command_line_tool_out() -> None:
    """httpx imports its CLI (rich, pygments) when they are installed: 0.07-0.1 s for nothing."""
    code = (
        "import json, sys, reconciler.zoom.client\n"
        "print(json.dumps(sorted(k for k, v in sys.modules.items() if v)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    modules = set(json.loads(done.stdout))
    assert "httpx" in modules
    assert heavy(modules, "rich", "pygments", "httpx._main") == set()


def test_the_client_module_imports_what_httpx_s_first_request_needs() -> None:
    """httpcore and anyio's asyncio backend come with `reconciler.zoom.client`, not at the first
    request, when `plan`'s loading thread would share the GIL with them (0.03-0.05 s)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    code = (
        "import asyncio, json, sys\n"
        "import httpx, reconciler.zoom.client\n"
        "before = set(sys.modules)\n"
        "async def first():\n"
        "    async with httpx.AsyncClient(verify=False) as http:\n"
        "        try:\n"
        f"            await http.get({dead!r})\n"
        "        except httpx.TransportError:\n"
        "            pass\n"
        "asyncio.run(first())\n"
        "new = set(sys.modules) - before\n"
        "print(json.dumps(sorted(m for m in new if m.split('.')[0] in ('anyio', 'httpcore'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(done.stdout) == []


def test_each_registry_line_is_the_command_s_own_short_help() -> None:
    for name, entry in COMMANDS.items():
        command = entry.load()
        assert command.name == name
        assert entry.short_help == command.get_short_help_str(limit=10_000), name


def test_the_group_help_lists_every_command_as_the_commands_would() -> None:
    ctx = click.Context(cli, info_name="zoomplans")
    text = cli.get_help(ctx)
    limit = ctx.make_formatter().width - 6 - max(len(name) for name in COMMANDS)
    for name, entry in COMMANDS.items():
        assert f"  {name} " in text
        assert entry.short_help_str(limit) == entry.load().get_short_help_str(limit)
    assert cli.list_commands(ctx) == sorted(COMMANDS)


def test_completion_offers_every_command_with_its_line() -> None:
    ctx = click.Context(cli, info_name="zoomplans")
    items = {item.value: item.help for item in cli.shell_complete(ctx, "")}
    for name, entry in COMMANDS.items():
        assert items[name] == entry.load().get_short_help_str(45)
    assert "--version" in {item.value for item in cli.shell_complete(ctx, "--")}


def test_plan_s_journal_default_is_apply_s() -> None:
    from reconciler.apply.journal import DEFAULT_JOURNAL_PATH

    assert str(DEFAULT_JOURNAL_PATH) == DEFAULT_JOURNAL_FILE


def test_version_is_the_installed_release_without_package_metadata() -> None:
    """`--version` reads setuptools-scm's version file: the same release the metadata holds."""
    import platform
    from importlib.metadata import version

    from reconciler.cli import release

    assert release() == version("zoom-plan-reconciler")
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout == f"zoomplans {release()} (Python {platform.python_version()})\n"
    code = "import sys\nfrom reconciler.cli import main\ntry:\n    main(['--version'])\n"
    code += "except SystemExit:\n    pass\nprint('importlib.metadata' in sys.modules)\n"
    quiet = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert quiet.stdout.strip().endswith("False")


def test_the_program_skips_the_last_full_collection_at_exit() -> None:
    """`zoomplans` (console script and `python -m reconciler`) freezes the collector before the
    interpreter exits: its last full collection costs 50-80 ms after a large plan."""
    entry = tomllib.loads(Path("pyproject.toml").read_text())["project"]["scripts"]["zoomplans"]
    assert entry == "reconciler.cli:run"
    code = "import atexit, gc, runpy, sys\n"
    code += "atexit.register(lambda: print('frozen:', gc.get_freeze_count() > 0))\n"
    code += "sys.argv = ['zoomplans', '--version']\n"
    code += "runpy.run_module('reconciler', run_name='__main__')\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "frozen: True"
