"""The plan's JSON form (SPEC section 7, `Plan.to_json`) as a Renderer, like every other format."""

from __future__ import annotations

import json
from typing import TextIO

from reconciler.planner.model import Plan


class JsonRenderer:
    """Indented JSON of `Plan.to_json()`; `json.dumps` escapes every control character."""

    def render(self, plan: Plan, out: TextIO) -> None:
        out.write(json.dumps(plan.to_json(), indent=2) + "\n")
