"""Every body the client puts on the wire, validated against Zoom's own Swagger 2.0 schemas.

The bodies are captured from the wire by a transport wrapper (what was really sent, after JSON
encoding), then checked against the definitions extracted verbatim from Zoom's 2018 spec into
zoom_plan_definitions.json: AccountPlans + BillingContactRequired for subscribe,
AccountPlanBaseRequired for the base PUT, AccountPlanRequired for add-on POST/PUT, and the
plan_audio property of AccountPlans for audio add-ons.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from reconciler.zoom import ZoomClient
from tests.sample_contact import CONTACT

SPEC = json.loads((Path(__file__).parent / "zoom_plan_definitions.json").read_text())
DEFINITIONS = SPEC["definitions"]
BODIES = SPEC["request_bodies"]


# The cancel endpoint is not in the 2018 spec; this is its body as Zoom's notes describe it.
CANCEL_SCHEMA = {
    "type": "object",
    "required": ["action", "type"],
    "properties": {
        "action": {"enum": ["cancel"]},
        "type": {"type": "string"},
        "reason": {"type": "integer", "minimum": 1, "maximum": 6},
        "comment": {"type": "string"},
    },
}


def validator(schema: dict[str, Any]) -> jsonschema.Draft4Validator:
    """Swagger 2.0 schemas are JSON Schema draft 4; refs point into #/definitions."""
    return jsonschema.Draft4Validator({**schema, "definitions": DEFINITIONS})


SCHEMAS = {
    "subscribe": validator(
        {
            "allOf": [
                BODIES["POST /accounts/{accountId}/plans"],
                {"required": ["contact", "plan_base"]},
            ]
        }
    ),
    "update_base": validator(BODIES["PUT /accounts/{accountId}/plans/base"]),
    "add_addon": validator(BODIES["POST /accounts/{accountId}/plans/addons"]),
    "add_audio": validator(
        {"allOf": [DEFINITIONS["AccountPlans"]["properties"]["plan_audio"], {"required": ["type"]}]}
    ),
    "update_addon": validator(BODIES["PUT /accounts/{accountId}/plans/addons"]),
    "cancel_addon": validator(CANCEL_SCHEMA),
}

# (client method, schema, body): the wire contract of docs/ARCHITECTURE.md, one per shape.
CALLS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "subscribe",
        "subscribe",
        {
            "contact": CONTACT,
            "plan_base": {"type": "business_monthly", "hosts": 25},
            "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2},
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}],
            "plan_large_meeting": [{"type": "large500_monthly", "hosts": 1}],
            "plan_recording": "cmr_monthly_commitment_40",
            "plan_audio": {"type": "tollfree_payongo", "tollfree_countries": "CA,US"},
        },
    ),
    ("update_base", "update_base", {"type": "business_monthly", "hosts": 30}),
    ("add_addon", "add_addon", {"type": "webinar1000_monthly", "hosts": 2}),
    ("add_addon", "add_addon", {"type": "cmr_monthly_commitment_40", "hosts": 1}),
    ("add_addon", "add_addon", {"type": "phone_payongo", "hosts": 1, "callout_countries": "US"}),
    (
        "add_addon",
        "add_audio",
        {
            "type": "tollfree_payongo",
            "tollfree_countries": "CA,US",
            "premium_countries": "GB",
            "callout_countries": "US",
            "ddi_numbers": 2,
        },
    ),
    ("update_addon", "update_addon", {"type": "zroom_monthly", "hosts": 4}),
    ("cancel_addon", "cancel_addon", {"action": "cancel", "type": "webinar500_monthly"}),
]


class CapturingTransport(httpx.AsyncBaseTransport):
    """Wraps a transport and keeps (method, path, decoded JSON body) of every API request."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sent: list[tuple[str, str, Any]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != "/oauth/token" and request.content:
            self.sent.append((request.method, request.url.path, json.loads(request.content)))
        return await self.inner.handle_async_request(request)


def errors_of(schema: str, body: Any) -> list[str]:
    return [e.message for e in SCHEMAS[schema].iter_errors(body)]


async def test_every_body_on_the_wire_matches_zooms_schema(
    scripted, oauth_config, fast_retry
) -> None:
    capture = CapturingTransport(scripted.transport())
    scripted.answers = [
        httpx.Response(201 if m in ("subscribe", "add_addon") else 204) for m, _, _ in CALLS
    ]
    async with ZoomClient(oauth_config, transport=capture, retry=fast_retry) as zoom:
        for method, _, body in CALLS:
            await getattr(zoom, method)("sub_8Jk2Lm", body)
    assert len(capture.sent) == len(CALLS)
    for (_, schema, body), (_, path, sent) in zip(CALLS, capture.sent, strict=True):
        assert sent == body, f"{path}: the client must send the body unchanged"
        assert errors_of(schema, sent) == [], f"{path}: {sent}"
    assert [(m, p) for m, p, _ in capture.sent] == [
        ("POST", "/v2/accounts/sub_8Jk2Lm/plans"),
        ("PUT", "/v2/accounts/sub_8Jk2Lm/plans/base"),
        ("POST", "/v2/accounts/sub_8Jk2Lm/plans/addons"),
        ("POST", "/v2/accounts/sub_8Jk2Lm/plans/addons"),
        ("POST", "/v2/accounts/sub_8Jk2Lm/plans/addons"),
        ("POST", "/v2/accounts/sub_8Jk2Lm/plans/addons"),
        ("PUT", "/v2/accounts/sub_8Jk2Lm/plans/addons"),
        ("PATCH", "/v2/accounts/sub_8Jk2Lm/plans/addons/status"),
    ]


@pytest.mark.parametrize(
    ("schema", "body"),
    [
        ("subscribe", {"plan_base": {"type": "monthly", "hosts": 1}}),
        (
            "subscribe",
            {"contact": {**CONTACT, "zip": None}, "plan_base": {"type": "monthly", "hosts": 1}},
        ),
        ("update_base", {"type": "monthly", "hosts": "3"}),
        ("add_addon", {"type": "zroom_monthly"}),
        ("add_audio", {"type": "tollfree_payongo", "tollfree_countries": ["US", "CA"]}),
        ("cancel_addon", {"action": "delete", "type": "zroom_monthly"}),
    ],
)
def test_the_schemas_do_reject_wrong_bodies(schema: str, body: dict[str, Any]) -> None:
    assert errors_of(schema, body), "a schema that accepts this would make the test above vacuous"


# The same shapes sent to the sandbox over real loopback HTTP; each targets an account where the
# call makes sense, so the sandbox (an independent reading of Zoom's rules) accepts it too.
SANDBOX_CALLS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("subscribe", "sub_new", "subscribe", CALLS[0][2]),
    ("update_base", "sub_8Jk2Lm", "update_base", {"type": "business_monthly", "hosts": 30}),
    ("add_addon", "sub_8Jk2Lm", "add_addon", {"type": "webinar1000_monthly", "hosts": 2}),
    ("add_addon", "sub_8Jk2Lm", "add_addon", {"type": "cmr_monthly_commitment_40", "hosts": 1}),
    (
        "add_addon",
        "sub_pro",
        "add_audio",
        # Zoom's 2026 add-on schema requires hosts, audio included.
        {"type": "tollfree_payongo", "hosts": 1, "tollfree_countries": "US"},
    ),
    ("update_addon", "sub_8Jk2Lm", "update_addon", {"type": "zroom_monthly", "hosts": 4}),
    (
        "cancel_addon",
        "sub_8Jk2Lm",
        "cancel_addon",
        {"action": "cancel", "type": "webinar500_monthly"},
    ),
]


async def test_bodies_sent_to_the_sandbox_match_zooms_schema(
    sandbox, zoom_seed, client_for
) -> None:
    sb = sandbox(seed=zoom_seed)
    capture = CapturingTransport(httpx.AsyncHTTPTransport())
    async with client_for(sb, transport=capture) as zoom:
        for method, account, _, body in SANDBOX_CALLS:
            result = await getattr(zoom, method)(account, body)
            assert 200 <= result.status < 300
    assert len(capture.sent) == len(SANDBOX_CALLS)
    for (_, _, schema, body), (_, path, sent) in zip(SANDBOX_CALLS, capture.sent, strict=True):
        assert sent == body
        assert errors_of(schema, sent) == [], f"{path}: {sent}"
    logged = [r.body for r in sb.requests if r.path.startswith("/v2/")]
    assert logged == [body for *_, body in SANDBOX_CALLS]
