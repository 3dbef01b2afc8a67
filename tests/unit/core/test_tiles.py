"""Background tiles: every provider the settings allow is usable as given, and none that
needs a key is used without one."""

from __future__ import annotations

import re

import folium
import pytest
import xyzservices

from core.errors import SettingsError
from core.settings import Settings, from_environment
from core.tiles import DEFAULT_TILES, LEAFLET_PLACEHOLDERS, TileSource, custom_tiles, tile_source

PROVIDERS = xyzservices.providers.flatten()
WEB_MERCATOR = {name: p for name, p in PROVIDERS.items() if p.get("crs", "EPSG:3857") == "EPSG:3857"}
NEEDS_KEY = sorted(name for name, provider in WEB_MERCATOR.items() if provider.requires_token())
FREE = sorted(name for name, provider in WEB_MERCATOR.items() if not provider.requires_token())


def _usable(tiles: TileSource) -> None:
    """A URL the browser can use as it is: http(s), z/x/y, only Leaflet's placeholders left,
    no placeholder key, an attribution."""
    assert tiles.url.startswith(("https://", "http://"))
    left = set(re.findall(r"\{([^{}]*)\}", tiles.url))
    assert {"z", "x", "y"} <= left <= LEAFLET_PLACEHOLDERS, (tiles.name, tiles.url)
    assert "<" not in tiles.url and "insert" not in tiles.url.lower()
    assert tiles.attribution.strip()


def test_the_default_is_openstreetmap_standard_tiles_without_a_key():
    assert Settings().map_tiles is DEFAULT_TILES
    assert DEFAULT_TILES.url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in DEFAULT_TILES.attribution and "copyright" in DEFAULT_TILES.attribution
    assert not xyzservices.providers.OpenStreetMap.Mapnik.requires_token()
    assert DEFAULT_TILES.url == xyzservices.providers.OpenStreetMap.Mapnik.build_url()
    _usable(DEFAULT_TILES)


def test_the_registry_has_providers_of_both_kinds():
    assert len(NEEDS_KEY) > 50 and len(FREE) > 100  # the checks below test something
    assert "CartoDB.Positron" in NEEDS_KEY and "OrdnanceSurvey.Light" in NEEDS_KEY


@pytest.mark.parametrize("name", NEEDS_KEY)
def test_a_provider_that_needs_a_key_is_refused_without_one_and_takes_one(name: str):
    with pytest.raises(SettingsError, match="need a key"):
        tile_source(name)
    tiles = tile_source(name, key="k3y-0f-this-app")
    assert tiles is not None
    _usable(tiles)
    assert "k3y-0f-this-app" in tiles.url


def test_every_provider_without_a_key_gives_a_usable_url_or_is_refused():
    usable = refused = 0
    for name in FREE:
        try:
            tiles = tile_source(name)
        except SettingsError as exc:  # a provider whose URL keeps placeholders Leaflet cannot fill
            assert "cannot fill" in str(exc) or "not an XYZ" in str(exc), (name, exc)
            refused += 1
            continue
        assert tiles is not None
        _usable(tiles)
        usable += 1
    assert usable > 100


def test_the_ordnance_survey_maps_api_with_its_key():
    tiles = tile_source("OrdnanceSurvey.Light", key="OSKEY123")
    assert tiles is not None
    assert tiles.url == "https://api.os.uk/maps/raster/v1/zxy/Light_3857/{z}/{x}/{y}.png?key=OSKEY123"
    assert "Crown copyright" in tiles.attribution and tiles.min_zoom == 7
    assert "OSKEY123" not in repr(tiles)  # never printed in a log


def test_custom_urls_need_an_attribution_and_their_key():
    url = "https://tiles.example.org/light/{z}/{x}/{y}.png?key={key}"
    with pytest.raises(SettingsError, match="no attribution"):
        custom_tiles(url, None, "abc")
    with pytest.raises(SettingsError, match="needs a key"):
        custom_tiles(url, "Example maps")
    tiles = custom_tiles(url, "Example <maps> & co", "a b/c")
    assert tiles.url == "https://tiles.example.org/light/{z}/{x}/{y}.png?key=a%20b%2Fc"
    assert tiles.attribution == "Example &lt;maps&gt; &amp; co" and tiles.host == "tiles.example.org"
    with pytest.raises(SettingsError, match="placeholder"):
        custom_tiles("https://t.example.org/{z}/{x}/{y}.png?key=<insert your API key here>", "x")
    with pytest.raises(SettingsError, match="placeholder"):
        custom_tiles(url, "x", key="<insert your API key here>")
    with pytest.raises(SettingsError, match="not an XYZ"):
        custom_tiles("https://t.example.org/tiles.png", "x")
    with pytest.raises(SettingsError, match="cannot fill"):
        custom_tiles("https://t.example.org/{variant}/{z}/{x}/{y}.png", "x")
    with pytest.raises(SettingsError, match="http"):
        custom_tiles("ftp://t.example.org/{z}/{x}/{y}.png", "x")


def test_tiles_in_another_projection_are_refused_with_or_without_a_key():
    others = [name for name in PROVIDERS if name not in WEB_MERCATOR]
    assert "OrdnanceSurvey.Light_27700" in others
    for name in others:
        with pytest.raises(SettingsError, match="Web Mercator"):
            tile_source(name, key="k")


def test_none_and_unknown_names():
    assert tile_source("none") is None and tile_source("off") is None and tile_source("") is None
    assert tile_source("OpenStreetMap") is DEFAULT_TILES
    with pytest.raises(SettingsError, match="neither a tile URL nor a provider"):
        tile_source("NoSuchTiles.Anywhere")


def test_the_environment_settings(monkeypatch: pytest.MonkeyPatch):
    for name in ("PRECISION_MAP_TILES", "PRECISION_MAP_TILES_KEY", "PRECISION_MAP_TILES_ATTRIBUTION"):
        monkeypatch.delenv(name, raising=False)
    assert from_environment().map_tiles is DEFAULT_TILES
    monkeypatch.setenv("PRECISION_MAP_TILES", "none")
    assert from_environment().map_tiles is None
    monkeypatch.setenv("PRECISION_MAP_TILES", "OrdnanceSurvey.Road")
    s = from_environment()  # no key: refused, said on screen, and no tiles at all (no service nobody chose)
    assert s.map_tiles is None and "need a key" in s.problems[0]
    monkeypatch.setenv("PRECISION_MAP_TILES_KEY", "secret-key")
    s = from_environment()
    assert s.map_tiles is not None and "secret-key" in s.map_tiles.url and s.problems == ()
    assert "secret-key" not in repr(s)
    monkeypatch.setenv("PRECISION_MAP_TILES", "http://127.0.0.1:8999/{z}/{x}/{y}.png")
    monkeypatch.delenv("PRECISION_MAP_TILES_KEY")
    assert from_environment().map_tiles is None  # a URL without attribution is refused
    monkeypatch.setenv("PRECISION_MAP_TILES_ATTRIBUTION", "Local tiles")
    monkeypatch.setenv("PRECISION_MAP_TILES_MAX_ZOOM", "17")
    tiles = from_environment().map_tiles
    assert tiles is not None and tiles.max_zoom == 17 and tiles.host == "127.0.0.1"


def test_foliums_cartodb_key_warning_is_an_error_in_the_tests():
    # pytest.ini turns it into an error, so no test can pass while a map asks for keyless CartoDB
    with pytest.raises(UserWarning, match="CartoDB tiles now require an API key"):
        folium.TileLayer("CartoDB positron")
