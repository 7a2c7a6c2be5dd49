"""The one way the services say "not this run": a refusal before the first call."""

from __future__ import annotations

from collections.abc import Sequence

EXIT_REFUSED = 1
EXIT_USAGE = 64


class Refused(Exception):
    """The run is refused before anything is sent; the report adds "nothing was sent".

    ``details`` are earlier error lines (every guard rail tripped but the last, say);
    ``exit_code`` is 1, or 64 for a usage error (options that contradict each other).
    """

    def __init__(
        self, message: str, *, exit_code: int = EXIT_REFUSED, details: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.details = tuple(details)
