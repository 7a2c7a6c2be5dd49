"""A journal URL as messages show it: where it is, never its password."""

from __future__ import annotations

import pytest

from reconciler.apply.journal_url import carries_password, is_database_url, scrubbed, shown_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://ci:s3cr3t@db.example.com:5433/zoom",
            "postgresql://db.example.com:5433/zoom",
        ),
        ("postgres://db.example.com/zoom?sslmode=require", "postgresql://db.example.com/zoom"),
        ("postgresql:///zoom?host=/run/pg&password=s3cr3t", "postgresql:///run/pg/zoom"),
        ("postgresql://[::1]:5432/zoom", "postgresql://[::1]:5432/zoom"),
        ("postgresql://u:p@host:notaport/db", "postgresql://(unreadable URL)"),
    ],
)
def test_a_url_is_shown_without_user_or_password(url: str, shown: str) -> None:
    assert shown_url(url) == shown
    assert "s3cr3t" not in shown_url(url)


def test_which_urls_carry_a_password() -> None:
    assert carries_password("postgresql://ci:s3cr3t@db/zoom")
    assert carries_password("postgresql://db/zoom?password=s3cr3t")
    assert not carries_password("postgresql://ci@db/zoom?sslmode=require")
    assert is_database_url("PostgreSQL://db/zoom") and not is_database_url("audit/journal.jsonl")


def test_a_driver_message_quoting_the_password_is_scrubbed() -> None:
    url = "postgresql://ci:s3cr3t@db/zoom?password=other"
    assert scrubbed("bad s3cr3t and other", url) == "bad *** and ***"
