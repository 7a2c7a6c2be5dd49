"""Read one YAML file into plain data plus the file:line:column of every key and value.

PyYAML is forgiving in ways that cost money here: it keeps the last of two duplicate keys, reads
`NO` (Norway) as false and `012` as 10, expands alias bombs without limit, and recurses on deep
nesting. So we stop at the composed node graph (which carries marks and shares aliased nodes
instead of copying them) and build the data ourselves, with every one of those checks, and with
bounded size, depth and expansion. Nothing here raises on bad input: problems come back located.

Most files are ordinary (no anchor or alias, within every limit, well formed): those are read in
one pass over libyaml's events instead (`streamed.py`), with the same checks and result; the
composed nodes read everything else, and every file when libyaml is not installed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from io import FileIO
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reconciler.desired.located import DataPath, Document, Location, ReadResult
from reconciler.desired.nesting import TOO_DEEP, NestingTooDeep, compose_documents, too_deep_flow
from reconciler.desired.problems import Problem
from reconciler.desired.scalar_checks import MAP, READ_ONLY_DATE_KEYS, SEQ, ScalarChecks
from reconciler.desired.streamed import read_stream

#: What reading gives (located.py), importable from here as before.
__all__ = [
    "READ_ONLY_DATE_KEYS",
    "DataPath",
    "Document",
    "Location",
    "ReadResult",
    "read_bytes",
    "read_file",
]

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_VALUES = 200_000
MAX_ALIASES = 1_000
MAX_DETAIL = 160  # characters of a PyYAML complaint shown

# YAML's printable set (PyYAML's reader uses the same); checked here for an exact position.
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


class _TooBig(Exception):
    """The document expands past MAX_VALUES or uses more than MAX_ALIASES aliases."""

    def __init__(self, message: str, node: Node) -> None:
        super().__init__(message)
        self.node = node


def read_file(path: Path, display: str) -> ReadResult:
    """Read `path` (shown as `display` in messages) into documents, or located problems."""
    try:
        size = os.stat(path).st_size
        if size > MAX_FILE_BYTES:
            return _fail(
                display,
                1,
                1,
                f"file is {size} bytes, over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit "
                "for one desired-state file; split it into several files",
            )
        with open(path, "rb", buffering=0) as handle:
            raw = _read_bounded(handle, size)
    except OSError as exc:
        return _fail(display, 1, 1, f"cannot read file: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:
        return _fail(display, 1, 1, f"file grew past the {MAX_FILE_BYTES} byte limit while read")
    return read_bytes(raw, display)


def _read_bounded(handle: FileIO, expected: int) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes: first the size `stat` told, then more while the file
    grows. Asking for the limit at once would allocate 8 MiB per file (a third of the time of
    reading 600 small files went there)."""
    parts: list[bytes] = []
    total = 0
    want = min(expected, MAX_FILE_BYTES) + 1
    while total <= MAX_FILE_BYTES:
        chunk = handle.read(min(want, MAX_FILE_BYTES + 1 - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        want = 1 << 16
    return b"".join(parts)


def read_bytes(raw: bytes, display: str) -> ReadResult:
    """Decode, check and parse the bytes of one file."""
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line, column = _line_column(raw[:offset].decode("utf-8", "replace"))
        return _fail(display, line, column, "binary data (NUL byte), not a YAML text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _line_column(raw[: exc.start].decode("utf-8", "replace"))
        return _fail(
            display, line, column, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); save as UTF-8"
        )
    if not text.strip():
        return _fail(display, 1, 1, "file is empty: expected at least one account document")
    odd = _NOT_PRINTABLE.search(text)
    if odd is not None:
        line, column = _line_column(text[: odd.start()])
        code = ord(odd.group())
        return _fail(display, line, column, f"character U+{code:04X} is not allowed in YAML")
    tabs = list(_tab_problems(text, display))
    if tabs:
        return ReadResult([], tabs)
    try:
        return _parse(text, display)
    except (ValueError, OverflowError, RecursionError, MemoryError) as exc:
        # A safety net for a PyYAML corner nobody has met yet: still a located answer.
        return _fail(display, 1, 1, f"cannot read this YAML ({type(exc).__name__})")


def _parse(text: str, display: str) -> ReadResult:
    """The file's documents: in one pass over libyaml's events when the file is ordinary
    (streamed.py), else (or without libyaml) through composed nodes; the same result."""
    streamed = None
    if getattr(yaml, "__with_libyaml__", False):
        streamed = read_stream(text, display, max_values=MAX_VALUES)
    documents, problems = streamed if streamed is not None else _composed(text, display)
    if not documents and not any(p.severity == "error" for p in problems):
        problems.append(Problem(display, 1, 1, "error", "no YAML document in this file"))
    return ReadResult(documents, sorted(problems, key=lambda p: (p.line, p.column)))


def _composed(text: str, display: str) -> tuple[list[Document], list[Problem]]:
    documents: list[Document] = []
    problems: list[Problem] = []
    try:
        for node in compose_documents(text):
            builder = _Builder(display, problems)
            try:
                data = builder.build(node, ())
            except _TooBig as exc:
                mark = exc.node.start_mark
                problems.append(Problem(display, mark.line + 1, mark.column + 1, "error", str(exc)))
                continue
            if data is None:
                continue  # a stray `---` (often at the end of a file) holds nothing to check
            documents.append(
                Document(display, node.start_mark.line + 1, data, builder.values, builder.keys)
            )
    except NestingTooDeep as exc:
        mark = exc.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.append(Problem(display, line, column, "error", str(exc.problem)))
    except yaml.MarkedYAMLError as exc:
        # PyYAML 6.0.4 and newer refuse deep flow nesting in their scanner, before our own
        # count sees an event, and in their own words: name the real cause in ours.
        deep = too_deep_flow(text)
        if deep is not None:
            problems.append(Problem(display, *deep, "error", TOO_DEEP))
        else:
            mark = exc.problem_mark or exc.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            detail = " ".join(part for part in (exc.context, exc.problem) if part)
            problems.append(Problem(display, line, column, "error", _malformed(detail)))
    except yaml.YAMLError as exc:  # any other parser complaint still gets a place and a line
        problems.append(Problem(display, 1, 1, "error", _malformed(str(exc))))
    return documents, problems


class _Builder:
    """Turns one composed document into plain data, checking what PyYAML lets through."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.values: dict[DataPath, Location] = {}
        self.keys: dict[DataPath, Location] = {}
        self._checks = ScalarChecks(file, problems)
        self._count = 0
        self._aliases = 0
        self._active: set[int] = set()
        self._seen: set[int] = set()

    def _loc(self, node: Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Node, path: DataPath) -> Any:
        self._count += 1
        if self._count > MAX_VALUES:
            raise _TooBig(f"document expands to more than {MAX_VALUES} values (alias bomb?)", node)
        if id(node) in self._seen:
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _TooBig(f"more than {MAX_ALIASES} aliases in one document", node)
        self._seen.add(id(node))
        if id(node) in self._active:
            raise _TooBig("an alias refers to the node that contains it (recursive data)", node)
        self.values.setdefault(path, self._loc(node))
        if isinstance(node, ScalarNode):
            return self._checks.scalar(node.value, node.tag, node.style, node.start_mark, path)
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                self._checks.collection_tag(node.tag, SEQ, node.start_mark)
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
        finally:
            self._active.discard(id(node))
        self._checks.error(node.start_mark, "unsupported YAML node")
        return None

    def _mapping(self, node: MappingNode, path: DataPath) -> dict[str, Any]:
        self._checks.collection_tag(node.tag, MAP, node.start_mark)
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            if self._checks.refused_key(key_node.tag, isinstance(key_node, ScalarNode), mark):
                continue
            key = str(key_node.value)
            self._checks.boolean_key(key, key_node.tag, key_node.style, mark)
            if key in first_seen:
                self._checks.duplicate_key(key, first_seen[key], mark)
                continue
            first_seen[key] = mark.line + 1
            self.keys[(*path, key)] = self._loc(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result


def _malformed(detail: str) -> str:
    """PyYAML's complaint, cut short: it may quote an alias or tag name of any length."""
    if len(detail) > MAX_DETAIL:
        detail = detail[: MAX_DETAIL - 3] + "..."
    return f"malformed YAML: {detail}"


def _tab_problems(text: str, display: str) -> Iterator[Problem]:
    if "\t" not in text:
        return  # almost every file: no line to look at
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            column = line.index("\t") + 1
            yield Problem(display, number, column, "error", "tab in indentation; YAML needs spaces")


def _line_column(before: str) -> tuple[int, int]:
    lines = before.split("\n")
    return len(lines), len(lines[-1]) + 1


def _fail(display: str, line: int, column: int, message: str) -> ReadResult:
    return ReadResult([], [Problem(display, line, column, "error", message)])
