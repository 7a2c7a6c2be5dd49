"""What an account's plan reports beside its calls: the changes it blocks and the live items
it leaves alone. Re-exported by `model.py`, where the plan file's other parts live."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class BlockedItem:
    """A change that is reported and never sent, with a stable reason code and a sentence."""

    reason_code: str
    message: str
    op: str | None = None
    body: dict[str, Any] | None = None
    klass: str | None = None
    path: str | None = None
    group: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "reason": self.reason_code,
            "message": self.message,
            "op": self.op,
            "class": self.klass,
            "path": self.path,
            "body": self.body,
            "group": self.group,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BlockedItem:
        return cls(
            reason_code=data["reason"],
            message=data["message"],
            op=data.get("op"),
            body=data.get("body"),
            klass=data.get("class"),
            path=data.get("path"),
            group=data.get("group"),
        )


@dataclass(frozen=True, kw_only=True)
class UnmanagedItem:
    """A live add-on or plan group the YAML does not mention: reported, never touched."""

    group: str
    type: str | None
    detail: str
    #: The group's name as Zoom sells it (`Revenue Accelerator`); None for an unknown group.
    title: str | None = None

    @property
    def named(self) -> str:
        """`Revenue Accelerator (plan_zoom_iq) ziq_sales_monthly`, or the bare key."""
        what = f"{self.title} ({self.group})" if self.title else self.group
        return f"{what} {self.type}" if self.type else what

    def to_json(self) -> dict[str, Any]:
        data = {"group": self.group, "type": self.type, "detail": self.detail}
        if self.title is not None:
            data["title"] = self.title
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> UnmanagedItem:
        return cls(
            group=data["group"],
            type=data.get("type"),
            detail=data["detail"],
            title=data.get("title"),
        )
