"""The progress bar appears on a terminal only, and never on stdout."""

from __future__ import annotations

import io

from reconciler.cli.imports import _Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_is_drawn_in_place_on_a_terminal() -> None:
    stream = Terminal()
    progress = _Progress(stream)
    progress.start(25)
    for _ in range(25):
        progress.step()
    text = stream.getvalue()
    assert text.count("\r") == 3  # at 10, 20 and 25
    assert text.endswith("[" + "#" * 30 + "] 25/25\n")


def test_nothing_is_drawn_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = _Progress(stream)
    progress.start(5)
    for _ in range(5):
        progress.step()
    assert stream.getvalue() == ""
