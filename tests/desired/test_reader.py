"""reader.py: plain data with marks, and every PyYAML leniency turned into a located problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.desired import reader
from reconciler.desired.reader import Location, read_bytes, read_file


def messages(raw: bytes) -> list[tuple[int, int, str, str]]:
    result = read_bytes(raw, "f.yaml")
    return [(p.line, p.column, p.severity, p.message) for p in result.problems]


def test_values_and_keys_keep_their_line_and_column() -> None:
    result = read_bytes(
        b"account_id: sub_a\nplans:\n  plan_webinar:\n    - {type: w, hosts: 3}\n", "f"
    )
    (document,) = result.documents
    assert result.problems == []
    assert document.data == {
        "account_id": "sub_a",
        "plans": {"plan_webinar": [{"type": "w", "hosts": 3}]},
    }
    assert document.at(("plans", "plan_webinar", 0, "hosts")) == Location("f", 4, 24)
    assert document.key_at(("plans", "plan_webinar")) == Location("f", 3, 3)
    assert document.at(("plans", "nothing", "here")) == Location("f", 3, 3)


def test_duplicate_keys_name_both_lines() -> None:
    assert messages(b"a: 1\nb: 2\na: 3\n") == [
        (
            3,
            1,
            "error",
            "duplicate key 'a' (first defined on line 1); "
            "YAML would silently keep only the last one",
        )
    ]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (b"country: NO\n", "boolean false"),
        (b"country: no\n", "boolean false"),
        (b"flag: on\n", "boolean true"),
        (b"flag: Off\n", "boolean false"),
        (b"hosts: 012\n", "number 10"),
        (b"hosts: 0x1f\n", "number 31"),
        (b"hosts: 1:30\n", "number 90"),
        (b"hosts: 1_000\n", "number 1000"),
        (b"renewal: 2026-01-31\n", "date"),
        (b"renewal: 2026-01-31T10:00:00Z\n", "date"),
    ],
)
def test_yaml_11_traps_in_value_positions_are_errors_with_a_quoting_hint(
    text: bytes, hint: str
) -> None:
    ((line, _column, severity, message),) = messages(text)
    assert (line, severity) == (1, "error")
    assert hint in message
    assert "quote it" in message or "write" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            b"hosts: 015\n",
            "YAML 1.1 reads '015' as octal (leading zero), the number 13; write 15 if you mean "
            "15 (quoted, '015' is text, not a number)",
        ),
        (
            b"hosts: 1_5\n",
            "YAML 1.1 reads '1_5' as the number 15 (it drops underscores between digits; "
            "YAML 1.2 reads text); write 15",
        ),
        (b"hosts: 0x1f\n", "YAML 1.1 reads '0x1f' as hexadecimal, the number 31; write 31"),
        (
            b"hosts: 1:30\n",
            "YAML 1.1 reads '1:30' as base 60 (sexagesimal, like a clock), the number 90; "
            "write 90, or quote it if you mean the text: '1:30'",
        ),
    ],
)
def test_each_yaml_11_number_trap_says_what_it_was_read_as_and_what_to_write(
    text: bytes, message: str
) -> None:
    """Issue 20: `015` was answered with "write 13" although the user meant fifteen."""
    assert [m for _line, _column, _severity, m in messages(text)] == [message]


def test_quoted_look_alikes_and_plain_decimals_are_fine() -> None:
    result = read_bytes(b"country: 'NO'\nzip: \"012\"\nhosts: 12\nok: true\nd: '2026-01-31'\n", "f")
    assert result.problems == []
    assert result.documents[0].data == {
        "country": "NO",
        "zip": "012",
        "hosts": 12,
        "ok": True,
        "d": "2026-01-31",
    }


def test_single_letter_booleans_are_warnings() -> None:
    assert [m[2] for m in messages(b"- y\n- N\n")] == ["warning", "warning"]


def test_read_only_dates_pasted_from_zoom_are_kept_as_text() -> None:
    result = read_bytes(b"service_effective_date: 2026-01-01T00:00:00Z\n", "f")
    assert result.problems == []
    assert result.documents[0].data == {"service_effective_date": "2026-01-01T00:00:00Z"}


def test_boolean_keys_are_errors() -> None:
    ((line, column, severity, message),) = messages(b"on: 1\n")
    assert (line, column, severity) == (1, 1, "error")
    assert "key on is read as a boolean" in message


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    problems = messages("\n".join(lines).encode())
    assert len(problems) == 1
    assert "aliases" in problems[0][3]


def test_expansion_is_bounded_even_with_few_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_VALUES", 50)
    problems = messages(b"a: &a [" + b",".join([b"1"] * 40) + b"]\nb: *a\n")
    assert [p[3] for p in problems] == ["document expands to more than 50 values (alias bomb?)"]


def test_a_few_aliases_are_allowed() -> None:
    result = read_bytes(b"a: &c {x: 1}\nb: *c\n", "f")
    assert result.problems == []
    assert result.documents[0].data == {"a": {"x": 1}, "b": {"x": 1}}


def test_recursive_alias_is_an_error_not_a_recursion() -> None:
    assert "recursive" in messages(b"a: &x\n  b: *x\n")[0][3]


@pytest.mark.parametrize("opener", [b"[", b"{a: "])
def test_deep_nesting_is_refused_without_recursion_error(opener: bytes) -> None:
    problems = messages(opener * 5000)
    assert len(problems) == 1
    assert "nesting deeper than" in problems[0][3]


def test_deep_block_nesting_is_refused() -> None:
    text = "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(100)).encode()
    assert "nesting deeper than" in messages(text)[0][3]


@pytest.mark.parametrize(
    ("raw", "where", "word"),
    [
        (b"", (1, 1), "empty"),
        (b"   \n\n", (1, 1), "empty"),
        (b"# nothing\n", (1, 1), "no YAML document"),
        (b"---\n", (1, 1), "no YAML document"),
        (b"a: 1\nb: \x00\n", (2, 4), "binary"),
        (b"a: 1\nb: caf\xe9\n", (2, 7), "UTF-8"),
        (b"a: 1\nb:\n\t- x\n", (3, 1), "tab"),
        (b"a: [1\n", (2, 1), "malformed YAML"),
        (b"a: b: c\n", (1, 5), "malformed YAML"),
        (b"a: \x1b\n", (1, 4), "not allowed"),
        (b"!!python/object:os.system {}\n", (1, 1), "not allowed"),
        (b"<<: {a: 1}\n", (1, 1), "merge keys"),
        (b"[a]: 1\n", (1, 1), "plain word"),
    ],
)
def test_bad_input_is_a_located_problem(raw: bytes, where: tuple[int, int], word: str) -> None:
    problems = messages(raw)
    assert problems, raw
    assert problems[0][:2] == where
    assert word in problems[0][3]


def test_a_utf8_bom_is_accepted() -> None:
    result = read_bytes("\ufeffname: Zürich\n".encode(), "f")
    assert result.problems == []
    assert result.documents[0].data == {"name": "Zürich"}


def test_empty_documents_between_others_are_skipped() -> None:
    result = read_bytes(b"a: 1\n---\n---\nb: 2\n---\n", "f")
    assert [d.data for d in result.documents] == [{"a": 1}, {"b": 2}]
    assert result.problems == []


def test_size_limit_is_checked_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" * 30)
    result = read_file(path, "big.yaml")
    (problem,) = result.problems
    assert (problem.file, problem.line) == ("big.yaml", 1)
    assert "150 bytes" in problem.message


def test_unreadable_path_is_a_problem(tmp_path: Path) -> None:
    result = read_file(tmp_path, "folder.yaml")
    (problem,) = result.problems
    assert problem.message.startswith("cannot read file")


@pytest.mark.parametrize(
    "number", ["1" * 5000, "0x" + "f" * 5000, "1." + "1" * 5000, "1" + ":1" * 3000]
)
def test_numbers_too_long_for_python_are_located_errors(number: str) -> None:
    ((line, column, severity, message),) = messages(f"hosts: {number}\n".encode())
    assert (line, column, severity) == (1, 8, "error")
    assert "digits is not a plan quantity" in message


SAMPLES = [
    b"account_id: sub_a\nplans:\n  plan_webinar:\n    - {type: w, hosts: 3}\n",
    b"a: 1\nb: 2\na: 3\n",
    b"country: NO\nhosts: 012\nd: 2026-01-31\n- y\n",
    b"country: NO\nhosts: 012\nd: 2026-01-31\nl: [y, 'n', on]\n",
    b"a: &x {b: 1}\nc: *x\n---\n---\nname: Z\xc3\xbcrich\n",
    b"a: &x\n  b: *x\n",
    b"[" * 100 + b"]" * 100,
    b"[" * 40 + b"x" + b"]" * 40,
    b"[" * 41 + b"x" + b"]" * 41,
    "".join(f"{'  ' * d}k{d}:\n" for d in range(60)).encode(),
    b"a: [1\n",
]


@pytest.mark.parametrize("raw", SAMPLES)
def test_libyaml_and_pure_python_read_alike(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = read_bytes(raw, "f")
    monkeypatch.setattr(reader.yaml, "__with_libyaml__", False)
    slow = read_bytes(raw, "f")
    assert [(d.data, d.values, d.keys) for d in fast.documents] == [
        (d.data, d.values, d.keys) for d in slow.documents
    ]
    assert [(p.line, p.column, p.severity) for p in fast.problems] == [
        (p.line, p.column, p.severity) for p in slow.problems
    ]
    assert len(fast.problems) == len(slow.problems)


def test_brackets_inside_quotes_do_not_count_as_nesting() -> None:
    """The depth classifier only counts flow brackets that YAML reads as brackets."""
    text = b'a: "' + b"[" * 100 + b'"\nb: [1\n'
    problems = messages(text)
    assert problems and "malformed YAML" in problems[0][3]
    assert "nesting deeper" not in problems[0][3]
