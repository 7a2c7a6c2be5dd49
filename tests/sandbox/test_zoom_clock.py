"""Zoom's clock and writes that never show (issue 18): what apply's journal rules are tested on.

Every answer carries a ``Date`` header, shifted by ``clock_offset_s`` (``--clock-offset``); an
account seeded ``loses_accepted_writes`` answers every write exactly as usual and keeps none,
so its strictness is unchanged: a refused write is still refused.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

import httpx

from reconciler.sandbox import SandboxServer

Factory = Callable[..., SandboxServer]
ClientFor = Callable[[SandboxServer], httpx.Client]
SEED = {
    "credentials": {"account_id": "MASTER1", "client_id": "c", "client_secret": "s"},
    "accounts": {
        "sub_lost": {
            "plans": {"plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"}},
            "loses_accepted_writes": True,
        }
    },
}


def _date(answer: httpx.Response) -> float:
    return parsedate_to_datetime(answer.headers["date"]).timestamp()


def test_every_answer_carries_a_date_shifted_by_the_clock_offset(
    sandbox: Factory, client_for: ClientFor
) -> None:
    plain, shifted = sandbox(SEED), sandbox(SEED, clock_offset_s=8 * 86_400)
    now = time.time()
    assert abs(_date(client_for(plain).get("/accounts/sub_lost/plans")) - now) < 5
    answers = [
        client_for(shifted).get("/accounts/sub_lost/plans"),
        client_for(shifted).get("/accounts/nobody/plans"),  # an error carries it too
    ]
    for answer in answers:
        assert answer.headers.get_list("date") == [answer.headers["date"]]  # exactly one
        assert abs(_date(answer) - (now + 8 * 86_400)) < 5


def test_an_account_that_loses_accepted_writes_answers_as_usual_and_never_shows_them(
    sandbox: Factory, client_for: ClientFor
) -> None:
    sb = sandbox(SEED)
    client = client_for(sb)
    bought = client.post(
        "/accounts/sub_lost/plans/addons", json={"type": "webinar500_monthly", "hosts": 3}
    )
    assert bought.status_code == 201
    assert "plan_webinar" not in client.get("/accounts/sub_lost/plans").json()
    # Still as strict as Zoom: a wrong body is refused, not swallowed.
    wrong = client.post("/accounts/sub_lost/plans/addons", json={"type": "webinar500_monthly"})
    assert wrong.status_code == 400
    assert sb.plans("sub_lost")["plan_base"]["hosts"] == 20
