"""The sandbox's side of the wire: an answer as data, and the ASGI messages that carry a
request body in and an answer (with Zoom's ``Date``) out. `app.py` decides what to answer."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any

from reconciler.sandbox.bodies import is_integer

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Answer:
    """One HTTP answer; `drop` sends the status line and then cuts the connection; `applied`
    says that Zoom's rules accepted the write, whatever the client is told."""

    status: int
    body: Any = None  # dict/list -> JSON; str -> text/html; None -> no body
    headers: tuple[tuple[str, str], ...] = ()
    drop: bool = False
    applied: bool = False

    @property
    def zoom_code(self) -> int | None:
        if isinstance(self.body, dict) and is_integer(self.body.get("code")):
            return int(self.body["code"])
        return None


def loggable(raw: bytes) -> Any:
    """The JSON body as sent, for the request log; undecodable bodies are kept as short text."""
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        return raw[:200].decode("utf-8", errors="replace")


async def read_body(receive: Receive) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_BODY_BYTES:
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), size > MAX_BODY_BYTES


def date_header(offset_s: float) -> tuple[bytes, bytes]:
    """Every answer carries Zoom's time, as a real server's does (RFC 9110 ``Date``)."""
    moment = time.time() + offset_s
    return b"date", formatdate(moment, usegmt=True).encode("latin-1")


async def send_answer(send: Send, answer: Answer, clock_offset_s: float = 0.0) -> None:
    if isinstance(answer.body, str):
        payload = answer.body.encode("utf-8")
        content_type = "text/html; charset=utf-8"
    elif answer.body is not None:
        payload = json.dumps(answer.body).encode("utf-8")
        content_type = "application/json; charset=utf-8"
    else:
        payload, content_type = b"", ""
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers]
    headers.append(date_header(clock_offset_s))
    if content_type:
        headers.append((b"content-type", content_type.encode("latin-1")))
    if answer.drop:
        # Announce a body, send the status line, then end without it: uvicorn closes the
        # connection, and the client sees a broken response instead of an answer.
        headers.append((b"content-length", str(max(len(payload), 64)).encode("latin-1")))
        status = answer.status if answer.status != 204 else 200
        await send({"type": "http.response.start", "status": status, "headers": headers})
        return
    if answer.status != 204:
        headers.append((b"content-length", str(len(payload)).encode("latin-1")))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
