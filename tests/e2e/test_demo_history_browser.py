"""In the browser: the demo mode on the synthetic demonstration history (made on first
start) shows a worked result on Trends, Hotspot communities (emerging), Impact and Public
summary, each labelled synthetic; screenshots go to tests/artifacts/demo_*.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import ARTIFACTS, Session, serve_app

pytestmark = pytest.mark.e2e

#: Words of a page waiting for data it does not have.
NOT_YET = (
    "Emerging hot spots need at least",
    "No campaign delivered yet",
    "too early to say",
    "Compared once a campaign",
)

#: Sidebar link -> (text that shows the worked result, screenshot name).
PAGES = {
    "Trends": ("Change on the same months a year earlier", "demo_trends.png"),
    "Hotspot communities": ("Emerging hot spots", "demo_communities_emerging.png"),
    "Impact": ("Incidents after each campaign", "demo_impact.png"),
    "Public summary": ("Community campaigns delivered", "demo_public_summary.png"),
}


@pytest.fixture(scope="module")
def history_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app in demo mode with the demonstration history, from an empty store."""
    folder = tmp_path_factory.mktemp("demo-history-e2e")
    with serve_app(
        folder / "store",
        folder,
        PRECISION_USERS=str(folder / "no-users.json"),
        PRECISION_MODE="demo",
        PRECISION_DEMO_DATA="history",
    ) as url:
        yield url


@pytest.mark.parametrize("link", list(PAGES))
def test_each_page_shows_a_worked_result_labelled_synthetic(history_app: str, session: Session, link: str) -> None:
    heading, shot = PAGES[link]
    page = session.page
    page.set_viewport_size({"width": 1400, "height": 1500})
    page.goto(history_app)
    session.wait_idle(timeout_s=600)  # the first visit makes the history (about a minute)
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=link).click()
    session.wait_idle(timeout_s=600, expect=heading)
    main = page.locator("[data-testid='stMain']")
    text = main.inner_text()
    assert "synthetic" in text.lower()
    assert not [words for words in NOT_YET if words in text]
    figures = main.locator("[data-testid='stDataFrame'], [data-testid='stVegaLiteChart'], table")
    assert figures.count() > 0
    main.get_by_text(heading).first.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # for the screenshot only: charts scrolled into view finish drawing
    page.screenshot(path=str(ARTIFACTS / shot))
    assert not session.errors, session.errors
