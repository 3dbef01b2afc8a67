"""The demo mode on the synthetic demonstration history: the first start makes it, every
page shows a worked result (a chart or a table with figures, never "needs more months" or
"nothing yet"), and "synthetic" shows wherever its figures do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.settings import override_settings
from geo.store import Store
from tests.app.conftest import APP

pytestmark = pytest.mark.app

#: Words of a page waiting for data it does not have.
NOT_YET = (
    "Emerging hot spots need at least",
    "No campaign delivered yet",
    "too early to say",
    "not loaded:",
    "Compared once a campaign",
    "more month(s)",
)

#: Page script -> what shows its worked result ("chart", "table" or both).
PAGES = {
    "pages/trends.py": {"chart", "table"},
    "pages/communities.py": {"table"},
    "pages/impact.py": {"chart", "table"},
    "pages/public_summary.py": {"table"},
    "pages/comms_plan.py": {"table"},
    "pages/delivery.py": {"table"},
    "pages/accuracy.py": {"chart", "table"},
    "pages/profile.py": {"table"},
}


def texts(at: AppTest) -> list[str]:
    """Every piece of text on the page."""
    out: list[str] = []
    for kind in ("title", "subheader", "markdown", "caption", "error", "warning", "info", "success"):
        out.extend(str(e.value) for e in getattr(at, kind))
    return out


def charts(at: AppTest) -> int:
    """Altair and Vega-Lite charts drawn (AppTest shows them as unknown elements)."""
    return len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppTest, Path]]:
    """The app in demo mode with the demonstration history, from an empty store."""
    folder = tmp_path_factory.mktemp("demo-history")
    st.cache_data.clear()
    st.cache_resource.clear()
    with override_settings(
        store_dir=folder / "store",
        map_tiles=None,
        users_file=folder / "no-users.json",
        mode="demo",
        demo_data="history",
    ):
        at = AppTest.from_file(APP, default_timeout=900).run()
        yield at, folder / "store"
    st.cache_data.clear()
    st.cache_resource.clear()


def test_first_start_makes_the_history_in_its_own_store(demo: tuple[AppTest, Path]) -> None:
    at, store_dir = demo
    assert not at.exception
    assert len(Store(store_dir / "demo_history").months()) == 36
    assert not (store_dir / "incidents").exists()  # the real months' store stays as it was
    # Home, the first page: its tables have figures and the label shows
    assert any("SYNTHETIC DEMONSTRATION DATA" in t for t in texts(at))
    assert any(len(frame.value) for frame in at.dataframe)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_shows_a_worked_result_labelled_synthetic(demo: tuple[AppTest, Path], page: str) -> None:
    at, _ = demo
    at.switch_page(page).run()
    assert not at.exception, page
    shown = texts(at)
    assert not [t for t in shown if any(words in t for words in NOT_YET)], page
    assert any("synthetic" in t.lower() for t in shown), page
    if "table" in PAGES[page]:
        assert any(len(frame.value) for frame in at.dataframe), page
    if "chart" in PAGES[page]:
        assert charts(at) > 0, page


def test_impact_finds_every_campaign_and_the_old_data_moves_the_plan(demo: tuple[AppTest, Path]) -> None:
    at, _ = demo
    at.switch_page("pages/impact.py").run()
    table = next(frame.value for frame in at.dataframe if "effect_pct" in frame.value)
    assert len(table) == 4 and table["effect_pct"].notna().all()
    at.switch_page("pages/comms_plan.py").run()
    assert any("July 2017" in t and "ended" in t for t in texts(at))
    window = next(d for d in at.date_input if d.label == "Campaign window").value
    assert str(window[0]).startswith("2017-08")
