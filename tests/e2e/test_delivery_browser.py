"""In the browser: a comms user (demo mode) marks a planned Facebook Live session delivered
and finds the campaign on the Impact page."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.e2e.conftest import ARTIFACTS, Session, serve_app, wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture()
def demo_app(sample_store_dir: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The app in demo mode over its own copy of the sample store (deliveries stay in it)."""
    store_dir = tmp_path / "store"
    shutil.copytree(sample_store_dir, store_dir)
    with serve_app(store_dir, tmp_path, PRECISION_USERS=str(tmp_path / "no-users.json"), PRECISION_MODE="demo") as url:
        yield url, store_dir


def test_a_planned_session_marked_delivered_shows_in_the_evaluation(demo_app: tuple[str, Path], session: Session):
    url, store_dir = demo_app
    page = session.page
    session.open_page(url, "Delivery log", timeout_s=300)
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Planned item")
    picker.wait_for(state="visible", timeout=60_000)
    chosen = picker.get_by_role("combobox").input_value()
    assert chosen.startswith("Facebook Live session · ")
    community = chosen.split(" · ", 2)[2].split(" ", 1)[1]  # "HC03 Name" -> "Name"
    page.get_by_label("Live viewers").fill("57")
    page.get_by_role("button", name="Mark delivered").click()
    session.wait_idle(timeout_s=180, expect="Marked delivered")
    log_file = store_dir / "delivery" / "demo_log.parquet"  # the demo mode keeps its own log
    wait_until(log_file.exists, 30, "the delivery log to be written")
    log = pd.read_parquet(log_file)
    assert log.loc[0, "kind"] == "facebook_live" and int(log.loc[0, "live_viewers"]) == 57
    assert log.loc[0, "community_name"] == community
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Impact").click()
    session.wait_idle(timeout_s=300, expect="Incidents after each campaign")
    main = page.locator("[data-testid='stMain']")
    main.get_by_text(community).first.wait_for(state="visible", timeout=60_000)
    assert "too early to say" in main.inner_text()
    page.screenshot(path=str(ARTIFACTS / "impact_after_delivery.png"), full_page=True)
    assert not session.errors, session.errors
    assert not session.external, session.external
