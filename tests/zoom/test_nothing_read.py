"""A run that read nothing says so and names the address (issue 20): with ZOOM_ACCESS_TOKEN
against a dead server, plan said "stopped reading live plans after 10 of 29 accounts" although
no account had been read. A real client over loopback to a port nothing listens on."""

from __future__ import annotations

import socket

import pytest

from reconciler.zoom import RetryPolicy, ZoomClient, ZoomConfig
from reconciler.zoom.live import LiveReadStopped, read_live


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_dead_address_reads_no_account_and_the_message_names_the_address() -> None:
    port = _closed_port()
    config = ZoomConfig(api_base_url=f"http://127.0.0.1:{port}/v2", access_token="t")
    retry = RetryPolicy(max_attempts=1, base_delay_s=0.0, max_delay_s=0.0)
    ids = [f"sub_{i:02d}" for i in range(29)]
    async with ZoomClient(config, retry=retry) as zoom:
        with pytest.raises(LiveReadStopped) as caught:
            await read_live(zoom, ids, in_flight=4, progress=False)
    text = str(caught.value)
    assert text.startswith("read no account's live plans (of 29): sub_")
    assert f"could not connect to Zoom at http://127.0.0.1:{port} (ConnectError)" in text
    assert text.endswith(
        "; nothing answered at that address: check ZOOM_API_BASE_URL (or the sandbox's "
        "address, if you meant it) and the network"
    )
    assert "stopped reading live plans after" not in text
