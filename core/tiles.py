"""Background map tiles: which XYZ service the maps use, with its attribution and key.

A :class:`TileSource` is a complete, usable XYZ tile service: its URL template holds only
Leaflet's own placeholders (``{z}``, ``{x}``, ``{y}``, ``{s}``, ``{r}``), any key is already
in it, and it carries the attribution the provider requires. :func:`tile_source` builds one
from a setting:

- ``openstreetmap`` (the default, :data:`DEFAULT_TILES`): OpenStreetMap's standard tiles,
  ``https://tile.openstreetmap.org/{z}/{x}/{y}.png``, which need no key;
- a provider name of the xyzservices registry (the one folium uses), such as
  ``OrdnanceSurvey.Light`` or ``CartoDB.Positron``: a provider the registry marks as needing
  a key is refused without one;
- any XYZ URL template (``https://…/{z}/{x}/{y}.png``), with an attribution, and ``{key}``
  where a key goes.

A URL that still holds a placeholder key (``<insert your API key here>``) or a placeholder
Leaflet cannot fill is refused: such a map would silently draw nothing, or send a request
the provider refuses. Refusals are :class:`~core.errors.SettingsError` naming the problem.
"""

from __future__ import annotations

import dataclasses
import html
import re
from urllib.parse import quote, urlsplit

import xyzservices

from core.errors import SettingsError

#: Placeholders Leaflet fills itself in a tile URL template: zoom, column, row, subdomain
#: and the retina suffix.
LEAFLET_PLACEHOLDERS = frozenset({"z", "x", "y", "s", "r"})

#: Placeholders where a custom URL takes its key (``PRECISION_MAP_TILES_KEY``).
KEY_PLACEHOLDERS = frozenset({"key", "apikey", "api_key", "accessToken", "access_token", "token"})

#: Text that marks a placeholder key left in a URL or a provider's key field.
PLACEHOLDER_MARKS = ("<insert", "insert your", "your api key", "your_api_key", "<a valid", "<", ">")

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclasses.dataclass(frozen=True)
class TileSource:
    """An XYZ tile service the browser can load tiles from, as Leaflet takes it.

    Attributes
    ----------
    name : str
        Short name shown in the notice when tiles fail (``"OpenStreetMap"``).
    url : str
        URL template with only ``{z}``, ``{x}``, ``{y}``, ``{s}`` and ``{r}`` left; any key
        is already in it. The browser requests the tiles, so the key reaches every user of
        a map (use a key meant for this app).
    attribution : str
        HTML shown in the map's corner, as the provider's terms require (escaped text for a
        custom URL; the registry's own HTML for a named provider).
    min_zoom, max_zoom : int
        Zoom levels the service has tiles for; Leaflet requests none outside them.
    subdomains : str
        Letters that fill ``{s}`` (``""`` when the URL has none).
    """

    name: str
    url: str = dataclasses.field(repr=False)
    attribution: str
    min_zoom: int = 0
    max_zoom: int = 19
    subdomains: str = ""

    def __post_init__(self) -> None:
        check_url(self.url, key_given=False)  # a key, when needed, is already in the URL
        if not self.attribution.strip():
            raise SettingsError(f"the tiles {self.name!r} have no attribution; every tile service requires one")
        if not 0 <= self.min_zoom <= self.max_zoom <= 24:
            raise SettingsError(f"the tiles {self.name!r} have impossible zoom levels {self.min_zoom}-{self.max_zoom}")
        if "{s}" in self.url and not self.subdomains:
            raise SettingsError(f"the tiles {self.name!r} use {{s}} in their URL but name no subdomains")

    @property
    def host(self) -> str:
        """The host the browser asks for tiles (``tile.openstreetmap.org``)."""
        return urlsplit(self.url).hostname or self.url


#: Setting values that mean "no tiles" (offline: boundaries and hexagons on a blank ground).
NO_TILES = frozenset({"", "none", "off"})

#: Setting values that mean the default tiles.
DEFAULT_NAMES = frozenset({"default", "openstreetmap", "osm", "openstreetmap.mapnik"})


def check_url(url: str, *, key_given: bool) -> None:
    """Refuse a tile URL template that the browser could not use as it is.

    Parameters
    ----------
    url : str
        The template.
    key_given : bool
        Whether a key will fill a key placeholder (``{key}``, ``{apikey}`` ...).

    Raises
    ------
    SettingsError
        Not http(s), no ``{z}``/``{x}``/``{y}``, a placeholder key left in it, or a
        placeholder Leaflet cannot fill.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SettingsError(f"the tile URL {url!r} is not an http(s) address")
    lowered = url.lower()
    if any(mark in lowered for mark in PLACEHOLDER_MARKS):
        raise SettingsError(f"the tile URL {url!r} holds a placeholder where its key should be")
    names = set(_PLACEHOLDER.findall(url))
    missing = {"z", "x", "y"} - names
    if missing:
        raise SettingsError(f"the tile URL {url!r} lacks {', '.join(sorted(missing))}: it is not an XYZ template")
    keys = names & KEY_PLACEHOLDERS
    if keys and not key_given:
        raise SettingsError(f"the tile URL {url!r} needs a key ({{{sorted(keys)[0]}}}) and none was given")
    unknown = names - LEAFLET_PLACEHOLDERS - KEY_PLACEHOLDERS
    if unknown:
        raise SettingsError(f"the tile URL {url!r} holds placeholders Leaflet cannot fill: {sorted(unknown)}")


def _fill_key(url: str, key: str | None) -> str:
    names = set(_PLACEHOLDER.findall(url)) & KEY_PLACEHOLDERS
    if not names:
        return url
    if key is None:
        raise SettingsError(f"the tile URL {url!r} needs a key and none was given")
    for name in names:
        url = url.replace("{" + name + "}", quote(key, safe=""))
    return url


def _check_key(key: str | None) -> str | None:
    if key is None or not key.strip():
        return None
    key = key.strip()
    if any(mark in key.lower() for mark in PLACEHOLDER_MARKS):
        raise SettingsError("the tile key is a placeholder, not a key")
    return key


def custom_tiles(url: str, attribution: str | None, key: str | None = None, max_zoom: int = 19) -> TileSource:
    """Return the tiles of any XYZ URL template.

    Parameters
    ----------
    url : str
        ``https://…/{z}/{x}/{y}.png``; ``{key}`` (or ``{apikey}``, ``{accessToken}``) where
        the key goes; ``{s}`` for subdomains a, b, c.
    attribution : str
        Plain text the provider requires on the map (escaped before it is shown).
    key : str, optional
        The provider's key.
    max_zoom : int
        Deepest zoom level the service has tiles for.
    """
    key = _check_key(key)
    if not attribution or not attribution.strip():
        raise SettingsError(
            f"the tile URL {url!r} has no attribution: set PRECISION_MAP_TILES_ATTRIBUTION to what its terms require"
        )
    check_url(url, key_given=key is not None)
    filled = _fill_key(url, key)
    host = urlsplit(url).hostname or "custom"
    return TileSource(
        name=host,
        url=filled,
        attribution=html.escape(attribution.strip()),
        max_zoom=max_zoom,
        subdomains="abc" if "{s}" in filled else "",
    )


def provider_tiles(name: str, key: str | None = None) -> TileSource:
    """Return the tiles of a provider of the xyzservices registry (``OrdnanceSurvey.Light``).

    A provider that the registry marks as needing a key (its key field still holds
    ``<insert your … key>``) is refused without one; with one, the key fills the field.

    Raises
    ------
    SettingsError
        Unknown provider, a key needed and not given, or a URL that stays unusable.
    """
    try:
        provider = xyzservices.providers.query_name(name)
    except ValueError as exc:
        raise SettingsError(f"{name!r} is neither a tile URL nor a provider the registry knows") from exc
    if provider.get("crs", "EPSG:3857") != "EPSG:3857":
        raise SettingsError(
            f"the tiles {provider.name} are in {provider['crs']}; the maps are Web Mercator (EPSG:3857) and cannot show them"
        )
    key = _check_key(key)
    fields = [field for field, value in provider.items() if isinstance(value, str) and "<insert" in value.lower()]
    if provider.requires_token() or fields:
        if key is None:
            raise SettingsError(
                f"the tiles {provider.name} need a key (set PRECISION_MAP_TILES_KEY); they are not used without one"
            )
        provider = provider.copy()
        provider.update({field: key for field in fields})
    url = provider.build_url(fill_subdomain=False, scale_factor="{r}")
    attribution = provider.get("html_attribution") or html.escape(provider.get("attribution", ""))
    subdomains = provider.get("subdomains", "abc") if "{s}" in url else ""
    return TileSource(
        name=provider.name,
        url=url,
        attribution=str(attribution),
        min_zoom=int(provider.get("min_zoom", 0)),
        max_zoom=int(provider.get("max_zoom", 19)),
        subdomains=str(subdomains),
    )


def tile_source(
    value: str | None, *, key: str | None = None, attribution: str | None = None, max_zoom: int = 19
) -> TileSource | None:
    """Return the tiles a setting names, or None for no tiles.

    Parameters
    ----------
    value : str or None
        ``none``/``off``/empty (no tiles), ``openstreetmap``/``default`` (the default), an
        xyzservices provider name, or an XYZ URL template.
    key : str, optional
        The provider's key (``PRECISION_MAP_TILES_KEY``).
    attribution : str, optional
        Attribution text of a URL template (``PRECISION_MAP_TILES_ATTRIBUTION``).
    max_zoom : int
        Deepest zoom level of a URL template (``PRECISION_MAP_TILES_MAX_ZOOM``).

    Raises
    ------
    SettingsError
        The setting names tiles that cannot be used as given (see :func:`check_url`,
        :func:`provider_tiles`).
    """
    text = (value or "").strip()
    if text.lower() in NO_TILES:
        return None
    if text.lower() in DEFAULT_NAMES:
        return DEFAULT_TILES
    if "://" in text:
        return custom_tiles(text, attribution, key, max_zoom)
    return provider_tiles(text, key)


#: OpenStreetMap's standard tiles: no key, and free for interactive viewing within the OSM
#: Foundation's tile usage policy (attribution shown, no bulk download, the browser's
#: referrer sent; https://operations.osmfoundation.org/policies/tiles/).
DEFAULT_TILES = TileSource(
    name="OpenStreetMap",
    url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    attribution='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    min_zoom=0,
    max_zoom=19,
)
