"""YAML composed with a bound on nesting depth, before Python's recursion limit is near.

Deeply nested input would make PyYAML's composer (and libyaml's, in C) recurse without limit;
counting levels is its own job, apart from turning the composed nodes into checked data
(`reader.py`), so both composers, pure Python and libyaml, are bounded here the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import Node

MAX_DEPTH = 40
TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"


class NestingTooDeep(yaml.MarkedYAMLError):
    """Raised by the composer before Python's recursion limit is anywhere near."""


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader whose composer refuses nesting deeper than MAX_DEPTH."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        # Count collections only, as the libyaml path does (a scalar leaf adds no level).
        step = 1 if self.check_event(yaml.CollectionStartEvent) else 0
        self._depth += step
        try:
            if step and self._depth > MAX_DEPTH:
                raise NestingTooDeep(
                    problem=TOO_DEEP,
                    # types-PyYAML leaves Parser.peek_event unannotated.
                    problem_mark=self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )
            return Composer.compose_node(self, parent, index)
        finally:
            self._depth -= step


def compose_documents(text: str) -> Iterator[Node]:
    """The composed documents of `text`, depth-limited, through libyaml when it is installed.

    libyaml composes about ten times faster than pure Python, but its composer recurses in C
    where we cannot count levels, so the event stream is walked (flat, no recursion) first.
    """
    if not getattr(yaml, "__with_libyaml__", False):
        loader = _BoundedLoader(text)
        try:
            while loader.check_node():
                if (node := loader.get_node()) is not None:  # always, after check_node
                    yield node
        finally:
            loader.dispose()
        return
    _check_depth(text)
    fast = yaml.CSafeLoader(text)
    try:
        while fast.check_node():
            if (node := fast.get_node()) is not None:  # always, after check_node
                yield node
    finally:
        fast.dispose()


def too_deep_flow(text: str) -> tuple[int, int] | None:
    """Where flow brackets (``[`` ``{``) first nest deeper than MAX_DEPTH, or None.

    A plain character scan that skips quoted scalars and comments: only consulted after PyYAML
    refused the text, to tell "too deep" from any other malformation.
    """
    depth = 0
    line, column = 1, 0
    quote = ""
    comment = False
    previous = " "
    for char in text:
        column += 1
        if char == "\n":
            line, column, comment, previous = line + 1, 0, False, " "
            continue
        if comment:
            continue
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'" and previous in " \t[{,:":
            quote = char
        elif char == "#" and previous in " \t":
            comment = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, column
        elif char in "]}":
            depth = max(0, depth - 1)
        previous = char
    return None


def _check_depth(text: str) -> None:
    events = yaml.CSafeLoader(text)
    depth = 0
    try:
        while events.check_event():
            event = events.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise NestingTooDeep(
                        problem=TOO_DEEP,
                        # libyaml's own Mark class: the same name, line and column as
                        # yaml.error.Mark, which is all the stubs accept.
                        problem_mark=event.start_mark,  # type: ignore[arg-type]
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        events.dispose()
