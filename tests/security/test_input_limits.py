"""Hostile desired-state files are refused quickly, with bounded memory, and without a traceback.

Each runs `zoomplans validate` in a subprocess whose own peak RSS (VmHWM) is sampled while it
runs, so the bound is about this file alone. The bounds are generous (a few seconds, 200 MiB) so
they catch an expansion or a whole-file read, not a slow machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

MAX_SECONDS = 20.0
MAX_RSS_MB = 200.0


def alias_bomb(levels: int = 9) -> str:
    """The 'billion laughs': each level is a list of ten aliases of the one before."""
    lines = ['account_id: "sub_bomb"', 'a0: &a0 ["lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels + 1):
        refs = ", ".join([f"*a{n - 1}"] * 10)
        lines.append(f"a{n}: &a{n} [{refs}]")
    lines.append(f"plans: {{plan_base: {{type: business_monthly, hosts: 20}}, x: *a{levels}}}")
    return "\n".join(lines) + "\n"


def write_big_yaml(path: Path, size: int) -> None:
    """A valid-looking YAML file of `size` bytes, written in large blocks (about 0.1 s)."""
    block = "# padding padding padding padding padding padding padding padding padding\n" * 14000
    head = 'account_id: "sub_big"\nplans: {plan_base: {type: business_monthly, hosts: 20}}\n'
    with path.open("w") as out:
        out.write(head)
        written = len(head)
        while written < size:
            chunk = block[: size - written]
            out.write(chunk)
            written += len(chunk)


def check_refused(done, name: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert name in done.stdout + done.stderr, "the problem names the file"
    assert done.seconds < MAX_SECONDS
    assert done.peak_rss_mb < MAX_RSS_MB


def test_alias_bomb_is_refused_with_bounded_memory(tmp_path: Path, zoomplans_measured) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb())
    done = zoomplans_measured("validate", str(bomb), cwd=tmp_path)
    check_refused(done, "bomb.yaml")
    assert "alias" in done.stdout.lower() or "expand" in done.stdout.lower(), done.stdout


@pytest.mark.parametrize("form", ["text", "sparse"])
def test_100_mb_file_is_refused_without_reading_it_all(
    tmp_path: Path, form: str, zoomplans_measured
) -> None:
    big = tmp_path / "big.yaml"
    size = 100 * 1024 * 1024
    if form == "sparse":
        with big.open("wb") as out:
            out.write(b'account_id: "sub_big"\n')
            out.truncate(size)  # a hole: 100 MB on paper, nothing on disk
    else:
        write_big_yaml(big, size)
    assert big.stat().st_size >= size
    done = zoomplans_measured("validate", str(big), cwd=tmp_path)
    check_refused(done, "big.yaml")
    assert "limit" in done.stdout.lower() or "bytes" in done.stdout.lower(), done.stdout


def test_the_limits_are_not_a_blanket_refusal(tmp_path: Path, zoomplans_measured) -> None:
    """The same checks pass an ordinary file, so the refusals above are about the input."""
    fine = tmp_path / "fine.yaml"
    fine.write_text(
        'account_id: "sub_ok"\nplans: {plan_base: {type: business_monthly, hosts: 20}}\n'
    )
    done = zoomplans_measured("validate", str(fine), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.peak_rss_mb < MAX_RSS_MB
