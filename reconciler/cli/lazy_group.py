"""A click group whose commands are imported only when one is run or its --help is shown.

Starting `zoomplans` used to import every command's module, and with them the sandbox's server
stack, the apply machinery, httpx and jsonschema: 0.7 s before `--version` could answer. Here a
command is a `LazyCommand` (module, attribute, short help) until click asks for it by name, so
`zoomplans --version` imports click and nothing of ours, and `zoomplans validate` imports only
what validating needs. The group's own `--help` and shell completion list every command from the
short help kept in the registry, without importing any of them; a test keeps that text equal to
each command's own.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass

import click
from click.formatting import HelpFormatter
from click.shell_completion import CompletionItem


class LazyCommandError(Exception):
    """A registry entry names a module attribute that is not a click command (a packaging bug)."""


@dataclass(frozen=True)
class LazyCommand:
    """Where a command lives and the one line the group's --help shows for it."""

    module: str
    attribute: str
    short_help: str

    def short_help_str(self, limit: int) -> str:
        """The line as click shortens a command's help to ``limit`` characters (its public API:
        a bare command with this help, so the result is what the loaded command would show)."""
        return click.Command(None, help=self.short_help).get_short_help_str(limit)

    def load(self) -> click.Command:
        """Import the command's module (and only then its dependencies) and return the command."""
        found = getattr(importlib.import_module(self.module), self.attribute)
        if not isinstance(found, click.Command):
            raise LazyCommandError(f"{self.module}.{self.attribute} is not a click command")
        return found


class LazyCommands(MutableMapping[str, click.Command]):
    """`Group.commands` that imports an entry the first time it is looked up.

    Names and order come from the registry, so listing and sorting never import; click's
    `add_command` still works (an added command is simply loaded already).
    """

    def __init__(self, registry: Mapping[str, LazyCommand]) -> None:
        self._registry = dict(registry)
        self._loaded: dict[str, click.Command] = {}

    def entry(self, name: str) -> LazyCommand | None:
        """The registry entry of a command not loaded yet, else None."""
        return None if name in self._loaded else self._registry.get(name)

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            self._loaded[name] = self._registry[name].load()
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self._loaded and name not in self._registry:
            raise KeyError(name)
        self._loaded.pop(name, None)
        self._registry.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._registry, *self._loaded]))

    def __len__(self) -> int:
        return len(self._registry.keys() | self._loaded.keys())

    def __contains__(self, name: object) -> bool:
        return name in self._registry or name in self._loaded


class LazyGroup(click.Group):
    """A group over a registry of `LazyCommand`s: help and completion list, only running loads."""

    def __init__(
        self, *args: object, registry: Mapping[str, LazyCommand], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.commands: MutableMapping[str, click.Command] = LazyCommands(registry)  # type: ignore[assignment]

    def _short_help(self, name: str, limit: int) -> str | None:
        """The command's one line, from the registry when it is not loaded; None when hidden."""
        lazy = self.commands.entry(name) if isinstance(self.commands, LazyCommands) else None
        if lazy is not None:
            return lazy.short_help_str(limit)
        command = self.commands.get(name)
        if command is None or command.hidden:
            return None
        return command.get_short_help_str(limit)

    def format_commands(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        """click's Commands section, written from the registry (no command module imported)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (name, text) for name in names if (text := self._short_help(name, limit)) is not None
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        """Command names with their one line (from the registry), then the group's options."""
        results = [
            CompletionItem(name, help=text)
            for name in self.list_commands(ctx)
            if name.startswith(incomplete) and (text := self._short_help(name, 45)) is not None
        ]
        results.extend(click.Command.shell_complete(self, ctx, incomplete))
        return results
