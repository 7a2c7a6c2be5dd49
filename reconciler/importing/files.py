"""Where each imported account goes on disk, and how it gets there without losing anything.

- A file name is a slug of the account name plus the account id (`acme-emea--sub_8jk2lm.yaml`):
  readable in a directory listing, stable while the account keeps its name, and safe on every
  filesystem (ASCII letters, digits, `_` and `-`, lower case so that case-insensitive filesystems
  cannot merge two names).
- Before writing, the output folder is searched for a document that already declares the account
  (a renamed account or a file the user moved keeps being that account's file), so one account
  never ends up in two files.
- Files are written atomically (a temporary file in the same folder, then a rename), and a new
  file is linked into place only if the name is still free: a file that appears meanwhile is
  never overwritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reconciler.importing.document import documents_in

_SLUG_MAX = 48
#: Existing files larger than this are not desired-state files import wrote; they are not read.
_SCAN_MAX_BYTES = 1_000_000


class ImportFileError(Exception):
    """A file could not be read or written (permissions, disk full, a folder in the way)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def slug(text: str | None) -> str:
    """Lower-case ASCII words joined by `-`: `Acme EMEA (Zürich)` -> `acme-emea-zurich`."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:_SLUG_MAX].strip("-") or "account"


def _id_part(account_id: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", account_id.lower()).strip("-") or "id"


def file_name(account_id: str, name: str | None, *, disambiguate: bool = False) -> str:
    """`<slug of name>--<id>.yaml`; with `disambiguate`, a short hash of the exact id is added.

    Lower-casing the id keeps names safe on case-insensitive filesystems; two ids that then
    collide (they differ only in case) are told apart by the hash, which depends on the id only.
    """
    stem = f"{slug(name)}--{_id_part(account_id)}"
    if disambiguate:
        stem += "-" + hashlib.sha256(account_id.encode("utf-8")).hexdigest()[:8]
    return f"{stem}.yaml"


def file_names(accounts: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """File name per account id for (id, name) pairs of one run; colliding names get the hash."""
    pairs = list(accounts)
    plain = {account_id: file_name(account_id, name) for account_id, name in pairs}
    counts: dict[str, int] = {}
    for name in plain.values():
        counts[name.lower()] = counts.get(name.lower(), 0) + 1
    return {
        account_id: file_name(account_id, name, disambiguate=counts[plain[account_id].lower()] > 1)
        for account_id, name in pairs
    }


@dataclass(frozen=True)
class ExistingDocument:
    """An account already declared on disk: its file, the document data, and its neighbours."""

    path: Path
    data: Mapping[str, Any]
    documents_in_file: int


@dataclass(frozen=True)
class ExistingFiles:
    """What the output folder already holds, read once before any file is written."""

    by_account: Mapping[str, ExistingDocument]
    unreadable: frozenset[Path]

    @classmethod
    def scan(cls, out_dir: Path) -> ExistingFiles:
        """Read every `*.yaml`/`*.yml` below `out_dir`; files that do not parse are noted."""
        by_account: dict[str, ExistingDocument] = {}
        unreadable: set[Path] = set()
        if not out_dir.is_dir():
            return cls(by_account={}, unreadable=frozenset())
        paths = sorted(p for p in out_dir.rglob("*") if p.suffix in (".yaml", ".yml"))
        for path in paths:
            try:
                if not path.is_file() or path.stat().st_size > _SCAN_MAX_BYTES:
                    continue
                documents = documents_in(path.read_text(encoding="utf-8"))
            except (OSError, ValueError, yaml.YAMLError, RecursionError):
                # ValueError covers undecodable bytes and impossible dates (`2020-13-45`).
                unreadable.add(path)
                continue
            declared = [d for d in documents if isinstance(d, Mapping)]
            for document in declared:
                account_id = document.get("account_id")
                if isinstance(account_id, str) and account_id not in by_account:
                    by_account[account_id] = ExistingDocument(path, document, len(documents))
        return cls(by_account=by_account, unreadable=frozenset(unreadable))

    def holder_of(self, path: Path) -> str | None:
        """The account id declared in `path` when it is a one-account file, else None."""
        for account_id, existing in self.by_account.items():
            if existing.path == path:
                return account_id
        return None


def _temporary_copy(path: Path, text: str) -> Path:
    """Write `text` next to `path` and flush it to disk; the caller renames or links it."""
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def write_new_file(path: Path, text: str) -> bool:
    """Create `path` atomically; False (and nothing written) when the name is already taken."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = _temporary_copy(path, text)
    except OSError as exc:
        raise ImportFileError(path, exc.strerror or str(exc)) from exc
    try:
        try:
            os.link(temp, path)  # fails if the name exists: never clobbers
        except FileExistsError:
            return False
        except OSError:
            # A filesystem without hard links: check, then rename (a small window, documented).
            if path.exists():
                return False
            os.replace(temp, path)
        return True
    except OSError as exc:
        raise ImportFileError(path, exc.strerror or str(exc)) from exc
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


def replace_file(path: Path, text: str) -> None:
    """Overwrite `path` atomically: readers see the old file or the new one, never a mix."""
    try:
        temp = _temporary_copy(path, text)
    except OSError as exc:
        raise ImportFileError(path, exc.strerror or str(exc)) from exc
    try:
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise ImportFileError(path, exc.strerror or str(exc)) from exc
