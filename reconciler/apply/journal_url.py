"""A journal named by a PostgreSQL URL: recognising it, and showing it without its password.

Kept apart from the store (``reconciler.apply.journal_postgres``) so that choosing a journal and
checking ``zoomplans.yaml`` never import psycopg: a user without the ``postgres`` extra still
gets a clear message, and ``zoomplans --help`` stays quick.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

SCHEMES = ("postgresql://", "postgres://")


def is_database_url(text: str) -> bool:
    return text.lower().startswith(SCHEMES)


def carries_password(url: str) -> bool:
    """True when the URL itself holds a password (in the user part or a ``password=`` key)."""
    parts = urlsplit(url)
    if parts.password:
        return True
    return any(key == "password" for key, _value in parse_qsl(parts.query))


def shown_url(url: str) -> str:
    """``postgresql://host[:port]/db``: where the journal is, with no user or password.

    A unix-socket URL (``postgresql:///db?host=/run/pg``) shows the socket folder as its host.
    Anything unparseable shows as ``postgresql://(unreadable URL)`` rather than as itself.
    """
    try:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        host = parts.hostname or query.get("host", "") or "localhost"
        port = parts.port or query.get("port")
    except ValueError:
        return "postgresql://(unreadable URL)"
    where = f"[{host}]" if ":" in host else host
    if port:
        where += f":{port}"
    database = parts.path.lstrip("/") or query.get("dbname", "")
    return f"postgresql://{where}/{database}"


def scrubbed(message: str, url: str) -> str:
    """A driver's message with the URL's password (if any) replaced by ``***``."""
    try:
        parts = urlsplit(url)
        secrets = [parts.password or ""]
        secrets += [value for key, value in parse_qsl(parts.query) if key == "password"]
    except ValueError:
        return message.replace(url, "(the journal URL)")
    for secret in secrets:
        if secret:
            message = message.replace(secret, "***")
    return message
