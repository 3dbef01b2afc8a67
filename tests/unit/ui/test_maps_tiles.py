"""The map's background tiles: the layer the settings name, its attribution and the notice
shown when tiles fail."""

from __future__ import annotations

import json
import re

import pytest

from core.tiles import DEFAULT_TILES, custom_tiles, tile_source
from ui import maps

OUTLINES = {"type": "FeatureCollection", "features": []}
BOUNDS = (-2.17, 53.52, -1.20, 53.96)


def _html(tiles: object) -> str:
    fmap = maps.hex_map(maps.EMPTY_LAYER, OUTLINES, BOUNDS, tiles=tiles, title="Test map")
    return fmap.get_root().render()


def _tile_layers(html: str) -> list[tuple[str, dict]]:
    return [
        (json.loads(url), json.loads(opts))
        for url, opts in re.findall(r"L\.tileLayer\((\"[^\"]*\"), (\{.*?\})\);", html)
    ]


def test_no_tiles_means_no_tile_layer_and_no_address_outside_the_app():
    html = _html(None)
    assert "L.tileLayer" not in html and "ph-tile-notice" not in html
    assert re.findall(r"https?://[^\"' )]+", html) == []


def test_the_default_map_uses_openstreetmap_with_its_attribution_and_a_referrer():
    html = _html(DEFAULT_TILES)
    ((url, options),) = _tile_layers(html)
    assert url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap</a> contributors" in options["attribution"]
    assert options["maxZoom"] == 19 and options["referrerPolicy"] == "strict-origin-when-cross-origin"
    # the only outside address the page names is the tile service (and the attribution's link)
    hosts = {h for h in re.findall(r"https?://([^/\"' )\\]+)", html)}
    assert hosts == {"tile.openstreetmap.org", "www.openstreetmap.org"}
    assert "cartocdn" not in html


def test_a_failed_tile_shows_one_line_naming_the_service():
    html = _html(custom_tiles("http://127.0.0.1:9/{z}/{x}/{y}.png", "Local test tiles"))
    assert 'layer.on("tileerror"' in html and 'box.setAttribute("role", "status")' in html
    notice = maps.tile_notice(custom_tiles("http://127.0.0.1:9/{z}/{x}/{y}.png", "x"))
    assert "127.0.0.1" in notice and "\n" not in notice and "the data on this map is complete" in notice
    assert json.dumps(notice) in html
    # the notice is wired to this map's own tile layer, after the layer exists
    name = re.search(r"var (base_tiles_\w+) = L\.tileLayer", html).group(1)
    assert html.index(f"var {name} =") < html.index(f"}})({name}, map_")


@pytest.mark.parametrize("name", ["OrdnanceSurvey.Light", "CartoDB.Positron", "Thunderforest.OpenCycleMap"])
def test_a_keyed_provider_reaches_the_page_with_its_key_and_never_a_placeholder(name: str):
    tiles = tile_source(name, key="KEY-42")
    ((url, options),) = _tile_layers(_html(tiles))
    assert "KEY-42" in url and "<" not in url and "{key}" not in url and "{apikey}" not in url
    assert options["attribution"] == tiles.attribution
