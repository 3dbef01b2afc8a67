"""Sign-in, roles and hostile text from a CSV, in a real headless browser."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import POLICE_UK_COLUMNS
from geo.ingest import ingest
from geo.store import Store
from security.users import add_user
from tests.e2e.conftest import ARTIFACTS, Session, serve_app

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
LOCATION = '<img src=x onerror="window.__xss=1">Evil Street'
LSOA_NAME = "<script>window.__xss=2</script>Leeds 111X"


@pytest.fixture(scope="module")
def secured_url(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with a users file, over the sample plus a month of hostile text at one point."""
    root = tmp_path_factory.mktemp("secured")
    store_dir = root / "store"
    shutil.copytree(sample_store_dir, store_dir)
    hostile = root / "2017-08-west-yorkshire-street.csv"
    with open(hostile, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(POLICE_UK_COLUMNS)
        for i in range(600):  # enough to be the most frequent street of its community
            writer.writerow(
                [
                    f"{i:064x}",
                    "2017-08",
                    "West Yorkshire Police",
                    "West Yorkshire Police",
                    "-1.5476",
                    "53.7950",
                    LOCATION,
                    "",
                    LSOA_NAME,
                    "Robbery",
                    "",
                    "",
                ]
            )  # no code: placed by point
    summary = ingest([hostile], Store(store_dir))
    assert summary.stored == 600
    users = root / "users.json"
    add_user("comms1", "comms", PASSWORD, path=users)
    add_user("opcc1", "opcc", PASSWORD, path=users)
    with serve_app(store_dir, root, PRECISION_USERS=str(users)) as url:
        yield url


def _sign_in(session: Session, username: str) -> None:
    page = session.page
    page.get_by_label("User name").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    session.wait_idle(180, expect=page.locator("[data-testid='stSidebarNav']"))  # no navigation before sign-in


def test_a_forbidden_page_url_is_refused(secured_url: str, session: Session):
    page = session.page
    page.goto(f"{secured_url}/communications-plan")
    dialog = page.get_by_role("dialog")
    session.wait_idle(expect=dialog)
    page.screenshot(path=str(ARTIFACTS / "forbidden_url.png"), full_page=True)
    assert "not found" in dialog.inner_text().lower()  # Streamlit refuses the unregistered page
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden", timeout=30_000)
    assert page.get_by_role("button", name="Sign in").is_visible()
    _sign_in(session, "opcc1")
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert "Accuracy" in nav and "Comms plan" not in nav and "Hotspot map" not in nav
    assert page.locator("h1").first.inner_text() == "Precision Hotspots"  # home, not the plan
    assert page.get_by_text("Communications plan").count() == 0


def test_html_and_script_in_a_csv_stay_inert(secured_url: str, session: Session):
    page = session.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(secured_url)
    session.wait_idle()
    _sign_in(session, "comms1")
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Hotspot map").click()
    session.wait_idle(180)
    page.get_by_text("Gi* hot spots", exact=True).click()
    session.wait_idle(180)
    frame = session.map_frame()
    labels = frame.evaluate(
        "() => { const out = []; map_div.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.label) out.push(l.feature.properties.label); }); return out; }"
    )
    hostile = [label for label in labels if "Evil Street" in label]
    assert hostile and "&lt;img" in hostile[0]  # escaped before it reaches Leaflet
    # open that community's tooltip and click the hexagon to show the details panel
    point = frame.evaluate(
        """() => { let p = null; map_div.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.label && l.feature.properties.label.includes('Evil Street')) { const c = l.getBounds().getCenter(); p = map_div.latLngToContainerPoint(c); } }); return {x: p.x, y: p.y}; }"""
    )
    box = frame.locator(".leaflet-container").bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = frame.locator(".leaflet-tooltip", has_text="Evil Street")
    tooltip.wait_for(state="visible", timeout=30_000)  # the hostile label, drawn as text
    assert "<img" in tooltip.inner_text() and tooltip.locator("img").count() == 0
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    # the component sends the click after a debounce: wait for the panel it brings, then the run's end
    session.wait_idle(180, expect=page.get_by_text("Most frequent locations"))
    page.get_by_text("Most frequent locations").wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "hostile_text.png"), full_page=True)
    assert dialogs == []
    assert page.evaluate("() => window.__xss") is None
    assert frame.evaluate("() => window.__xss") is None
    assert frame.locator("img[src='x']").count() == 0
    assert session.errors == []
