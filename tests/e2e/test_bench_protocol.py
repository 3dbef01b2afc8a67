"""The concurrency bench's browserless client (``bench.sessions --client protocol``) speaks the
app's WebSocket protocol well enough to open every page it times, and sees what a browser
would: the runs end successfully and no exception is shown."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.sessions import PAGES, run_protocol_round

pytestmark = pytest.mark.e2e


def test_protocol_sessions_open_every_timed_page(app_url: str):
    # in a thread of its own: the browser tests' Playwright keeps an event loop in this one
    with ThreadPoolExecutor(1) as pool:
        results = pool.submit(asyncio.run, run_protocol_round(app_url, 2, 300)).result()
    for result in results:
        assert result.errors == []
        assert set(result.seconds) == set(PAGES)
        assert all(seconds > 0 for seconds in result.seconds.values())
