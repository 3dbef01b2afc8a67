"""Map building: returns ``folium.Map`` objects that tests can inspect without a browser.

Leaflet and h3-js are served from the app's own ``static/`` folder (no CDN), folium's other
default assets (jQuery, Bootstrap, Font Awesome) are left out. Hexagons are sent as compact
cell ids, values and classes only (:func:`hex_payload`), and the browser draws them with
h3-js on the map's canvas, in one layer (:class:`HexCells`): no polygon coordinates. District boundaries are always drawn, so
the map reads with no tiles. Nothing that came from a CSV is put into the map's HTML, and a
click is looked up in Python. Each map has a table made from the same :class:`HexLayer`
(:func:`hex_table`).
"""

from __future__ import annotations

import dataclasses
import html
import json
import warnings
from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.map import FitBounds, Layer
from jinja2 import Template

from core.tiles import TileSource
from geo.schemas import H3_COLUMNS

#: URLs of the locally served Leaflet (Streamlit static serving, ``static/leaflet``).
LEAFLET_JS = [("leaflet", "/app/static/leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", "/app/static/leaflet/leaflet.css")]

#: Sequential, colour-blind safe palette (ColorBrewer YlOrRd), light to dark.
PALETTE: dict[int, list[str]] = {
    1: ["#bd0026"],
    2: ["#fd8d3c", "#bd0026"],
    3: ["#ffeda0", "#feb24c", "#f03b20"],
    4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
    7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
}

#: Classification schemes offered to users: label -> mapclassify class name.
SCHEMES: dict[str, str] = {
    "Quantiles (same number of hexagons in each class)": "Quantiles",
    "Natural breaks (Fisher-Jenks)": "FisherJenks",
}


@dataclasses.dataclass(frozen=True)
class Classes:
    """Colour classes of the hexagon counts.

    Attributes
    ----------
    upper : list of int
        Upper bound (inclusive) of each class.
    lower : list of int
        Lower bound (inclusive) of each class.
    colours : list of str
        Hex colour of each class.
    members : list of int
        Number of hexagons in each class.
    index : numpy.ndarray
        Class of each input value.
    """

    upper: list[int]
    lower: list[int]
    colours: list[str]
    members: list[int]
    index: np.ndarray

    def labels(self) -> list[str]:
        """Return readable ranges ("1-3", "4", "5-9", ...)."""
        return [f"{lo:,}" if lo == up else f"{lo:,}–{up:,}" for lo, up in zip(self.lower, self.upper)]


def classify_counts(counts: np.ndarray, k: int = 6, scheme: str = "Quantiles") -> Classes:
    """Put counts into at most k classes with mapclassify (integer bounds, no empty class).

    Parameters
    ----------
    counts : numpy.ndarray
        Positive integer counts (one per non-empty hexagon).
    k : int
        Classes wanted (1 to 7); fewer are made when there are fewer distinct counts.
    scheme : str
        mapclassify class name, ``"Quantiles"`` or ``"FisherJenks"``.
    """
    y = np.asarray(counts, dtype=np.int64)
    if len(y) == 0:
        return Classes([], [], [], [], np.zeros(0, dtype=np.int64))
    distinct = np.unique(y)
    k = int(max(1, min(k, len(distinct), max(PALETTE))))
    if k == 1:
        upper = [int(distinct[-1])]
    else:
        with warnings.catch_warnings():  # mapclassify warns when it merges equal bounds; handled below
            warnings.simplefilter("ignore", UserWarning)
            classifier = getattr(mapclassify, scheme)(y, k=k)
        upper = sorted({int(np.floor(b)) for b in classifier.bins} | {int(distinct[-1])})
    upper = [u for u in upper if (distinct <= u).any()]
    index = np.searchsorted(np.array(upper), y, side="left")
    lower = [int(distinct[0])] + [u + 1 for u in upper[:-1]]
    members = np.bincount(index, minlength=len(upper)).tolist()
    keep = [i for i, m in enumerate(members) if m > 0]
    remap = {old: new for new, old in enumerate(keep)}
    index = np.array([remap[i] for i in index], dtype=np.int64)
    lower = [lower[i] for i in keep]
    upper = [upper[i] for i in keep]
    # a class's lower bound is the smallest count in it
    lower = [int(y[index == j].min()) for j in range(len(keep))]
    colours = PALETTE[len(keep)]
    return Classes(upper, lower, list(colours), [members[i] for i in keep], index)


#: URL of the locally served h3-js (``static/h3-js``): draws hexagons from their cell ids.
H3_JS = [("h3-js", "/app/static/h3-js/h3-js.umd.js")]

#: Scripts the hexagon layer loads after Leaflet, in order: h3-js, then its own
#: (``static/hexcells/hex-cells.js``, which defines ``L.HexCells``).
HEX_CELLS_JS = [*H3_JS, ("hex-cells", "/app/static/hexcells/hex-cells.js")]


class _Verbatim(Element):
    """Text already rendered, put in the page as it is (never compiled as a template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text unchanged."""
        return self.text


class VerbatimMacroElement(MacroElement):
    """A MacroElement whose rendered macros go into the page verbatim.

    branca's ``MacroElement.render`` wraps the text each macro renders (``header``, ``html``,
    ``script``) in ``Element(text)``, which compiles that text as a jinja2 template and
    renders it again. For elements that carry data, that has two costs:

    - safety: text from the data is evaluated as a template on the server. A street, place
      or force name containing ``{{ ... }}`` or ``{% ... %}`` (from a data.police.uk file,
      an OCG file or the national table) would run as jinja2 code. Here it stays text;
    - time: the hexagon layer's 100 KB of data was lexed and parsed by jinja2 on every render
      (streamlit-folium rendered a map three times a run, twice since ``panels.draw_map``
      passes ``render=False``), a fifth of the server's time with 20 sessions at once (py-spy,
      ``bench.sessions --profile``).

    Put it after folium's classes in the bases (``class X(JSCSSMixin, Layer,
    VerbatimMacroElement)``) so their ``render`` steps run first and this one replaces
    ``MacroElement.render`` only.
    """

    def render(self, **kwargs: Any) -> None:
        """Add the rendered macros to the figure's header, html and script, then render the
        children (what ``MacroElement.render`` does, without recompiling the text)."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("A map element is rendered only inside a folium Figure")
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = macros.get(part)
            if macro is not None:
                getattr(figure, part).add_child(_Verbatim(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


def script_json(value: object) -> str:
    """JSON for a ``<script>`` block: ``<``, ``>`` and ``&`` escaped so no text can end it."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def district_outlines(districts: gpd.GeoDataFrame, tolerance_deg: float = 0.0005) -> dict:
    """Return the district boundaries as simplified GeoJSON (tolerance in degrees, ~30 m), with
    the ``district`` name and its HTML-escaped ``label``."""
    outline = districts[["district", "geometry"]].copy()
    outline["label"] = [html.escape(str(name)) for name in outline["district"]]
    outline["geometry"] = outline.geometry.simplify(tolerance_deg)
    return outline.__geo_interface__


def base_map(
    outlines: dict,
    bounds: Sequence[float],
    tiles: TileSource | None,
    height_px: int = 620,
) -> folium.Map:
    """Return a map fitted to bounds, with the district boundaries drawn.

    Parameters
    ----------
    outlines : dict
        GeoJSON FeatureCollection of districts with a ``district`` property
        (see :func:`district_outlines`).
    bounds : sequence of float
        ``(min_lon, min_lat, max_lon, max_lat)`` in degrees, the view to fit.
    tiles : TileSource or None
        Background tiles (``settings.map_tiles``), or None for a blank background
        (offline). When tiles fail to load in the browser, the map says so in one line
        (:class:`BaseTiles`) and its data stays as drawn.
    """
    minx, miny, maxx, maxy = bounds
    fmap = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=10,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        height=height_px,
        zoom_snap=0.25,
    )
    fmap.default_js = LEAFLET_JS
    fmap.default_css = LEAFLET_CSS
    # the legend sits at the bottom right: the data is fitted into the map above it, so the
    # legend never covers a hexagon of the view (the map is wider than the county is tall,
    # so this costs no zoom for the whole county)
    fit = FitBounds([[miny, minx], [maxy, maxx]], padding_bottom_right=(10, LEGEND_HEIGHT_PX))
    # the first view is set at once: animated from zoom_start, it drew every layer twice
    fit.options["animate"] = False
    fmap.add_child(fit)
    if tiles is not None:
        BaseTiles(tiles).add_to(fmap)
    Outlines(outlines, {"color": "#253494", "weight": 2, "fill": False}, name="District boundaries").add_to(fmap)
    return fmap


def tile_notice(tiles: TileSource) -> str:
    """The one line a map shows when its background tiles fail to load."""
    return f"Background map ({tiles.host}) did not load; the data on this map is complete."


class BaseTiles(Layer, VerbatimMacroElement):
    """The background tile layer, with a one-line notice when its tiles fail to load.

    Leaflet fires ``tileerror`` for every tile that fails (no connection, a refused or
    missing key, a blocked host): the notice (``.ph-tile-notice``, a polite live region at
    the top of the map) then shows; when every tile of a later view loads it hides again.
    The map's data never depends on the tiles. The layer asks for tiles only between the
    service's zoom levels, and sends the page's origin as referrer (the OpenStreetMap tile
    usage policy asks for a valid referrer).

    Parameters
    ----------
    tiles : TileSource
        The service (URL with any key in it, attribution, zoom levels).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.tileLayer({{ this.url_json }}, {{ this.options_json }});
        (function (layer, map) {
          var box = document.createElement("div");
          box.className = "ph-tile-notice";
          box.setAttribute("role", "status");
          box.style.cssText = "position:absolute; top:10px; left:50%; transform:translateX(-50%); z-index:1000;"
            + " max-width:85%; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; display:none;"
            + " background:rgba(255,255,255,0.95); color:#222; border:1px solid #b35806; border-radius:4px;"
            + " padding:3px 8px; font:12px/1.35 sans-serif;";
          map.getContainer().appendChild(box);
          var failed = 0;
          layer.on("loading", function () { failed = 0; });
          layer.on("tileerror", function () {
            failed++;
            box.textContent = {{ this.notice_json }};
            box.title = box.textContent;
            box.style.display = "block";
          });
          layer.on("load", function () { if (failed === 0) { box.style.display = "none"; } });
        })({{ this.get_name() }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, tiles: TileSource) -> None:
        super().__init__(name=tiles.name, overlay=False, control=False)
        self._name = "BaseTiles"
        self.tiles = tiles
        self.url_json = script_json(tiles.url)
        options: dict[str, object] = {
            "attribution": tiles.attribution,
            "minZoom": tiles.min_zoom,
            "maxZoom": tiles.max_zoom,
            "maxNativeZoom": tiles.max_zoom,
            "referrerPolicy": "strict-origin-when-cross-origin",
            "crossOrigin": False,
        }
        if tiles.subdomains:
            options["subdomains"] = tiles.subdomains
        self.options_json = script_json(options)
        self.notice_json = script_json(tile_notice(tiles))


class Outlines(Layer, VerbatimMacroElement):
    """Outlines from GeoJSON whose features carry an HTML-escaped ``label`` (their tooltip).

    A lighter stand-in for ``folium.GeoJson`` with a fixed style: its template is compiled
    once, where ``folium.GeoJson`` and its tooltip make and compile new templates on every
    render (streamlit-folium renders a map more than once a run).

    Parameters
    ----------
    data : dict
        GeoJSON FeatureCollection; each feature's ``label`` property is HTML (escaped text).
    style : dict
        Leaflet path options of every outline.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data_json }}, {
          style: function () { return {{ this.style_json }}; },
          onEachFeature: function (feature, layer) { layer.bindTooltip(feature.properties.label, {sticky: true}); }
        });
        {% endmacro %}
        """
    )

    def __init__(self, data: dict, style: dict[str, object], name: str) -> None:
        super().__init__(name=name, overlay=True, control=False)
        self._name = "Outlines"
        self.data_json = script_json(data)
        self.style_json = script_json(style)


#: Widest a legend box is drawn, in pixels.
LEGEND_WIDTH_PX = 230

#: Height kept free at the bottom of a map for the legend, in pixels: maps fit their data
#: above it.
LEGEND_HEIGHT_PX = 170


class _Legend(VerbatimMacroElement):
    """A fixed legend box drawn in the map's own HTML (no branca colormap, no d3)."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div class="ph-legend" style="position:absolute; bottom:{{ this.bottom_px }}px; right:10px; z-index:1000;
             max-width:{{ this.width_px }}px;
             background:rgba(255,255,255,0.92); padding:6px 8px; border:1px solid #999;
             border-radius:4px; font:12px/1.35 sans-serif; color:#222;">
          {{ this.body }}
        </div>
        {% endmacro %}
        """
    )

    def __init__(self, body: str, bottom_px: int = 24) -> None:
        super().__init__()
        self._name = "Legend"
        self.body = body
        self.bottom_px = int(bottom_px)
        self.width_px = LEGEND_WIDTH_PX


class _FrameTitle(VerbatimMacroElement):
    """Gives the iframe that holds the map a title (screen readers announce it)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.frameElement) { window.frameElement.setAttribute("title", {{ this.title_json }}); }
        {% endmacro %}
        """
    )

    def __init__(self, title: str) -> None:
        super().__init__()
        self._name = "FrameTitle"
        self.title_json = script_json(title)


@dataclasses.dataclass(frozen=True)
class HexLayer:
    """Hexagons to draw: cells, their values and classes, the class colours and the legend.

    The map and its table (:func:`hex_table`) are both made from this one value.

    Attributes
    ----------
    cells : numpy.ndarray
        int64 H3 cells, one per hexagon drawn.
    values : numpy.ndarray
        The value of each cell (incidents, a Gi* z-score, OCG activity records).
    classes : numpy.ndarray
        Class of each cell, an index into ``colours`` and ``labels`` (0 is class 1).
    colours : list of str
        Fill colour of each class.
    labels : list of str
        Label of each class (a range of counts, a confidence bin, a criminality).
    title : str
        Legend title.
    value_label : str
        What the tooltip and the table call a hexagon's value.
    payload_json : str
        What the browser receives (:func:`hex_payload`, as script-safe JSON), made once with
        the layer: a cached layer then carries it, instead of every run remaking it.
    """

    cells: np.ndarray
    values: np.ndarray
    classes: np.ndarray
    colours: list[str]
    labels: list[str]
    title: str
    value_label: str
    payload_json: str = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "payload_json", script_json(hex_payload(self)))

    def __len__(self) -> int:
        return len(self.cells)

    @property
    def legend(self) -> list[tuple[int, str, str, int]]:
        """(class number from 1, label, colour, hexagons) of each class that has hexagons."""
        members = np.bincount(np.asarray(self.classes, dtype=np.int64), minlength=len(self.colours))
        return [
            (k + 1, label, colour, int(members[k]))
            for k, (label, colour) in enumerate(zip(self.labels, self.colours))
            if members[k]
        ]


def _common_prefix(texts: Sequence[str]) -> str:
    """The longest text every one of ``texts`` starts with (that of the first and last in order)."""
    first, last = min(texts), max(texts)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def cells_to_compact_ids(cells: np.ndarray) -> tuple[str, list[str], str]:
    """Return hexadecimal cell ids as a shared prefix, the varying middles and a shared suffix.

    Cells of one area share their leading digits (mode, resolution, base cell) and, at one
    resolution, their trailing unused digits (all ``f``), so only the middle of each id is
    sent: ``prefix + middle + suffix`` is the usual id (``'89195da49b7ffff'``).
    """
    ids = [format(c, "x") for c in np.asarray(cells, dtype=np.int64).tolist()]
    if not ids:
        return "", [], ""
    prefix = _common_prefix(ids)
    rests = [i[len(prefix) :] for i in ids]
    suffix = _common_prefix([r[::-1] for r in rests])[::-1]
    middles = [r[: len(r) - len(suffix)] for r in rests]
    return prefix, middles, suffix


def hex_payload(layer: HexLayer) -> dict[str, Any]:
    """What the browser receives for a hexagon layer: compact cell ids, values and classes.

    No coordinates: the browser draws each hexagon from its id with h3-js. Every text is
    HTML-escaped here, as the tooltips are HTML.
    """
    prefix, middles, suffix = cells_to_compact_ids(layer.cells)
    values = np.asarray(layer.values)
    return {
        "prefix": prefix,
        "ids": middles,
        "suffix": suffix,
        "n": values.tolist(),
        "k": np.asarray(layer.classes, dtype=np.int64).tolist(),
        "colours": list(layer.colours),
        "labels": [html.escape(label) for label in layer.labels],
        "valueLabel": html.escape(layer.value_label),
        "integer": bool(np.issubdtype(values.dtype, np.integer)),
    }


#: A layer with no hexagon (a map of outlines only).
EMPTY_LAYER = HexLayer(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), [], [], "", "")


class HexCells(JSCSSMixin, Layer, VerbatimMacroElement):
    """A Leaflet layer of H3 hexagons drawn in the browser from cell ids (``L.HexCells``).

    The browser script (:data:`HEX_CELLS_JS`, ``static/hexcells/hex-cells.js``) draws every
    hexagon of the layer as one path of the map's canvas renderer: each outline computed once
    with h3-js, each class filled and outlined in one batch. The hexagon under the pointer is
    found with h3-js; its tooltip gives its value and class (``layer.tooltipText(cell)``), it
    is outlined while hovered, and a click on it is reported by streamlit-folium
    (``last_object_clicked``) like a click on any layer. Tests and benchmarks read
    ``layer.cells()``, ``layer.cellAt(latlng)`` and ``layer.outline(cell)``.

    Parameters
    ----------
    layer : HexLayer
        The hexagons.
    fill_opacity, weight : float
        Fill opacity and outline width in pixels.
    outline : str or None
        Outline colour; None draws each hexagon's outline in its class colour.
    """

    default_js = HEX_CELLS_JS
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.hexCells({{ this.payload_json }}, {{ this.options_json }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        layer: HexLayer,
        name: str = "Hexagons",
        fill_opacity: float = 0.75,
        weight: float = 0.3,
        outline: str | None = "#555555",
    ) -> None:
        super().__init__(name=name, overlay=True, control=True)
        self._name = "HexCells"
        self.layer = layer
        self.payload_json = layer.payload_json
        self.options_json = script_json(
            {"fillOpacity": float(fill_opacity), "weight": float(weight), "outline": outline}
        )


def legend_html(title: str, rows: Sequence[tuple[int, str, str, int]]) -> str:
    """Return the legend's HTML (all text escaped): each class's number, swatch, label and
    number of hexagons, so classes read without colour."""
    body = "".join(
        f'<div><span style="display:inline-block;min-width:1.4em;font-weight:bold">{k}</span>'
        f'<span style="display:inline-block;width:14px;height:12px;background:{html.escape(c)};'
        f'border:1px solid #777;margin-right:6px;vertical-align:middle"></span>{html.escape(label)}'
        f' <span style="color:#444">({m:,} hexagons)</span></div>'
        for k, label, c, m in rows
    )
    return f"<b>{html.escape(title)}</b>{body}"


def counts_to_hex_layer(counts: pd.DataFrame, classes_wanted: int = 6, scheme: str = "Quantiles") -> HexLayer:
    """Classify cell counts into a hexagon layer.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``cell`` (int64) and ``count``, non-empty cells only (see
        :func:`models.counts.cell_counts`).
    classes_wanted, scheme
        As for :func:`classify_counts`.
    """
    cells = counts["cell"].to_numpy(dtype=np.int64)
    values = counts["count"].to_numpy(dtype=np.int64)
    classes = classify_counts(values, classes_wanted, scheme)
    return HexLayer(
        cells,
        values,
        classes.index,
        list(classes.colours),
        classes.labels(),
        "Incidents per hexagon",
        "Incidents",
    )


#: Colours of the Gi* bins, -3..3 (ColorBrewer RdBu, colour-blind safe); 0 is not drawn.
BIN_COLOURS: dict[int, str] = {
    3: "#b2182b",
    2: "#ef8a62",
    1: "#fddbc7",
    -1: "#d1e5f0",
    -2: "#67a9cf",
    -3: "#2166ac",
}

#: Gi* bins in class order (class 1 is the 99 % hot spot).
BIN_ORDER = (3, 2, 1, -1, -2, -3)


def bins_to_hex_layer(cells: np.ndarray, bins: np.ndarray, z: np.ndarray, labels: dict[int, str]) -> HexLayer:
    """Hexagons of the significant Gi* bins (not-significant cells are not sent).

    Parameters
    ----------
    cells, bins, z : numpy.ndarray
        The grid's cells, their bins (-3..3) and z-scores.
    labels : dict of int to str
        Legend label of each bin.
    """
    keep = np.asarray(bins) != 0
    b = np.asarray(bins)[keep].astype(np.int64)
    lookup = np.zeros(7, dtype=np.int64)
    lookup[np.array(BIN_ORDER) + 3] = np.arange(len(BIN_ORDER))
    return HexLayer(
        np.asarray(cells, dtype=np.int64)[keep],
        np.round(np.asarray(z, dtype=np.float64)[keep], 2),
        lookup[b + 3],
        [BIN_COLOURS[v] for v in BIN_ORDER],
        [labels[v] for v in BIN_ORDER],
        "Getis-Ord Gi* hot spots",
        "Gi* z-score",
    )


#: Colours of OCG principal criminality (Okabe-Ito, colour-blind safe).
CRIMINALITY_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]


def ocg_hex_layer(
    activity: pd.DataFrame,
    register: pd.DataFrame,
    resolution: int,
    criminality: Sequence[str],
    synthetic: bool = False,
) -> HexLayer:
    """Hexagons with OCG activity, coloured by the principal criminality most active in each."""
    column = H3_COLUMNS[resolution]
    joined = activity[activity[column] != 0].merge(register[["ocg_id", "principal_criminality"]], on="ocg_id")
    if joined.empty:
        return EMPTY_LAYER
    per_cell = joined.groupby([column, "principal_criminality"]).size().rename("n").reset_index()
    top = per_cell.sort_values(["n", "principal_criminality"], ascending=[False, True]).drop_duplicates(column)
    totals = joined.groupby(column).size()
    order = list(criminality)
    cells = top[column].to_numpy(dtype=np.int64)
    k = np.array([order.index(c) for c in top["principal_criminality"]], dtype=np.int64)
    title = "OCG activity (SYNTHETIC DEMONSTRATION DATA)" if synthetic else "OCG activity"
    return HexLayer(
        cells,
        totals.reindex(cells).to_numpy(dtype=np.int64),
        k,
        CRIMINALITY_COLOURS[: len(order)],
        order,
        title,
        "OCG activity records",
    )


def hex_table(layer: HexLayer, communities: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """The table of a hexagon layer: one row per hexagon drawn, with the map's figures.

    Columns: ``H3 cell``, the layer's value, ``Class`` (the number the legend and tooltips
    show), ``Class label`` and, with ``communities`` (a ``community_id`` and ``cells`` per
    row), ``Community``. Sorted by value, largest first.
    """
    table = pd.DataFrame(
        {
            "H3 cell": [format(c, "x") for c in np.asarray(layer.cells, dtype=np.int64).tolist()],
            layer.value_label: np.asarray(layer.values),
            "Class": np.asarray(layer.classes, dtype=np.int64) + 1,
            "Class label": [layer.labels[k] for k in np.asarray(layer.classes, dtype=np.int64).tolist()],
        }
    )
    if communities is not None:
        owner = {int(c): cid for cid, cells in zip(communities["community_id"], communities["cells"]) for c in cells}
        table["Community"] = [owner.get(int(c), "") for c in np.asarray(layer.cells).tolist()]
    return table.sort_values(layer.value_label, ascending=False, kind="stable").reset_index(drop=True)


def community_features(communities: gpd.GeoDataFrame, decimals: int = 5) -> dict:
    """Community outlines as GeoJSON with escaped ``label`` text for tooltips."""
    if communities.empty:
        return {"type": "FeatureCollection", "features": []}
    out = communities[["community_id", "name", "geometry"]].copy()
    out["label"] = [html.escape(f"{cid} · {name}") for cid, name in zip(out["community_id"], out["name"])]
    out["geometry"] = shapely.set_precision(out.geometry.values, 10**-decimals)
    return json.loads(out[["label", "geometry"]].to_json(drop_id=True))


def hex_map(
    layer: HexLayer,
    outlines: dict,
    bounds: Sequence[float],
    *,
    tiles: TileSource | None,
    title: str,
    communities: dict | None = None,
    overlay: HexLayer | None = None,
) -> folium.Map:
    """Return a map of shaded hexagons, district boundaries, a legend and optional outlines.

    Hexagons are sent as cell ids and drawn in the browser (:class:`HexCells`). The map
    stays an ordinary ``folium.Map``: other layers can be added to it.

    Parameters
    ----------
    layer : HexLayer
        From :func:`counts_to_hex_layer` or :func:`bins_to_hex_layer` (or
        :data:`EMPTY_LAYER`).
    outlines, bounds, tiles
        As for :func:`base_map`.
    title : str
        Title of the iframe holding the map (what a screen reader announces).
    communities : dict, optional
        :func:`community_features` to draw as outlines.
    overlay : HexLayer, optional
        A second hexagon layer drawn on top with thick outlines (OCG activity).
    """
    fmap = base_map(outlines, bounds, tiles)
    fmap.add_child(_FrameTitle(title))
    if len(layer):
        HexCells(layer).add_to(fmap)
        fmap.add_child(_Legend(legend_html(layer.title, layer.legend)))
    if overlay is not None and len(overlay):
        HexCells(overlay, name=overlay.title, fill_opacity=0.55, weight=2.5, outline=None).add_to(fmap)
        fmap.add_child(_Legend(legend_html(overlay.title, overlay.legend), bottom_px=230))
    if communities and communities["features"]:
        Outlines(
            communities, {"color": "#000000", "weight": 2.5, "fill": False, "dashArray": "6 4"}, "Hotspot communities"
        ).add_to(fmap)
    return fmap


def map_payload_bytes(fmap: folium.Map) -> int:
    """Return the size in bytes of the map's rendered HTML and script (what a browser gets)."""
    return len(fmap.get_root().render().encode("utf-8"))
