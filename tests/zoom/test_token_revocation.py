"""What a token revoked mid-run costs, over real loopback against the sandbox.

The client takes its bearer token only when the call holds its rate slot, so a revocation can
only hit the calls already on the wire: at most one 401 per call in flight, however many calls
wait in the pacer's queue, and one token request per revocation.

The revocations are made by a test thread after so many answered calls, not after so many
seconds: on a loaded machine every call takes longer, and a wall-clock timer then revokes the
token several times during one call, which is that call's fourth revoked token in a row and
the client rightly gives up (a rotation that fast is another job's). Counted in calls, the
runs are the same on an idle and on a busy machine. The sandbox's own timer
(`revoke_every_s`, what `make bench` uses) is tests/sandbox/test_cli_sandbox.py's.
"""

from __future__ import annotations

import asyncio
import threading


def token_requests(sb) -> list:
    return [r for r in sb.requests if r.path == "/oauth/token"]


def api_statuses(sb) -> list[int]:
    return [r.status for r in sb.requests if r.path.startswith("/v2/")]


class RevokeEvery(threading.Thread):
    """Revokes every token each time ``every`` more API calls have been answered 200 (at most
    ``times`` times), and notes how many calls had not yet reached the sandbox at the first."""

    def __init__(self, sb, every: int, calls: int, times: int | None = None) -> None:
        super().__init__(name="revoker", daemon=True)
        self.sb, self.every, self.calls, self.times = sb, every, calls, times
        self.revocations = 0
        self.queued_at_first: int | None = None
        self._done = threading.Event()

    def run(self) -> None:
        due = self.every
        while not self._done.wait(0.002):  # polls the request log: no fixed wait
            if self.revocations == self.times or api_statuses(self.sb).count(200) < due:
                continue
            reached = len(api_statuses(self.sb)) + self.sb.app.in_flight
            self.sb.faults.revoke_tokens()
            self.revocations += 1
            due += self.every
            if self.queued_at_first is None:
                self.queued_at_first = self.calls - reached

    def stop(self) -> None:
        self._done.set()
        self.join()


async def test_a_revoked_token_costs_at_most_one_401_per_call_in_flight(
    sandbox, zoom_seed, client_for
) -> None:
    sb = sandbox(seed=zoom_seed, latency_ms=50)
    # 60 reads queued at once (as `plan` queues its accounts): about 1 s at 57/s; the token is
    # revoked once, after 20 of them (about 0.35 s in on an idle machine).
    revoker = RevokeEvery(sb, every=20, calls=60, times=1)
    async with client_for(sb) as zoom:
        revoker.start()
        answers = await asyncio.gather(*(zoom.get_plans("sub_pro") for _ in range(60)))
    revoker.stop()
    statuses = api_statuses(sb)
    in_flight = sb.max_concurrent_requests
    assert revoker.revocations == 1
    assert len(answers) == 60
    assert statuses.count(200) == 60
    assert 1 <= statuses.count(401) <= in_flight
    # The pacer keeps few calls on the wire (about 3 at 57/s with 50 ms answers; more when a
    # loaded machine holds answers back), while the queue behind them held dozens: a token
    # taken before queueing would have cost a 401 for each of those.
    assert revoker.queued_at_first is not None and in_flight < revoker.queued_at_first
    assert len(token_requests(sb)) == 2
    assert 429 not in statuses


async def test_tokens_revoked_again_and_again_cost_one_token_request_and_few_401s_each(
    sandbox, zoom_seed, client_for
) -> None:
    sb = sandbox(seed=zoom_seed, latency_ms=50)
    # 90 reads queued at once, every token revoked after each 15 answered (about every 0.3 s
    # on an idle machine): 5 revocations or 6.
    revoker = RevokeEvery(sb, every=15, calls=90)
    async with client_for(sb) as zoom:
        revoker.start()
        await asyncio.gather(*(zoom.get_plans("sub_pro") for _ in range(90)))
    revoker.stop()
    revocations = revoker.revocations
    statuses = api_statuses(sb)
    assert revocations >= 5
    assert statuses.count(200) == 90
    assert statuses.count(401) <= revocations * sb.max_concurrent_requests
    assert len(token_requests(sb)) <= revocations + 1
    assert 429 not in statuses
