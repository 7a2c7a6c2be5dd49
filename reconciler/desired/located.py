"""What reading a YAML file gives: documents of plain data, each value and key with its place.

Its own module so that both ways of building a document (composed nodes in `reader.py`, the
event stream in `streamed.py`) make the same objects without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, overload

from reconciler.desired.problems import Problem

#: A JSON-pointer-like path inside one document: keys and list indexes.
DataPath = tuple[str | int, ...]
_Default = TypeVar("_Default")


class Mark(Protocol):
    """A 0-based place as PyYAML marks nodes and events (pure Python and libyaml alike)."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


@dataclass(frozen=True)
class Location:
    """A 1-based place in a file."""

    file: str
    line: int
    column: int


class Places(Mapping[DataPath, "Location"]):
    """Where each value (or key) of one document is, kept as a 1-based (line, column) pair
    and made a Location only when asked. Reading 600 account files made some 23,000
    Locations, and almost none is ever asked for (a problem, a contact's origin or `extends`
    layering asks); a pair of numbers is cheaper to make and to keep (the cycle collector
    stops watching a tuple of numbers, not a Location or a parser's mark)."""

    __slots__ = ("_file", "_places")

    def __init__(self, file: str, places: dict[DataPath, tuple[int, int]]) -> None:
        self._file = file
        self._places = places

    def __getitem__(self, path: DataPath) -> Location:
        return Location(self._file, *self._places[path])

    @overload
    def get(self, path: DataPath, /) -> Location | None: ...

    @overload
    def get(self, path: DataPath, /, default: Location | _Default) -> Location | _Default: ...

    def get(self, path: DataPath, /, default: object = None) -> object:
        place = self._places.get(path)
        return default if place is None else Location(self._file, *place)

    def __contains__(self, path: object) -> bool:
        return path in self._places

    def __iter__(self) -> Iterator[DataPath]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)


@dataclass(frozen=True)
class Document:
    """One YAML document as plain data, with where each value and each mapping key came from."""

    file: str
    line: int
    data: Any
    values: Mapping[DataPath, Location] = field(default_factory=dict)
    keys: Mapping[DataPath, Location] = field(default_factory=dict)

    def at(self, path: DataPath) -> Location:
        """The closest known location of `path` (walking up to the document when needed)."""
        for cut in range(len(path), -1, -1):
            found = self.values.get(path[:cut])
            if found is not None:
                return found
        return Location(self.file, self.line, 1)

    def key_at(self, path: DataPath) -> Location:
        """Where the key naming `path` is written; the value's place when there is no key."""
        return self.keys.get(path) or self.at(path)


@dataclass(frozen=True)
class ReadResult:
    """The documents of one file, or none and the located problems that stopped its reading."""

    documents: list[Document]
    problems: list[Problem]
