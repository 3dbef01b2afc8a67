"""The concurrency bench's browserless client (``bench.sessions --client protocol``) speaks the
app's WebSocket protocol well enough to open every page it times, and sees what a browser
would: the runs end successfully and no exception is shown."""

from __future__ import annotations

import asyncio

import pytest

from bench.sessions import PAGES, run_protocol_round

pytestmark = pytest.mark.e2e


def test_protocol_sessions_open_every_timed_page(app_url: str):
    results = asyncio.run(run_protocol_round(app_url, 2, 300))
    for result in results:
        assert result.errors == []
        assert set(result.seconds) == set(PAGES)
        assert all(seconds > 0 for seconds in result.seconds.values())
