"""The one interface every plan renderer has (reconciler.render.formats picks one per format).

`plan`, `apply`'s preview and the HTML report all hand a `Plan` (reconciler.planner.model) to
a `Renderer`; none reads a plan's JSON form, so every format sees the same calls, families and
totals (tests/render/test_formats_agree.py holds them to it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from reconciler.planner.model import Plan


class Renderer(Protocol):
    """Writes one plan for one kind of reader.

    The contract every renderer keeps:
    - `render(plan, out)` writes the whole output to `out` (ending with a newline) and neither
      closes nor flushes it; it reads only `plan` (no file, no network, no clock), so the same
      plan renders the same bytes.
    - Every value that came from a desired file, a plan file or Zoom (names, sources, types,
      reasons, messages) is escaped by the module of the output's kind in reconciler.escaping:
      a name cannot add a line, move a terminal's cursor, or leave its cell, its `<summary>`
      or its element.
    - Families are named by reconciler.render.families, calls worded by
      reconciler.render.wording; an op that module does not know raises UnknownOpError rather
      than being shown as something else.
    - The header (what the plan is, where it came from, when it expires, which options and
      settings made it) comes first, then totals, then the accounts, most dangerous first.
    """

    def render(self, plan: Plan, out: TextIO) -> None: ...
