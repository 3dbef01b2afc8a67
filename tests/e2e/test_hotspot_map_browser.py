"""What a user sees in a real headless Chromium against `streamlit run`."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from tests.e2e.conftest import ARTIFACTS, MAP_IFRAME, Session, wait_until

pytestmark = pytest.mark.e2e

#: The hexagons drawn in the browser from their cell ids (``L.HexCells`` layers, see
#: ``static/hexcells/hex-cells.js``): how many, the busiest one's cell, value and class, where
#: its centre is on screen, the cell the layer finds there, and whether the outline drawn on
#: the canvas is the one h3-js computes for its id (no coordinates were sent for it).
HEX_LAYERS_JS = """() => {
  let n = 0, best = null, layer = null;
  map_div.eachLayer(l => {
    if (l instanceof L.HexCells) {
      for (const c of l.cells()) { n++; if (!best || c.n > best.n) { best = c; layer = l; } }
    }
  });
  const centre = h3.cellToLatLng(best.cell);
  const p = map_div.latLngToContainerPoint(L.latLng(centre[0], centre[1]));
  const drawn = layer.outline(best.cell), expected = h3.cellToBoundary(best.cell);
  const same = drawn.length === expected.length && drawn.every(
    (v, i) => Math.abs(v[0] - expected[i][0]) < 1e-9 && Math.abs(v[1] - expected[i][1]) < 1e-9);
  return {n: n, top: best.n, k: best.k, cell: best.cell, from_id: same,
          under: layer.cellAt(L.latLng(centre[0], centre[1])), colour: layer._data.colours[best.k],
          x: p.x, y: p.y};
}"""

#: The map container's background colour (no tiles: what a hexagon's fill is blended with).
BACKGROUND_JS = """() => getComputedStyle(map_div.getContainer()).backgroundColor"""


def _coloured_share(path: str) -> float:
    """Share of pixels in the hexagon palette's orange-red hues."""
    img = np.asarray(Image.open(path).convert("RGB")).astype(int)
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return float(((r > 180) & (b < 120) & (r - g > 30)).mean())


def test_home_then_map_draws_hexagons_offline_without_console_errors(app_url: str, session: Session):
    page = session.page
    page.goto(app_url)
    session.wait_idle()
    assert "Precision Hotspots" in page.locator("h1").first.inner_text()
    assert "55,713" in page.locator("[data-testid='stMetric']").nth(1).inner_text()

    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Hotspot map").click()
    session.wait_idle()
    frame = session.map_frame()
    drawn = frame.evaluate(HEX_LAYERS_JS)
    assert drawn["n"] > 5_000 and drawn["top"] > 100 and drawn["from_id"] and drawn["under"] == drawn["cell"]
    box = frame.locator(".leaflet-container").bounding_box()
    # classes read without colour: the tooltip of the hexagon under the pointer names its value
    # and class, as the legend does
    page.mouse.move(box["x"] + drawn["x"], box["y"] + drawn["y"])
    tooltip = frame.locator(".leaflet-tooltip", has_text=f"Class {drawn['k'] + 1} of 6")
    tooltip.wait_for(state="visible", timeout=30_000)
    assert f"{drawn['top']:,}" in tooltip.inner_text()
    legend = frame.locator(".ph-legend").inner_text()
    assert "Incidents per hexagon" in legend and "hexagons)" in legend
    title = page.locator(MAP_IFRAME).get_attribute("title")
    assert title.startswith("Hotspot map: incidents per hexagon")
    # the table of the map lists the same hexagons with the same figures
    page.get_by_text("Table of the map").click()  # opening it reruns the page, which sends the table
    table = page.locator("[data-testid='stMain'] [data-testid='stExpander']").filter(has_text="Table of the map")
    grid = table.locator("[data-testid='stDataFrame']")
    session.wait_idle(expect=grid)
    assert f"{drawn['n']:,} hexagons" in table.inner_text()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    map_png = str(ARTIFACTS / "hotspot_map_iframe.png")
    page.locator(MAP_IFRAME).screenshot(path=map_png)
    assert _coloured_share(map_png) > 0.01  # hexagons are visible, with no tiles at all
    page.screenshot(path=str(ARTIFACTS / "hotspot_map.png"), full_page=True)

    # close up, the hexagon is filled on screen in its class colour (75 % over the plain background)
    frame.evaluate(f"() => map_div.setView(h3.cellToLatLng('{drawn['cell']}'), 15, {{animate: false}})")
    frame.wait_for_function("() => !map_div._renderer._redrawRequest")
    near = frame.evaluate(HEX_LAYERS_JS)
    box = frame.locator(".leaflet-container").bounding_box()  # the page may have scrolled
    clip = {"x": box["x"] + near["x"], "y": box["y"] + near["y"], "width": 1, "height": 1}
    shot = np.asarray(Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB"))[0, 0].astype(int)
    background = [int(v) for v in re.findall(r"\d+", frame.evaluate(BACKGROUND_JS))[:3]]
    colour = [int(drawn["colour"][i : i + 2], 16) for i in (1, 3, 5)]
    expected = [0.75 * c + 0.25 * b for c, b in zip(colour, background)]
    assert max(abs(s - e) for s, e in zip(shot, expected)) <= 4, (shot, expected)

    assert session.errors == []
    assert session.external == []


def test_clicking_the_busiest_hexagon_shows_its_details(app_url: str, session: Session):
    page = session.page
    session.open_page(app_url, "Hotspot map")
    frame = session.map_frame()
    top = frame.evaluate(HEX_LAYERS_JS)
    box = frame.locator(".leaflet-container").bounding_box()
    assert top["from_id"]  # drawn in the browser from its cell id
    page.mouse.click(box["x"] + top["x"], box["y"] + top["y"])  # a real click where the hexagon is drawn
    # the component sends the click after a debounce: wait for the panel it brings, then the run's end
    session.wait_idle(expect=page.get_by_text("Most frequent locations"))
    page.get_by_text("Most frequent locations").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "hotspot_map_details.png"), full_page=True)
    panel = page.locator("[data-testid='stMetric']").filter(has_text="Incidents").first
    assert panel.inner_text().split()[-1].replace(",", "") == str(top["top"])
    assert page.get_by_text(f"H3 cell {top['cell']}").first.is_visible()  # the hexagon clicked
    assert session.errors == []


def test_filters_survive_a_visit_to_home(app_url: str, session: Session):
    page = session.page
    page.goto(app_url)
    session.wait_idle()
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_role("link", name="Hotspot map").click()
    session.wait_idle()
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stMultiSelect']").first.click()
    page.keyboard.type("Wakefield")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    captions = page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']")
    session.wait_idle(expect=captions.filter(has_text=re.compile(r"^\s*Wakefield")))
    assert captions.first.inner_text().startswith("Wakefield")
    nav.get_by_role("link", name="Home").click()
    session.wait_idle()
    nav.get_by_role("link", name="Hotspot map").click()
    session.wait_idle()
    assert captions.first.inner_text().startswith("Wakefield")


def test_gi_star_view_and_communities_page_in_the_browser(app_url: str, session: Session):
    page = session.page
    session.open_page(app_url, "Hotspot map")
    nav = page.locator("[data-testid='stSidebarNav']")
    page.get_by_text("Gi* hot spots", exact=True).click()
    session.wait_idle(180)
    frame = session.map_frame()
    drawn = frame.evaluate(HEX_LAYERS_JS)
    assert drawn["n"] > 500  # significant hexagons only
    outlines = frame.evaluate(
        "() => { let n = 0; map_div.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.label) n++; }); return n; }"
    )
    assert outlines >= 20
    page.screenshot(path=str(ARTIFACTS / "hotspot_map_gi_star.png"), full_page=True)

    nav.get_by_role("link", name="Hotspot communities").click()
    session.wait_idle(180)
    heading = page.locator("h3").filter(has_text=re.compile(r"^HC-E0\d+(-\d+)? · "))
    heading.first.wait_for(state="visible", timeout=60_000)  # the picked community, named by its place
    session.map_frame()
    page.screenshot(path=str(ARTIFACTS / "communities.png"), full_page=True)
    assert session.errors == []
    assert session.external == []


def test_comms_plan_exports_download_and_are_audited(app_url: str, session: Session, tmp_path, e2e_store):
    import icalendar

    from security import audit

    def audited(filename: str) -> bool:
        log = audit.read(e2e_store / "audit.jsonl")
        return filename in set(log.loc[log["kind"] == audit.download_kind(filename), "file"])

    page = session.page
    session.open_page(app_url, "Comms plan", 240)
    with page.expect_download() as info:
        page.get_by_role("button", name="Sessions (Outlook .ics)").click()
    path = tmp_path / "sessions.ics"
    info.value.save_as(path)
    events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert len(events) >= 1 and "0800 555 111" in str(events[0]["description"])
    # the browser has the file before the app's rerun records the export (the button's on_click)
    wait_until(lambda: audited("precision_facebook_live.ics"), 60, "the audit record of the .ics export")
    session.wait_idle(240)
    with page.expect_download() as info:
        page.get_by_role("button", name="Brief (PDF)").click()
    assert info.value.suggested_filename == "precision_comms_brief.pdf"
    wait_until(lambda: audited("precision_comms_brief.pdf"), 60, "the audit record of the PDF export")
    session.wait_idle(240)
    page.screenshot(path=str(ARTIFACTS / "comms_plan.png"), full_page=True)
    exported = audit.read(e2e_store / "audit.jsonl")
    exported = exported[exported["kind"].str.startswith("download_")]
    assert {"precision_facebook_live.ics", "precision_comms_brief.pdf"} <= set(exported["file"])
    assert "all districts" in exported["context"].iloc[0]
    assert session.errors == []
