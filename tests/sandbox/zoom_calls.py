"""One plan call to the sandbox, with its request and answer checked against Zoom's 2026 document.

Every answer must be one Zoom documents for the operation (status, body schema, error code);
the request must match Zoom's schema unless a test sends a bad body on purpose.
"""

from __future__ import annotations

from typing import Any

import httpx

from reconciler.zoom_2026.validation import answer_problems, request_problems

SEED_2026 = "tests/fixtures/seeds/zoom-2026.yaml"


def call(
    client: httpx.Client,
    method: str,
    path: str,
    body: Any = None,
    *,
    bad_request: bool = False,
) -> httpx.Response:
    """Send one plan call; assert that Zoom's document allows the request and the answer."""
    if not bad_request:
        assert request_problems(method, path, body) == []
    answer = client.request(method, path, json=body)
    data = answer.json() if answer.content else None
    assert answer_problems(method, path, answer.status_code, data) == [], data
    return answer


def refusal(answer: httpx.Response) -> tuple[int, int, str]:
    body = answer.json()
    return answer.status_code, body["code"], body["message"]
