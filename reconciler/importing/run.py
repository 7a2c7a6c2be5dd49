"""`zoomplans import` end to end: list sub-accounts, read their plans, write one file each.

The reads go through the Zoom client, which paces itself below the rate limit; this module only
bounds how many reads are in flight, so memory and sockets stay small for thousands of accounts.
One account's trouble never stops the others: self-pay, missing and unreadable accounts are
collected and listed at the end. Only errors that would fail every remaining call (refused
credentials, the daily quota) stop the reads; what was read by then is still written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from reconciler.importing.check import in_sync_on_disk
from reconciler.importing.contact import read_contacts
from reconciler.importing.document import (
    KEPT_KEYS,
    FileHeader,
    ImportedAccount,
    ImportRenderError,
    render_account_file,
)
from reconciler.importing.editor_schema import EditorSchema, ensure_editor_schema
from reconciler.importing.files import (
    ExistingFiles,
    ImportFileError,
    file_name,
    file_names,
    replace_file,
    write_new_file,
)
from reconciler.importing.shape import UnreadablePlans, imported_account
from reconciler.zoom.errors import (
    AccountNotFound,
    NoSubscription,
    SelfPayAccount,
    ZoomError,
    stops_the_run,
)

FileResult = Literal["written", "overwritten", "unchanged", "skipped", "failed"]
NoteKind = Literal["self_pay", "missing", "unreadable"]
#: Reads in flight at once; the client's pacer decides the actual request rate.
DEFAULT_CONCURRENCY = 16


class SubAccountLike(Protocol):
    """What import needs from one entry of the sub-account listing (read-only: the client's
    SubAccount is a frozen dataclass)."""

    @property
    def id(self) -> str: ...

    @property
    def account_name(self) -> str | None: ...


class PlansReader(Protocol):
    """The three client calls import makes (reconciler.zoom.ZoomClient provides them)."""

    async def list_sub_accounts(self) -> Sequence[SubAccountLike]: ...

    async def get_plans(self, account_id: str) -> Mapping[str, Any]: ...

    async def get_billing(self, account_id: str) -> dict[str, Any]: ...


class ImportStopped(Exception):
    """The sub-accounts could not be listed at all; nothing was read or written."""

    def __init__(self, cause: ZoomError) -> None:
        super().__init__(f"cannot list the sub-accounts: {cause}")
        self.cause = cause


@dataclass(frozen=True)
class ImportRequest:
    """What the user asked for: where to write, which accounts, whether to overwrite."""

    out_dir: Path
    source: str
    now: datetime
    account_ids: tuple[str, ...] = ()
    force: bool = False
    concurrency: int = DEFAULT_CONCURRENCY
    #: Write the contact's masked fields (phone number, postal address) too (--with-contact).
    with_contact: bool = False


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one account's file."""

    account_id: str
    path: Path
    result: FileResult
    detail: str = ""


@dataclass(frozen=True)
class AccountNote:
    """An account that got no file, and why."""

    account_id: str
    name: str | None
    kind: NoteKind
    message: str


@dataclass(frozen=True)
class ImportReport:
    """Everything the command prints at the end, and what decides its exit code."""

    files: tuple[FileOutcome, ...]
    not_imported: tuple[AccountNote, ...]
    left_out: tuple[tuple[str, str], ...]
    unsubscribed: tuple[str, ...]
    stopped: str | None
    requested: tuple[str, ...]
    #: The schema the files' `$schema` line names: found, written by this run, or failed.
    schema: EditorSchema | None = None
    #: (account id, why it has no contact); account id "*" for the whole run.
    contact_notes: tuple[tuple[str, str], ...] = ()

    def count(self, result: FileResult) -> int:
        return sum(1 for f in self.files if f.result == result)

    def notes(self, kind: NoteKind) -> list[AccountNote]:
        return [n for n in self.not_imported if n.kind == kind]

    @property
    def written_paths(self) -> list[Path]:
        """The files this run wrote or overwrote: what `check_written` loads again."""
        return [f.path for f in self.files if f.result in ("written", "overwritten")]

    @property
    def failed(self) -> bool:
        """Exit 1: reads stopped, an account could not be read or written, or an account
        named with --account does not exist. Self-pay accounts are expected in a master
        account (zoomplans cannot manage them) and are listed without failing the run."""
        requested = set(self.requested)
        return (
            self.stopped is not None
            or self.count("failed") > 0
            or bool(self.notes("unreadable"))
            or any(n.account_id in requested for n in self.notes("missing"))
        )


def _said(error: ZoomError, account_id: str) -> str:
    """The error's line without the account id it starts with (the report names it already)."""
    text = str(error)
    prefix = f"{account_id}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


@dataclass(frozen=True)
class _Read:
    account_id: str
    name: str | None
    plans: Mapping[str, Any] | None = None
    note: AccountNote | None = None


def _kind(error: ZoomError) -> NoteKind:
    if isinstance(error, SelfPayAccount):
        return "self_pay"
    if isinstance(error, AccountNotFound):
        return "missing"
    return "unreadable"


async def _read_all(
    client: PlansReader,
    targets: Sequence[tuple[str, str | None]],
    concurrency: int,
    on_read: Callable[[], None] | None,
) -> tuple[list[_Read], str | None]:
    """Read every target's plans with a fixed pool of `concurrency` workers.

    A pool rather than one task per account: 10,000 accounts mean `concurrency` tasks and
    sockets, not 10,000. Results keep the order of `targets`.
    """
    reads: list[_Read | None] = [None] * len(targets)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(targets)):
        queue.put_nowait(index)
    stop: list[str] = []

    async def read(account_id: str, name: str | None) -> _Read:
        if stop:
            return _Read(
                account_id,
                name,
                note=AccountNote(account_id, name, "unreadable", f"not read: {stop[0]}"),
            )
        try:
            return _Read(account_id, name, plans=await client.get_plans(account_id))
        except NoSubscription:
            return _Read(account_id, name, plans=None)  # "no subscription yet": unsubscribed
        except ZoomError as exc:
            if stops_the_run(exc) and not stop:
                # Every further call would fail the same way: stop sending, keep the rest.
                stop.append(str(exc))
            return _Read(
                account_id,
                name,
                note=AccountNote(account_id, name, _kind(exc), _said(exc, account_id)),
            )

    async def worker() -> None:
        while not queue.empty():
            index = queue.get_nowait()
            reads[index] = await read(*targets[index])
            if on_read is not None:
                on_read()

    await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, len(targets))))))
    return [r for r in reads if r is not None], (stop[0] if stop else None)


def _targets(
    listing: Sequence[SubAccountLike], wanted: Sequence[str]
) -> list[tuple[str, str | None]]:
    """(id, name) to read: every listed account, or the wanted ids in the order given."""
    names = {str(sub.id): sub.account_name for sub in listing}
    if not wanted:
        return list(names.items())
    unique = list(dict.fromkeys(wanted))
    return [(account_id, names.get(account_id)) for account_id in unique]


def _place(
    account: ImportedAccount, names: Mapping[str, str], existing: ExistingFiles, out_dir: Path
) -> Path:
    """The file for this account: the one that already declares it, else a free name."""
    held = existing.by_account.get(account.account_id)
    if held is not None:
        return held.path
    path = out_dir / names[account.account_id]
    if path.exists() and existing.holder_of(path) != account.account_id:
        # The name belongs to another account (ids differing only in case) or another file.
        path = out_dir / file_name(account.account_id, account.name, disambiguate=True)
    return path


def _with_kept(account: ImportedAccount, existing: ExistingFiles) -> ImportedAccount:
    """Carry the `labels` and `contact` of the account's existing file: Zoom does not know them."""
    held = existing.by_account.get(account.account_id)
    if held is None:
        return account
    return replace(account, kept={k: held.data[k] for k in KEPT_KEYS if k in held.data})


def _write_one(
    account: ImportedAccount,
    path: Path,
    existing: ExistingFiles,
    header: FileHeader,
    force: bool,
    same_on_disk: set[str],
) -> FileOutcome:
    """Decide written / overwritten / unchanged / skipped for one account, and do it."""
    held = existing.by_account.get(account.account_id)
    try:
        if held is not None:
            if dict(held.data) == account.document():
                return FileOutcome(account.account_id, path, "unchanged")
            if account.account_id in same_on_disk:
                return FileOutcome(
                    account.account_id, path, "unchanged", "in sync; written differently"
                )
            if held.documents_in_file > 1:
                return FileOutcome(
                    account.account_id,
                    path,
                    "skipped",
                    f"differs from Zoom, but the file holds {held.documents_in_file} documents; "
                    "edit it by hand (--force never rewrites a shared file)",
                )
            if not force:
                return FileOutcome(
                    account.account_id, path, "skipped", "differs from Zoom; --force overwrites it"
                )
            replace_file(path, render_account_file(account, header))
            return FileOutcome(account.account_id, path, "overwritten")
        if path.exists() or not write_new_file(path, render_account_file(account, header)):
            return FileOutcome(
                account.account_id, path, "skipped", "the name is taken by a file for no account"
            )
        return FileOutcome(account.account_id, path, "written")
    except (ImportFileError, ImportRenderError) as exc:
        return FileOutcome(account.account_id, path, "failed", exc.reason)


async def import_accounts(
    client: PlansReader,
    request: ImportRequest,
    *,
    on_listed: Callable[[int], None] | None = None,
    on_read: Callable[[], None] | None = None,
) -> ImportReport:
    """Run one import; raises ImportStopped only when the sub-accounts cannot be listed."""
    try:
        listing = await client.list_sub_accounts()
    except ZoomError as exc:
        raise ImportStopped(exc) from exc
    targets = _targets(listing, request.account_ids)
    if on_listed is not None:
        on_listed(len(targets))
    reads, stopped = await _read_all(client, targets, request.concurrency, on_read)

    notes = [r.note for r in reads if r.note is not None]
    accounts: list[ImportedAccount] = []
    for read in reads:
        if read.note is not None:
            continue
        try:
            accounts.append(imported_account(read.account_id, read.name, read.plans))
        except UnreadablePlans as exc:
            notes.append(AccountNote(read.account_id, read.name, "unreadable", exc.reason))

    subscribed = [a.account_id for a in accounts if a.subscribed]
    contacts = await read_contacts(client, subscribed, with_contact=request.with_contact)
    accounts = [replace(a, contact=contacts.contacts.get(a.account_id)) for a in accounts]
    existing = ExistingFiles.scan(request.out_dir)
    accounts = [_with_kept(a, existing) for a in accounts]
    names = file_names((a.account_id, a.name) for a in accounts)
    schema = ensure_editor_schema(request.out_dir) if accounts else None
    headers: dict[Path, FileHeader] = {}

    def header_for(path: Path) -> FileHeader:
        # The editor's $schema path is relative to the file, so it depends on its folder.
        if path.parent not in headers:
            headers[path.parent] = FileHeader(
                schema_ref=schema.reference_from(path.parent) if schema else "",
                imported_at=request.now,
                source=request.source,
            )
        return headers[path.parent]

    placed = sorted(
        ((_place(a, names, existing, request.out_dir), a) for a in accounts),
        key=lambda pa: str(pa[0]),
    )
    # Files whose data differs from Zoom's may still plan in sync (extends, comma strings).
    differing = [
        (held.path, a)
        for a in accounts
        if (held := existing.by_account.get(a.account_id)) is not None
        and dict(held.data) != a.document()
    ]
    same_on_disk = in_sync_on_disk(differing)
    files = tuple(
        _write_one(a, path, existing, header_for(path), request.force, same_on_disk)
        for path, a in placed
    )
    return ImportReport(
        files=files,
        not_imported=tuple(sorted(notes, key=lambda n: (n.kind, n.account_id))),
        left_out=tuple((a.account_id, item) for a in accounts for item in a.left_out),
        unsubscribed=tuple(sorted(a.account_id for a in accounts if not a.subscribed)),
        stopped=stopped,
        requested=tuple(request.account_ids),
        schema=schema,
        contact_notes=contacts.notes,
    )
