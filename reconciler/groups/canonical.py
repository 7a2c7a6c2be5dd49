"""The one JSON spelling every hash of zoomplans is made from.

A plan's `live_sha256` and `desired_sha256`, the journal's plan hash and apply's resume proof
are all sha256 of this canonical JSON, so two of them never disagree about the same data.
(`reconciler.groups.normalise` re-exports both names, where callers have long found them.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def canonical_json(value: Any) -> str:
    """The one JSON spelling hashed everywhere: sorted keys, no spaces, UTF-8 kept."""
    return _ENCODER.encode(value)


def canonical_sha256(value: Any) -> str:
    """sha256 of `canonical_json`: every hash a plan, the journal and apply compare (the live
    plans, the desired files, a fresh plan) is spelled this one way, so two never disagree."""
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


#: One encoder for every hash: `json.dumps` with these options would build a new one per call
#: (a plan hashes every account). Encoders keep no state between calls.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_jsonable
)
