"""The one JSON spelling every hash of zoomplans is made from.

A plan's `live_sha256` and `desired_sha256`, the journal's plan hash and apply's resume proof
are all sha256 of this canonical JSON, so two of them never disagree about the same data.
(`reconciler.groups.normalise` re-exports both names, where callers have long found them.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from json import encoder as json_encoder
from typing import Any


def canonical_json(value: Any) -> str:
    """The one JSON spelling hashed everywhere: sorted keys, no spaces, UTF-8 kept."""
    return "".join(_ENCODE(value, 0))


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


def _encoder() -> Callable[[Any, int], Sequence[str]]:
    """`json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    default=_jsonable, check_circular=False)`, as the C encoder `json.dumps` makes for each
    call, made once: a plan hashes every account, and the per-call set-up was a quarter of
    the hashing (issue 19). Without the circular check: what is hashed is a tree (JSON answers,
    plan files, and YAML whose loader refuses a recursive alias); a cycle would end in
    RecursionError instead of ValueError. `tests/planner/test_fast_forms.py` compares the
    spelling with `json.dumps` on random values."""
    make = getattr(json_encoder, "c_make_encoder", None)  # _json.make_encoder, not in the stubs
    if make is None:  # a Python built without the C accelerator: the same spelling, slower
        plain = json.JSONEncoder(
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            default=_jsonable,
            check_circular=False,
        )
        return lambda value, _level: (plain.encode(value),)
    encode: Callable[[Any, int], Sequence[str]] = make(
        None, _jsonable, json_encoder.encode_basestring, None, ":", ",", True, False, True
    )
    return encode


#: One encoder for every hash (encoders keep no state between calls).
_ENCODE = _encoder()
