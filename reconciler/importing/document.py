"""Write one imported account as a desired-state YAML file that reads back exactly.

A file written by `zoomplans import` is reviewed by people and then trusted by `plan`, so the
text must mean precisely what Zoom said. YAML 1.1 (what PyYAML and many editors read) turns
`NO` (Norway), `yes`, `012` or `2020-01-01` into booleans, octal numbers and dates. This writer
therefore prints a string bare only when it cannot be misread (a letter, then letters, digits,
`_` or `-`, and not one of YAML 1.1's boolean or null words); everything else is double-quoted.
After rendering, the text is parsed back and compared with the data; a mismatch is a bug, and
it stops the file from being written rather than writing something subtly different.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from reconciler.importing.contact import ImportedContact

#: A string YAML 1.1 and 1.2 both read as that same string when unquoted.
_BARE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
#: YAML 1.1 booleans and nulls, compared case-insensitively (y/n included: the 1.1 spec lists them).
_YAML11_WORDS = frozenset(
    {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "nan", "inf"}
)
#: Flow lines longer than this are written in block style so a reviewer's diff stays readable.
_MAX_FLOW = 96
#: Preferred field order inside one plan entry; other fields follow alphabetically.
_FIELD_ORDER = (
    "type",
    "hosts",
    "tollfree_countries",
    "premium_countries",
    "callout_countries",
    "ddi_numbers",
)
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\0": "\\0",
}

#: Keys of an existing document that `--force` carries over into the rewritten file.
KEPT_KEYS = ("labels", "contact")

Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ImportRenderError(Exception):
    """The account's data cannot be written as YAML that reads back to the same value."""

    def __init__(self, account_id: str, reason: str) -> None:
        super().__init__(f"{account_id}: cannot write the YAML file: {reason}")
        self.account_id = account_id
        self.reason = reason


@dataclass(frozen=True)
class ImportedAccount:
    """One sub-account as import will write it.

    `plans` is already in the desired shape (active entries only, no read-only fields);
    `left_out` names what Zoom holds but the file cannot carry (unknown plan groups, entries a
    desired file has no place for), so the report and a comment in the file can list it.
    `kept` holds the `labels` and `contact` of the file being overwritten: Zoom does not know
    the labels, and `--force` must not throw away the contact the user wrote. `contact` is the
    one Zoom answered (``importing.contact``), written when the file keeps none of its own.
    """

    account_id: str
    name: str | None
    plans: Mapping[str, Any]
    subscribed: bool
    left_out: tuple[str, ...] = ()
    kept: Mapping[str, Any] = field(default_factory=dict)
    contact: ImportedContact | None = None

    def written(self) -> dict[str, Any]:
        """The `labels` and `contact` the file declares: the kept ones, else Zoom's contact."""
        data = {key: self.kept[key] for key in KEPT_KEYS if key in self.kept}
        if "contact" not in data and self.contact is not None and self.contact.fields:
            data["contact"] = dict(self.contact.fields)
        return {key: data[key] for key in KEPT_KEYS if key in data}

    def document(self) -> dict[str, Any]:
        """The data the file must load back to (what `yaml.safe_load` of the file returns)."""
        data: dict[str, Any] = {"account_id": self.account_id}
        if self.name:
            data["name"] = self.name
        for key, value in self.written().items():
            data[key] = _plain(value)
        if self.plans:
            data["plans"] = _plain(self.plans)
        return data


@dataclass(frozen=True)
class FileHeader:
    """The comment block at the top of a file: editor schema, when and from where."""

    schema_ref: str
    imported_at: datetime
    source: str
    extra: tuple[str, ...] = field(default=())

    def lines(self) -> list[str]:
        stamp = self.imported_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return [
            f"# yaml-language-server: $schema={_comment_safe(self.schema_ref)}",
            f"# Imported by `zoomplans import` at {stamp} from {public_url(self.source)}.",
            "# It states what Zoom bills today; edit it, then review with `zoomplans plan`.",
            *(f"# {line}" for line in self.extra),
        ]


def public_url(url: str) -> str:
    """The URL without user, password, query or fragment: a file in git must hold no secret."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return _comment_safe(urlunsplit((parts.scheme, netloc, parts.path, "", "")))


def _plain(value: Any) -> Any:
    """Mappings and sequences as dict and list, so the comparison with safe_load is exact."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _escape_char(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    printable = (
        code in (0x09, 0x0A, 0x0D)
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or code >= 0x10000
    )
    # U+2028/2029 are line breaks to YAML; BOM is stripped by some readers.
    if printable and code not in (0x2028, 0x2029, 0xFEFF):
        return char
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def scalar(value: Any) -> str:
    """One YAML scalar that reads back as exactly `value` under YAML 1.1 and 1.2."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, str):
        if _BARE.fullmatch(value) and value.lower() not in _YAML11_WORDS:
            return value
        return '"' + "".join(_escape_char(c) for c in value) + '"'
    raise TypeError(f"cannot write a {type(value).__name__} value ({value!r})")


def _ordered_items(mapping: Mapping[str, Any]) -> list[tuple[str, Any]]:
    def rank(key: str) -> tuple[int, str]:
        return (_FIELD_ORDER.index(key), "") if key in _FIELD_ORDER else (len(_FIELD_ORDER), key)

    return sorted(((str(k), v) for k, v in mapping.items()), key=lambda kv: rank(kv[0]))


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (Mapping, list, tuple))


def _flow(value: Any) -> str | None:
    """A one-line flow form for flat values, or None when the value nests deeper."""
    if _is_scalar(value):
        return scalar(value)
    if isinstance(value, (list, tuple)):
        if all(_is_scalar(v) for v in value):
            return "[" + ", ".join(scalar(v) for v in value) + "]"
        return None
    parts = []
    for key, item in _ordered_items(value):
        if isinstance(item, Mapping) or (
            isinstance(item, (list, tuple)) and not all(_is_scalar(v) for v in item)
        ):
            return None
        parts.append(f"{scalar(key)}: {_flow(item)}")
    return "{" + ", ".join(parts) + "}"


def _block(key: str, value: Any, indent: int) -> list[str]:
    """Lines for `key: value` at `indent`, flow style when short and flat, block otherwise."""
    pad = " " * indent
    flow = _flow(value)
    head = f"{pad}{scalar(key)}:"
    if flow is not None and len(head) + 1 + len(flow) <= _MAX_FLOW:
        return [f"{head} {flow}"]
    if isinstance(value, Mapping):
        if not value:
            return [f"{head} {{}}"]
        lines = [head]
        for child_key, child in _ordered_items(value):
            lines.extend(_block(child_key, child, indent + 2))
        return lines
    if isinstance(value, (list, tuple)):
        if not value:
            return [f"{head} []"]
        lines = [head]
        for item in value:
            lines.extend(_sequence_item(item, indent + 2))
        return lines
    return [f"{head} {scalar(value)}"]


def _sequence_item(item: Any, indent: int) -> list[str]:
    pad = " " * indent
    flow = _flow(item)
    if flow is not None and indent + 2 + len(flow) <= _MAX_FLOW:
        return [f"{pad}- {flow}"]
    if isinstance(item, Mapping) and item:
        lines: list[str] = []
        for position, (key, value) in enumerate(_ordered_items(item)):
            child = _block(key, value, indent + 2)
            if position == 0:
                child[0] = f"{pad}- {child[0].lstrip()}"
            lines.extend(child)
        return lines
    if isinstance(item, (list, tuple)) and item:
        raise TypeError("nested lists do not occur in a plans object")
    return [f"{pad}- {flow if flow is not None else scalar(item)}"]


def render_body(account: ImportedAccount) -> str:
    """The YAML document without the header comment (what `unchanged` compares)."""
    lines = [f"account_id: {scalar_quoted(account.account_id)}"]
    if account.name:
        lines.append(f"name: {scalar_quoted(account.name)}")
    for key, value in account.written().items():
        lines.extend(_block(key, value, 0))
    if account.contact is not None and "contact" not in account.kept:
        lines.extend(_contact_comments(account.contact))
    if account.plans:
        lines.append("plans:")
        for group, value in account.plans.items():
            lines.extend(_block(group, value, 2))
    else:
        lines.append("# No active paid plan in Zoom at import time, so there is nothing to manage")
        lines.append(
            "# yet. To subscribe it, add `plans:` with a `plan_base` and a `contact:` block."
        )
    if account.left_out:
        lines.append(
            "# Left out of this file (zoomplans cannot manage it; plan lists it as unmanaged):"
        )
        lines.extend(f"#   {_comment_safe(item)}" for item in account.left_out)
    return "\n".join(lines) + "\n"


def _contact_comments(contact: ImportedContact) -> list[str]:
    """What Zoom's contact holds that the file does not, by field name only."""
    lines = []
    if contact.left_out:
        lines.append(
            f"# contact: Zoom also holds {', '.join(contact.left_out)} (masked in every output, "
            "so left out of a file in git); `zoomplans import --with-contact` writes them"
        )
    if contact.refused:
        lines.append(
            f"# contact: Zoom's {', '.join(contact.refused)} left out: the value is not one a "
            "file may declare (see schemas/account.schema.json)"
        )
    return lines


def scalar_quoted(value: str) -> str:
    """Ids and names are always quoted: they are free text to Zoom, and quoting reads calmly."""
    return '"' + "".join(_escape_char(c) for c in value) + '"'


def _comment_safe(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)


def render_account_file(account: ImportedAccount, header: FileHeader) -> str:
    """The whole file; raises ImportRenderError unless it reads back to `account.document()`."""
    try:
        body = render_body(account)
    except TypeError as exc:
        raise ImportRenderError(account.account_id, str(exc)) from exc
    text = "\n".join(header.lines()) + "\n" + body
    check_round_trip(account, text)
    return text


def check_round_trip(account: ImportedAccount, text: str) -> None:
    """Parse the text back; anything but the exact data is refused."""
    try:
        loaded = yaml.load(text, Loader=Loader)  # a safe loader (C or Python)
    except yaml.YAMLError as exc:
        raise ImportRenderError(account.account_id, f"the text does not parse: {exc}") from exc
    if loaded != account.document():
        raise ImportRenderError(account.account_id, "the text does not read back to Zoom's data")


def documents_in(text: str) -> Sequence[Any]:
    """Every YAML document of an existing file (raises yaml.YAMLError when it does not parse)."""
    return list(yaml.load_all(text, Loader=Loader))
