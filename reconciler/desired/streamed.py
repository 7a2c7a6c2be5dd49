"""The common file read in one pass over libyaml's events: data, places and checks together.

Reading through composed nodes (`reader.py`) walks every value three times: once over libyaml's
events to bound the nesting depth (libyaml's composer recurses in C, where no level can be
counted), once in libyaml's composer, once to build checked data from the nodes. Loading 600
account files spent about a third of its time there. Here one flat loop over the events (no
recursion: a stack of open lists and mappings) counts depth and values, builds the data,
keeps the place of each key and value and makes the same checks in the same order
(`scalar_checks.py`), so the documents and problems are the ones the node path gives.

It reads only what almost every file is: well-formed YAML with no anchor or alias, within the
limits. At anything else (a parse error, an anchor or alias, nesting past MAX_DEPTH, more than
`max_values` values, a number Python cannot convert) it stops at once, before any more work,
and answers None: the caller then reads the file through composed nodes, whose messages and
limits are the ones users know. `tests/desired/test_streamed.py` holds the two paths equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from reconciler.desired.located import DataPath, Document, Mark, Places
from reconciler.desired.nesting import MAX_DEPTH
from reconciler.desired.problems import Problem
from reconciler.desired.scalar_checks import MAP, SEQ, STR, ScalarChecks

#: PyYAML's implicit resolvers for a plain scalar, by its first character (the empty one for an
#: empty scalar), each list followed by the resolvers for any character: what
#: `Resolver.resolve` tries, in its order, without its per-call lookups and list copies.
_WILDCARD: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    Resolver.yaml_implicit_resolvers.get(None, [])
)
_BY_FIRST: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: (*resolvers, *_WILDCARD)
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    if first is not None
}
_Resolve = Callable[[type[Node], str | None, Any], str]


class _NotCommon(Exception):
    """The file is out of the ordinary: the node path reads it."""


def read_stream(
    text: str, display: str, *, max_values: int
) -> tuple[list[Document], list[Problem]] | None:
    """The documents of `text` and the problems in them, or None when the file is out of the
    ordinary (then nothing of it is kept: read it through composed nodes)."""
    parser = yaml.CSafeLoader(text)
    try:
        if (
            parser.yaml_path_resolvers
            or parser.yaml_implicit_resolvers is not Resolver.yaml_implicit_resolvers
        ):
            return None  # resolved otherwise than the tables above say
        return _Stream(parser, display, max_values).read()
    except (_NotCommon, yaml.YAMLError, ValueError, OverflowError, RecursionError, MemoryError):
        return None
    finally:
        parser.dispose()


def plain_tag(value: str) -> str:
    """The tag PyYAML resolves a plain (unquoted, untagged) scalar to."""
    for tag, pattern in _BY_FIRST.get(value[:1], _WILDCARD):
        if pattern.match(value):
            return tag
    return STR


class _Open:
    """A list or mapping whose items are still being read, and where it is in the document."""

    __slots__ = ("first_seen", "items", "path")

    def __init__(self, items: Any, path: DataPath, mapping: bool) -> None:
        self.items = items  # the list, or the mapping
        self.path = path
        #: A mapping's keys so far, with the 1-based line of each; None for a list.
        self.first_seen: dict[str, int] | None = {} if mapping else None


class _Stream:
    """One file's event stream, read document by document."""

    def __init__(self, parser: yaml.CSafeLoader, file: str, max_values: int) -> None:
        self._next: Callable[[], Event | None] = parser.get_event
        self._resolve: _Resolve = parser.resolve
        self._file = file
        self._max_values = max_values
        self._depth = 0
        self.problems: list[Problem] = []
        self._checks = ScalarChecks(file, self.problems)

    def read(self) -> tuple[list[Document], list[Problem]]:
        documents = []
        self._next()  # the stream's start
        while not isinstance(self._next(), StreamEndEvent):  # else a document's start
            document = self._document()
            self._next()  # the document's end
            if document is not None:
                documents.append(document)
        return documents, self.problems

    def _document(self) -> Document | None:
        """Reads one document's nodes; None for an empty one (a stray `---`).

        The loop is the hot path of loading: local names, exact-type tests, the usual key (a
        plain word, first seen) and the usual list or mapping (no tag) handled in line, and
        everything rarer in methods.
        """
        get, checks, max_values = self._next, self._checks, self._max_values
        values: dict[DataPath, tuple[int, int]] = {}
        keys: dict[DataPath, tuple[int, int]] = {}
        stack: list[_Open] = []
        top: _Open | None = None
        count = 0
        root: Any = None
        event: Any = get()
        first: Mark = event.start_mark
        while True:
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                self._depth -= 1
                stack.pop()
                if not stack:
                    break
                top = stack[-1]
                event = get()
                continue
            key = None
            if top is None:
                path: DataPath = ()
            elif top.first_seen is None:
                path = (*top.path, len(top.items))
            else:  # a mapping: `event` is a key, and its value comes next
                if (
                    kind is ScalarEvent
                    and event.tag is None
                    and event.anchor is None
                    and event.implicit[0]
                    and (key := event.value) not in top.first_seen
                    and plain_tag(key) == STR
                ):
                    mark = event.start_mark
                    line = mark.line + 1
                    top.first_seen[event.value] = line
                    path = (*top.path, event.value)
                    keys[path] = (line, mark.column + 1)
                else:
                    key = self._key(event, top, keys)
                    if key is None:  # refused: the key and its value were skipped, unread
                        event = get()
                        continue
                    path = (*top.path, key)
                event = get()
                kind = type(event)
            if kind is AliasEvent or event.anchor is not None:
                raise _NotCommon  # the node path expands aliases, within its limits
            count += 1
            if count > max_values:
                raise _NotCommon
            mark = event.start_mark
            values[path] = (mark.line + 1, mark.column + 1)
            opened = None
            if kind is ScalarEvent:
                tag = event.tag
                text = event.value
                if tag is None:
                    tag = plain_tag(text) if event.implicit[0] else STR
                elif tag == "!":
                    tag = self._resolve(ScalarNode, text, event.implicit)
                value = checks.scalar(text, tag, event.style, mark, path)
            else:
                opened = self._open(event, path)
                value = opened.items
            if top is None:
                root = value
            elif key is None:
                top.items.append(value)
            else:
                top.items[key] = value
            if opened is not None:
                stack.append(opened)
                top = opened
            elif top is None:
                break
            event = get()
        if root is None:
            return None
        return Document(
            self._file, first.line + 1, root, Places(self._file, values), Places(self._file, keys)
        )

    def _open(self, event: CollectionStartEvent, path: DataPath) -> _Open:
        """A list or mapping starts: deeper by one, and its tag checked."""
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _NotCommon
        mapping = type(event) is MappingStartEvent
        tag = event.tag
        if tag is not None:  # untagged, it is what it looks like (no path resolvers: above)
            if tag == "!":
                tag = self._resolve(MappingNode if mapping else SequenceNode, None, event.implicit)
            self._checks.collection_tag(tag, MAP if mapping else SEQ, _mark(event))
        return _Open({} if mapping else [], path, mapping)

    def _key(
        self, event: Event, mapping: _Open, keys: dict[DataPath, tuple[int, int]]
    ) -> str | None:
        """A mapping key and its checks, or None when it is refused (then the key's and its
        value's nodes are skipped, unread)."""
        if not isinstance(event, NodeEvent) or _aliased(event):
            raise _NotCommon
        mark = _mark(event)
        if not isinstance(event, ScalarEvent):  # a list or mapping as a key: refused
            tag = event.tag if isinstance(event, CollectionStartEvent) else None
            if tag is None or tag == "!":
                kind = MappingNode if isinstance(event, MappingStartEvent) else SequenceNode
                tag = self._resolve(kind, None, getattr(event, "implicit", None))
            self._checks.refused_key(tag, False, mark)
            self._skip(event)
            self._skip(self._next())
            return None
        key: str = event.value
        tag = event.tag
        if tag is None and event.implicit[0]:
            tag = plain_tag(key)
        elif tag is None or tag == "!":
            tag = self._resolve(ScalarNode, key, event.implicit)
        if self._checks.refused_key(tag, True, mark):
            self._skip(self._next())
            return None
        self._checks.boolean_key(key, tag, event.style, mark)
        first_seen = mapping.first_seen
        assert first_seen is not None  # only a mapping has keys
        if key in first_seen:
            self._checks.duplicate_key(key, first_seen[key], mark)
            self._skip(self._next())
            return None
        first_seen[key] = mark.line + 1
        keys[(*mapping.path, key)] = (mark.line + 1, mark.column + 1)
        return key

    def _skip(self, event: Event | None) -> None:
        """Consumes the node starting at `event`: unread, but counted for depth."""
        level = 0
        while True:
            if isinstance(event, NodeEvent) and _aliased(event):
                raise _NotCommon
            if isinstance(event, CollectionStartEvent):
                self._deeper()
                level += 1
            elif isinstance(event, CollectionEndEvent):
                self._depth -= 1
                level -= 1
            if level == 0:
                return
            event = self._next()

    def _deeper(self) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _NotCommon


def _aliased(event: NodeEvent) -> bool:
    """An alias, or a node with an anchor: the node path expands them, within its limits."""
    return isinstance(event, AliasEvent) or event.anchor is not None


def _mark(event: Event) -> Mark:
    """An event's start; libyaml gives every event one."""
    mark = event.start_mark
    if mark is None:
        raise _NotCommon
    return mark
