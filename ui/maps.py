"""Map building: returns ``folium.Map`` objects that tests can inspect without a browser.

Leaflet is served from the app's own ``static/`` folder (no CDN), folium's other default
assets (jQuery, Bootstrap, Font Awesome) are left out, and only non-empty cells with rounded
coordinates are sent. District boundaries are always drawn, so the map reads with no tiles.
Nothing that came from a CSV is put into the map's HTML: hexagons carry only their cell id
and count, and a click is looked up in Python.
"""

from __future__ import annotations

import dataclasses
import html
import json
import warnings
from collections.abc import Sequence

import folium
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from geo import hexes
from geo._schemas import H3_COLUMNS

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
    "Quantiles (equal numbers of hexagons)": "Quantiles",
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


def district_outlines(districts: gpd.GeoDataFrame, tolerance_deg: float = 0.0005) -> dict:
    """Return the district boundaries as simplified GeoJSON (tolerance in degrees, ~30 m)."""
    outline = districts[["district", "geometry"]].copy()
    outline["geometry"] = outline.geometry.simplify(tolerance_deg)
    return outline.__geo_interface__


def base_map(
    outlines: dict,
    bounds: Sequence[float],
    tiles: str | None,
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
    tiles : str or None
        Folium tile name, or None for a blank background (offline).
    """
    minx, miny, maxx, maxy = bounds
    fmap = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=10,
        tiles=tiles,
        prefer_canvas=True,
        control_scale=True,
        height=height_px,
        zoom_snap=0.25,
    )
    fmap.default_js = LEAFLET_JS
    fmap.default_css = LEAFLET_CSS
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    folium.GeoJson(
        outlines,
        name="District boundaries",
        style_function=lambda _: {"color": "#253494", "weight": 2, "fill": False},
        tooltip=folium.GeoJsonTooltip(fields=["district"], labels=False),
        control=False,
    ).add_to(fmap)
    return fmap


def hex_features(cells: np.ndarray, values: np.ndarray, classes: np.ndarray, decimals: int) -> dict:
    """Return a GeoJSON FeatureCollection of hexagons: id (cell), n (value), k (class)."""
    rings = hexes.cells_to_rings(cells, decimals)
    features = [
        {
            "type": "Feature",
            "id": hexes.cell_to_str(c),
            "properties": {"n": n, "k": int(k)},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        for c, n, k, ring in zip(cells.tolist(), values.tolist(), np.asarray(classes).tolist(), rings)
    ]
    return {"type": "FeatureCollection", "features": features}


class _Legend(MacroElement):
    """A fixed legend box drawn in the map's own HTML (no branca colormap, no d3)."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div class="ph-legend" style="position:absolute; bottom:{{ this.bottom_px }}px; right:10px; z-index:1000;
             background:rgba(255,255,255,0.92); padding:6px 8px; border:1px solid #999;
             border-radius:4px; font:12px/1.35 sans-serif;">
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


@dataclasses.dataclass(frozen=True)
class HexLayer:
    """Hexagons ready to draw: GeoJSON features, a colour per class and the legend.

    Attributes
    ----------
    features : dict
        FeatureCollection from :func:`hex_features` (property ``k`` is the class).
    colours : list of str
        Fill colour of each class.
    legend : list of (str, str, int)
        (label, colour, hexagons) rows.
    title : str
        Legend title.
    value_label : str
        What the tooltip calls a hexagon's value.
    """

    features: dict
    colours: list[str]
    legend: list[tuple[str, str, int]]
    title: str
    value_label: str


def legend_html(title: str, rows: Sequence[tuple[str, str, int]]) -> str:
    """Return the legend's HTML (all text escaped)."""
    body = "".join(
        f'<div><span style="display:inline-block;width:14px;height:12px;background:{html.escape(c)};'
        f'border:1px solid #777;margin-right:6px;vertical-align:middle"></span>{html.escape(label)}'
        f' <span style="color:#666">({m:,})</span></div>'
        for label, c, m in rows
    )
    return f"<b>{html.escape(title)}</b>{body}"


def counts_to_hex_layer(
    counts: pd.DataFrame, classes_wanted: int = 6, scheme: str = "Quantiles", decimals: int = 5
) -> HexLayer:
    """Classify cell counts and build their hexagon features.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``cell`` (int64) and ``count``, non-empty cells only (see
        :func:`models.counts.cell_counts`).
    decimals : int
        Decimals of the hexagon coordinates sent to the browser (5 ≈ 1 m).
    """
    cells = counts["cell"].to_numpy(dtype=np.int64)
    values = counts["count"].to_numpy(dtype=np.int64)
    classes = classify_counts(values, classes_wanted, scheme)
    return HexLayer(
        hex_features(cells, values, classes.index, decimals),
        list(classes.colours),
        list(zip(classes.labels(), classes.colours, classes.members)),
        "Incidents per hexagon",
        "Incidents (click for details)",
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


def bins_to_hex_layer(
    cells: np.ndarray, bins: np.ndarray, z: np.ndarray, labels: dict[int, str], decimals: int = 5
) -> HexLayer:
    """Hexagons of the significant Gi* bins (not-significant cells are not sent).

    Parameters
    ----------
    cells, bins, z : numpy.ndarray
        The grid's cells, their bins (-3..3) and z-scores.
    labels : dict of int to str
        Legend label of each bin.
    """
    order = [3, 2, 1, -1, -2, -3]
    keep = np.asarray(bins) != 0
    b = np.asarray(bins)[keep]
    k = np.array([order.index(int(v)) for v in b], dtype=np.int64)
    features = hex_features(np.asarray(cells)[keep], np.round(np.asarray(z)[keep], 2), k, decimals)
    counts = {v: int((b == v).sum()) for v in order}
    return HexLayer(
        features,
        [BIN_COLOURS[v] for v in order],
        [(labels[v], BIN_COLOURS[v], counts[v]) for v in order if counts[v]],
        "Getis-Ord Gi* hot spots",
        "Gi* z-score (click for details)",
    )


#: Colours of OCG principal criminality (Okabe-Ito, colour-blind safe).
CRIMINALITY_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]


def ocg_hex_layer(
    activity: pd.DataFrame,
    register: pd.DataFrame,
    resolution: int,
    criminality: Sequence[str],
    decimals: int = 5,
    synthetic: bool = False,
) -> HexLayer:
    """Hexagons with OCG activity, coloured by the principal criminality most active in each."""
    column = H3_COLUMNS[resolution]
    joined = activity[activity[column] != 0].merge(register[["ocg_id", "principal_criminality"]], on="ocg_id")
    if joined.empty:
        return HexLayer({"type": "FeatureCollection", "features": []}, [], [], "", "")
    per_cell = joined.groupby([column, "principal_criminality"]).size().rename("n").reset_index()
    top = per_cell.sort_values(["n", "principal_criminality"], ascending=[False, True]).drop_duplicates(column)
    totals = joined.groupby(column).size()
    order = list(criminality)
    cells = top[column].to_numpy(dtype=np.int64)
    k = np.array([order.index(c) for c in top["principal_criminality"]])
    features = hex_features(cells, totals.reindex(cells).to_numpy(), k, decimals)
    counts = top["principal_criminality"].value_counts()
    title = "OCG activity (SYNTHETIC DEMONSTRATION DATA)" if synthetic else "OCG activity"
    return HexLayer(
        features,
        CRIMINALITY_COLOURS[: len(order)],
        [(c, CRIMINALITY_COLOURS[i], int(counts.get(c, 0))) for i, c in enumerate(order) if counts.get(c, 0)],
        title,
        "OCG activity records",
    )


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
    tiles: str | None,
    communities: dict | None = None,
    overlay: HexLayer | None = None,
) -> folium.Map:
    """Return a map of shaded hexagons, district boundaries, a legend and optional outlines.

    Parameters
    ----------
    layer : HexLayer
        From :func:`counts_to_hex_layer` or :func:`bins_to_hex_layer`.
    outlines, bounds, tiles
        As for :func:`base_map`.
    communities : dict, optional
        :func:`community_features` to draw as outlines.
    overlay : HexLayer, optional
        A second hexagon layer drawn on top with thick outlines (OCG activity).
    """
    fmap = base_map(outlines, bounds, tiles)
    if layer.features["features"]:
        colours = layer.colours
        folium.GeoJson(
            layer.features,
            name="Hexagons",
            style_function=lambda f: {
                "fillColor": colours[f["properties"]["k"]],
                "fillOpacity": 0.75,
                "color": "#555555",
                "weight": 0.3,
            },
            highlight_function=lambda _: {"weight": 2, "color": "#000000"},
            tooltip=folium.GeoJsonTooltip(fields=["n"], aliases=[layer.value_label]),
            smooth_factor=0,
        ).add_to(fmap)
        fmap.add_child(_Legend(legend_html(layer.title, layer.legend)))
    if overlay is not None and overlay.features["features"]:
        overlay_colours = overlay.colours
        folium.GeoJson(
            overlay.features,
            name=overlay.title,
            style_function=lambda f: {
                "fillColor": overlay_colours[f["properties"]["k"]],
                "fillOpacity": 0.55,
                "color": overlay_colours[f["properties"]["k"]],
                "weight": 2.5,
            },
            tooltip=folium.GeoJsonTooltip(fields=["n"], aliases=[overlay.value_label]),
        ).add_to(fmap)
        fmap.add_child(_Legend(legend_html(overlay.title, overlay.legend), bottom_px=230))
    if communities and communities["features"]:
        folium.GeoJson(
            communities,
            name="Hotspot communities",
            style_function=lambda _: {"color": "#000000", "weight": 2.5, "fill": False, "dashArray": "6 4"},
            tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        ).add_to(fmap)
    return fmap


def map_payload_bytes(fmap: folium.Map) -> int:
    """Return the size in bytes of the map's rendered HTML and script (what a browser gets)."""
    return len(fmap.get_root().render().encode("utf-8"))
