"""The map's background tiles in a real browser: with tiles that load, with tiles that
fail (the one-line notice, and the data still drawn), and with none."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from tests.e2e.conftest import ARTIFACTS, MAP_IFRAME, Session, serve_app, wait_until

pytestmark = pytest.mark.e2e

#: Hexagons drawn and the notice's state, read in the map's iframe.
STATE_JS = """() => {
  let hexes = 0;
  map_div.eachLayer(l => { if (l instanceof L.HexCells) hexes += l.size(); });
  const box = document.querySelector(".ph-tile-notice");
  return {hexes: hexes,
          notice: box && box.style.display !== "none" ? box.textContent : null,
          loaded: document.querySelectorAll("img.leaflet-tile-loaded").length,
          attribution: (document.querySelector(".leaflet-control-attribution") || {}).textContent || ""};
}"""

UNREACHABLE = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # the discard port: nothing listens


def _tile_png() -> bytes:
    """A 256 px tile: pale ground with a grid, so loaded tiles are visible in a screenshot."""
    img = Image.new("RGB", (256, 256), (236, 240, 232))
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, 255, 255], outline=(170, 180, 200))
    draw.line([(0, 128), (255, 128)], fill=(205, 210, 220))
    draw.line([(128, 0), (128, 255)], fill=(205, 210, 220))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def tile_server() -> Iterator[tuple[str, list[str]]]:
    """A tiny XYZ tile server on 127.0.0.1: every /z/x/y.png answers the same tile; the paths
    asked for are recorded."""
    tile = _tile_png()
    asked: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png", asked
    finally:
        server.shutdown()
        server.server_close()


def _open_map(session: Session, url: str) -> object:
    session.open_page(url, "Hotspot map")
    return session.map_frame()


def _app(e2e_store: Path, tmp_path_factory: pytest.TempPathFactory, tiles: str, **env: str) -> object:
    no_users = tmp_path_factory.mktemp("no-users") / "users.json"
    return serve_app(
        e2e_store,
        tmp_path_factory.mktemp("e2e-log"),
        PRECISION_USERS=str(no_users),
        PRECISION_MODE="demo",
        PRECISION_MAP_TILES=tiles,
        **env,
    )


def test_unreachable_tiles_show_the_notice_and_the_hexagons_still_draw(
    e2e_store: Path, tmp_path_factory: pytest.TempPathFactory, session: Session
):
    with _app(e2e_store, tmp_path_factory, UNREACHABLE, PRECISION_MAP_TILES_ATTRIBUTION="Test tiles") as url:
        frame = _open_map(session, url)
        state = wait_until(lambda: (s := frame.evaluate(STATE_JS))["notice"] and s, 60, "the tile notice to show")
        assert state["hexes"] > 5_000 and state["loaded"] == 0
        assert "(127.0.0.1) did not load" in state["notice"]
        notice = frame.locator(".ph-tile-notice")
        assert notice.get_attribute("role") == "status"
        box, legend = notice.bounding_box(), frame.locator(".ph-legend").bounding_box()
        assert box["height"] < 30  # one line, shown whole
        assert notice.evaluate("e => e.scrollWidth <= e.clientWidth")
        assert box["y"] + box["height"] < legend["y"]  # it covers neither the legend
        assert "Test tiles" in state["attribution"]
        session.page.locator(MAP_IFRAME).screenshot(path=str(ARTIFACTS / "basemap_unreachable.png"))
    # the only console errors are the failed tile requests themselves
    assert all("ERR_CONNECTION_REFUSED" in e or "Failed to load resource" in e for e in session.errors)
    assert session.external == []


def test_the_default_openstreetmap_tiles_offline_show_the_notice(
    e2e_store: Path, tmp_path_factory: pytest.TempPathFactory, session: Session
):
    # no request leaves the machine: the browser's requests to the tile host are refused
    # before the network, as they would be without a connection
    refused: list[str] = []
    session.page.route(
        "https://tile.openstreetmap.org/**", lambda route: (refused.append(route.request.url), route.abort())
    )
    with _app(e2e_store, tmp_path_factory, "openstreetmap") as url:
        frame = _open_map(session, url)
        state = wait_until(lambda: (s := frame.evaluate(STATE_JS))["notice"] and s, 60, "the tile notice to show")
        assert state["hexes"] > 5_000 and "(tile.openstreetmap.org) did not load" in state["notice"]
        assert "OpenStreetMap contributors" in state["attribution"]
        assert refused and all(u.startswith("https://tile.openstreetmap.org/") for u in refused)
        session.page.locator(MAP_IFRAME).screenshot(path=str(ARTIFACTS / "basemap_openstreetmap_offline.png"))


def test_tiles_from_a_local_server_load_with_their_attribution_and_no_notice(
    e2e_store: Path, tmp_path_factory: pytest.TempPathFactory, session: Session, tile_server: tuple[str, list[str]]
):
    template, asked = tile_server
    with _app(e2e_store, tmp_path_factory, template, PRECISION_MAP_TILES_ATTRIBUTION="Local test tiles") as url:
        frame = _open_map(session, url)
        state = wait_until(lambda: (s := frame.evaluate(STATE_JS))["loaded"] > 4 and s, 60, "tiles to load")
        assert state["notice"] is None and state["hexes"] > 5_000
        assert "Local test tiles" in state["attribution"]
        assert asked and all(p.endswith(".png") for p in asked)
        session.page.locator(MAP_IFRAME).screenshot(path=str(ARTIFACTS / "basemap_local_tiles.png"))
    assert session.errors == [] and session.external == []


def test_no_tiles_draws_the_data_on_a_blank_ground_without_a_notice(app_url: str, session: Session):
    frame = _open_map(session, app_url)  # the shared app runs with PRECISION_MAP_TILES=none
    state = frame.evaluate(STATE_JS)
    assert state["hexes"] > 5_000 and state["notice"] is None and state["loaded"] == 0
    assert frame.locator(".ph-tile-notice").count() == 0
    session.page.locator(MAP_IFRAME).screenshot(path=str(ARTIFACTS / "basemap_none.png"))
    assert session.errors == [] and session.external == []
