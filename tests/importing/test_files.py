"""File names, the existing-files index, and writes that never clobber."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.importing.files import (
    ExistingFiles,
    file_name,
    file_names,
    replace_file,
    slug,
    write_new_file,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme EMEA", "acme-emea"),
        ("Acme EMEA (Zürich)", "acme-emea-zurich"),
        ("  ../../etc/passwd  ", "etc-passwd"),
        ("東京", "account"),
        ("", "account"),
        (None, "account"),
        ("x" * 200, "x" * 48),
    ],
)
def test_slug_is_filesystem_safe(name: str | None, expected: str) -> None:
    assert slug(name) == expected


def test_file_name_is_slug_plus_lower_case_id() -> None:
    assert file_name("sub_8Jk2Lm", "Acme EMEA") == "acme-emea--sub_8jk2lm.yaml"


def test_file_names_tell_apart_ids_that_differ_only_in_case() -> None:
    names = file_names([("sub_AB", "Acme"), ("sub_ab", "Acme"), ("sub_cd", "Acme")])
    assert len({n.lower() for n in names.values()}) == 3
    assert names["sub_cd"] == "acme--sub_cd.yaml"
    assert names["sub_AB"].startswith("acme--sub_ab-")
    # Stable: the same id and name give the same name on every run.
    assert file_names([("sub_AB", "Acme"), ("sub_ab", "Acme")])["sub_AB"] == names["sub_AB"]


def test_write_new_file_never_clobbers(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.yaml"
    assert write_new_file(target, "first\n")
    assert not write_new_file(target, "second\n")
    assert target.read_text() == "first\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.yaml"]


def test_replace_file_swaps_content_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    target.write_text("old\n")
    replace_file(target, "new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_existing_files_index_accounts_wherever_they_are(tmp_path: Path) -> None:
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "renamed.yml").write_text('account_id: "sub_1"\nname: One\n')
    (tmp_path / "two.yaml").write_text("account_id: sub_2\n---\naccount_id: sub_3\n")
    (tmp_path / "broken.yaml").write_text("account_id: [unclosed\n")
    (tmp_path / "baddate.yaml").write_text("account_id: sub_9\nwhen: 2020-13-45\n")
    (tmp_path / "junk.yaml").write_bytes(b"\xff\xfe\x00junk")
    (tmp_path / "notes.txt").write_text("account_id: sub_4\n")
    found = ExistingFiles.scan(tmp_path)
    assert found.by_account["sub_1"].path == tmp_path / "team" / "renamed.yml"
    assert found.by_account["sub_1"].documents_in_file == 1
    assert found.by_account["sub_3"].documents_in_file == 2
    assert "sub_4" not in found.by_account
    assert found.unreadable == {tmp_path / n for n in ("broken.yaml", "baddate.yaml", "junk.yaml")}
    assert found.holder_of(tmp_path / "team" / "renamed.yml") == "sub_1"


def test_scanning_a_missing_folder_finds_nothing(tmp_path: Path) -> None:
    assert ExistingFiles.scan(tmp_path / "nope").by_account == {}
